package importer

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	ioc "github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// text is the fifth stage: the brief's summary and its Markdown body.
type text struct {
	summary, summaryNote string
	body                 string
}

// compose writes the summary from the mapped values and assembles the
// body from the report's sections under the house headings.
func compose(c *candidates, d *draft, r *report, v *vocab.Vocab, n *notes) text {
	t := text{body: body(c, d, r)}
	if s, ok := writeSummary(c, d, v); ok {
		t.summary = s
		t.summaryNote = "written from the attribution, victims, dates and techniques below; the report's own words open the body"
		n.mapped("summary", short(s, 60), "", t.summaryNote)
		return t
	}
	// Too little was extracted to say who did what: the report's own text.
	t.summary, t.summaryNote = c.text, "from "+c.textNote
	if utf8.RuneCountInString(t.summary) > validate.MaxTextRunes {
		// Whole sentences that fit; the whole text is in the body.
		cut := ""
		for _, sent := range sentences(t.summary) {
			if utf8.RuneCountInString(cut+" "+sent) > validate.MaxTextRunes-1 {
				break
			}
			cut = strings.TrimSpace(cut + " " + sent)
		}
		if cut == "" {
			cut = short(t.summary, validate.MaxTextRunes-1)
		}
		n.miss("summary", "", fmt.Sprintf("the report's text is longer than %d characters: the summary keeps the sentences that fit, and the whole text is in the body", validate.MaxTextRunes))
		t.summary = cut
	}
	n.mapped("summary", short(t.summary, 60), short(t.summary, 60), t.summaryNote+" (too little was mapped to write one)")
	return t
}

// ---- summary ----

// writeSummary says who did what to whom and when, in one or two
// sentences built from the draft: "CNCERT alleges that X targeted
// organisations in the energy sector in China between May 2023 and August
// 2024, exploiting public-facing applications and collecting email from
// the mail server. The stated objective: stealing trade secrets." ok is
// false when the draft names no actor, no victim and no technique.
func writeSummary(c *candidates, d *draft, v *vocab.Vocab) (string, bool) {
	whom := victims(d, v)
	how := gists(d, v)
	if len(d.claims) == 0 && len(d.actors) == 0 && whom == "" && len(how) == 0 {
		return "", false
	}
	var b strings.Builder
	b.WriteString(who(d))
	if whom == "" {
		whom = "its victims"
	}
	b.WriteString(" targeted " + whom)
	b.WriteString(when(d.campaigns))
	if len(how) > 0 {
		b.WriteString(", " + joinAnd(how))
	}
	b.WriteString(".")
	if c.objective != "" {
		b.WriteString(" The stated objective: " + lowerFirst(strings.TrimSuffix(c.objective, ".")) + ".")
	}
	s := b.String()
	if utf8.RuneCountInString(s) > validate.MaxTextRunes {
		return "", false
	}
	return s, true
}

// who is the subject: the claimant and the actors it names, else the
// actors, else nobody in particular.
func who(d *draft) string {
	if len(d.claims) > 0 {
		c := d.claims[0]
		var actors []string
		for _, o := range d.claims {
			if o.by == c.by && !slices.Contains(actors, o.actor) {
				actors = append(actors, o.actor)
			}
		}
		a := joinAnd(actors)
		switch {
		case strings.Contains(c.confNote, "an allegation"):
			return c.by + " alleges that " + a
		case c.confidence == "moderate" || c.confidence == "high":
			return fmt.Sprintf("%s assesses with %s confidence that %s", c.by, c.confidence, a)
		}
		return "According to " + c.by + ", " + a
	}
	var actors []string
	for _, e := range d.actors {
		actors = append(actors, e.value)
	}
	if len(actors) > 0 {
		return joinAnd(actors)
	}
	return "Unidentified attackers"
}

// victims is "organisations in the energy and research sectors in China".
func victims(d *draft, v *vocab.Vocab) string {
	var sectors, places []string
	for _, e := range d.sectors {
		sectors = append(sectors, lowerSector(e.value))
	}
	for _, e := range d.countries {
		if name, ok := v.Country(e.value); ok {
			places = append(places, withArticle(name))
		}
	}
	if len(sectors) == 0 && len(places) == 0 {
		return ""
	}
	s := "organisations"
	switch len(sectors) {
	case 0:
	case 1:
		s += " in the " + sectors[0] + " sector"
	default:
		s += " in the " + joinAnd(sectors) + " sectors"
	}
	if len(places) > 0 {
		s += " in " + joinAnd(places)
	}
	return s
}

// when is " in August 2024" or " between May 2023 and August 2024", from
// the campaigns' months; "" when none is dated.
func when(cs []campaign) string {
	var pts []string
	for _, c := range cs {
		for _, p := range []string{c.first, c.last} {
			if p != "" {
				pts = append(pts, p)
			}
		}
	}
	if len(pts) == 0 {
		return ""
	}
	slices.Sort(pts)
	first, last := pts[0], pts[len(pts)-1]
	if first == last {
		return " in " + monthName(first)
	}
	f, l := monthName(first), monthName(last)
	if y := first[:4]; len(first) == 7 && len(last) == 7 && last[:4] == y {
		f = strings.TrimSuffix(f, " "+y) // "between January and March 2025"
	}
	return " between " + f + " and " + l
}

// gistRank orders techniques for the summary by tactic: how they got in,
// then what they came for, then how they went about it.
var gistRank = []string{"initial-access", "impact", "exfiltration", "collection", "credential-access", "lateral-movement", "persistence", "execution"}

// maxGists is how many techniques the summary names.
const maxGists = 4

// gists are what the actor did, in words: one technique of each tactic
// first (in gistRank's order), then more, up to maxGists; within a tactic,
// the one the gist table lists first.
func gists(d *draft, v *vocab.Vocab) []string {
	type ranked struct {
		gist       string
		rank, prio int
	}
	var rs []ranked
	for _, e := range d.techniques {
		prio := slices.IndexFunc(techniqueGists, func(g gist) bool { return g.id == e.value })
		if prio < 0 {
			continue
		}
		g := techniqueGists[prio].text
		rank := len(gistRank)
		if t, ok := v.Technique(e.value); ok {
			for _, tac := range t.Tactics {
				if i := slices.Index(gistRank, tac); i >= 0 && i < rank {
					rank = i
				}
			}
		}
		if !slices.ContainsFunc(rs, func(r ranked) bool { return r.gist == g }) {
			rs = append(rs, ranked{g, rank, prio})
		}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Or(a.rank-b.rank, a.prio-b.prio) })
	var first, rest []string
	for i, r := range rs {
		if i == 0 || r.rank != rs[i-1].rank {
			first = append(first, r.gist)
		} else {
			rest = append(rest, r.gist)
		}
	}
	out := append(first, rest...)
	return out[:min(len(out), maxGists)]
}

type gist struct{ id, text string }

// techniqueGists says what a technique is in a few words of a sentence
// ("X targeted Y, exploiting public-facing applications"), most telling
// first within each tactic.
var techniqueGists = []gist{
	{"T1190", "exploiting public-facing applications"},
	{"T1133", "entering through remote access services"},
	{"T1566.001", "sending spearphishing attachments"},
	{"T1566.002", "sending spearphishing links"},
	{"T1566.003", "phishing through messaging services"},
	{"T1566.004", "phishing by telephone"},
	{"T1566", "phishing"},
	{"T1195.002", "compromising the software supply chain"},
	{"T1195", "compromising a supplier"},
	{"T1199", "abusing a trusted relationship"},
	{"T1189", "compromising websites the victims visit"},
	{"T1078.004", "using hijacked cloud accounts"},
	{"T1078", "using valid accounts"},
	{"T1486", "encrypting data for ransom"},
	{"T1485", "destroying data"},
	{"T1561", "wiping disks"},
	{"T1490", "deleting backups and shadow copies"},
	{"T1491", "defacing websites"},
	{"T1498", "flooding networks with traffic"},
	{"T1657", "stealing funds"},
	{"T1567.002", "exfiltrating data to cloud storage"},
	{"T1041", "exfiltrating data over the command channel"},
	{"T1048", "exfiltrating data over other protocols"},
	{"T1114.002", "collecting email from the mail server"},
	{"T1114.003", "forwarding mail with inbox rules"},
	{"T1114", "collecting email"},
	{"T1003.001", "dumping credentials"},
	{"T1003.003", "dumping credentials"},
	{"T1003", "dumping credentials"},
	{"T1110.003", "spraying passwords"},
	{"T1110", "guessing passwords"},
	{"T1557", "intercepting sign-ins"},
	{"T1539", "stealing session cookies"},
	{"T1056.003", "capturing credentials on the login page"},
	{"T1555.003", "stealing passwords saved in browsers"},
	{"T1570", "spreading malware between hosts"},
	{"T1072", "pushing malware through software deployment tools"},
	{"T1021.001", "moving laterally over RDP"},
	{"T1505.003", "planting web shells"},
	{"T1505", "implanting backdoors on servers"},
	{"T1098.005", "registering their own MFA devices"},
	{"T1219", "installing remote access tools"},
	{"T1574.001", "side-loading DLLs"},
	{"T1553.002", "signing malware with a stolen certificate"},
	{"T1102.001", "hiding command addresses on public web services"},
	{"T1572", "tunnelling traffic out of the network"},
	{"T1090", "relaying traffic through proxies"},
	{"T1659", "injecting content into traffic"},
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	last := " and "
	if len(xs) > 1 && slices.ContainsFunc(xs, func(x string) bool { return strings.Contains(x, " and ") }) {
		last = ", and "
	}
	return strings.Join(xs[:len(xs)-1], ", ") + last + xs[len(xs)-1]
}

// lowerSector writes a sector name inside a sentence: "Financial Services"
// becomes "financial services", acronyms stay ("IT").
func lowerSector(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		if !isAcronym(w) {
			ws[i] = strings.ToLower(w)
		}
	}
	return strings.Join(ws, " ")
}

func lowerFirst(s string) string {
	ws := strings.Fields(s)
	if len(ws) > 0 && !isAcronym(ws[0]) {
		r, n := utf8.DecodeRuneInString(ws[0])
		ws[0] = strings.ToLower(string(r)) + ws[0][n:]
	}
	return strings.Join(ws, " ")
}

// withArticle puts "the" before the country names that take it ("the
// United States", "the Netherlands").
func withArticle(name string) string {
	switch {
	case strings.HasPrefix(name, "United "), strings.HasSuffix(name, " Islands"), strings.HasSuffix(name, " Republic"),
		slices.Contains([]string{"Netherlands", "Philippines", "Bahamas", "Maldives", "Seychelles", "Gambia", "Comoros"}, name):
		return "the " + name
	}
	return name
}

// ---- body ----

// The house headings of a brief's body, and the report sections under
// each (see the briefs in content/briefs/).
var houseSections = []struct {
	heading string
	kinds   []string
}{
	{"What happened", []string{"", secActivity, secTargeting}},
	{"How they got in", []string{secTTP, secTools}},
	{"Attribution", []string{secActor, secAttribution}},
	{"Why it matters", []string{secImplications}},
	{"What to do", []string{secMitigations}},
}

// body assembles the report's text under the house headings: What
// happened (the Full Report paragraph, the activity and the targeting),
// How they got in (TTPs, tools and infrastructure), Attribution, Why it
// matters (implications) and What to do (every recommendation, as
// written). Sections of other kinds keep their own headings, after these.
// Lines are kept as written, with one change a reader of the page needs:
// indicators the report gave live are defanged, so no renderer turns them
// into links.
func body(c *candidates, d *draft, r *report) string {
	live := map[string]indicator{}
	for _, ind := range d.iocs {
		if ind.Live {
			live[ind.Written] = ind
		}
	}
	var b strings.Builder
	section := func(heading string, paragraphs ...[]string) {
		var lines []string
		for _, p := range paragraphs {
			p = trimBlank(p)
			if len(p) == 0 {
				continue
			}
			if len(lines) > 0 {
				lines = append(lines, "")
			}
			lines = append(lines, p...)
		}
		if len(lines) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("## " + heading + "\n\n")
		for _, l := range lines {
			if len(live) > 0 {
				l = defangLine(l, live)
			}
			b.WriteString(strings.TrimRight(l, " \t") + "\n")
		}
	}
	for _, h := range houseSections {
		var paras [][]string
		if h.heading == "What happened" && c.full != "" {
			paras = append(paras, []string{c.full})
		}
		for _, p := range r.parts {
			if !slices.Contains(h.kinds, p.kind) {
				continue
			}
			if p.kind == secActor && r.actor != "" {
				if len(d.claims)+len(d.actors) == 0 {
					paras = append(paras, []string{"The report names no threat actor; its heading reads: **" + plain(r.actor) + "**."})
				} else {
					paras = append(paras, []string{"The report names the threat actor: **" + plain(r.actor) + "**."})
				}
			}
			if (p.kind == secTargeting || p.kind == secTools) && len(trimBlank(p.lines)) > 0 {
				// Under a heading shared with another section: say which.
				paras = append(paras, []string{"**" + p.title + "**"})
			}
			paras = append(paras, p.lines)
		}
		section(h.heading, paras...)
	}
	for _, p := range r.parts {
		if p.kind == secOther {
			section(p.title, p.lines)
		}
	}
	return b.String()
}

// trimBlank drops blank lines at both ends.
func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

var tokenSpanRe = regexp.MustCompile("[^\\s,;|\"“”<>`*]+")

// defangLine replaces each token of l that is a live indicator.
func defangLine(l string, live map[string]indicator) string {
	return tokenSpanRe.ReplaceAllStringFunc(l, func(tok string) string {
		for _, t := range tokens(tok) {
			if ind, ok := live[t]; ok {
				return strings.Replace(tok, t, ioc.Defang(ind.Type, ioc.Refang(t)), 1)
			}
		}
		return tok
	})
}
