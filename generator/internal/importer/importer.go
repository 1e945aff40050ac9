// Package importer turns an "Analysis Summary" text report into a brief.
//
// It accepts the plain-text format teams receive (see testdata/reports):
// optional "Date:", "Source:", "URL:" or "Title:" lines, a "Full Report"
// paragraph (often a news item ending "The post TITLE appeared first on
// PUBLISHER."), then "Analysis Summary" followed by Markdown: a
// "# Threat Actor: NAME (qualifier)" or "# Threat Actors: A and B" heading
// and "##" sections for attribution, activity (numbered items with a month
// and year in parentheses), tactics, techniques and procedures, targeting
// ("**Sectors:**", "**Geography:**", "**Victims:**"), tools and
// infrastructure ("**Malware families used:**", "**Infrastructure (C2,
// domains, IPs):**"), implications and mitigations. Any part may be missing
// or worded differently; "Not specified" placeholders yield nothing.
//
// Import is a pure function: from the report text, the vocabularies and
// profiles (through a resolve.Resolver) and Options it returns the brief's
// file (YAML front matter and the Analysis Summary as Markdown body) and a
// list of Notes saying what it mapped, from which words, and what it could
// not map. Every suggested term carries a YAML comment naming the phrase it
// came from, so a reviewer sees it in the file. The front matter loads with
// goldmark-meta (YAML 1.1) and, given a date, passes validation. Import
// never panics and runs in time linear in the input for any input.
package importer

import (
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	ioc "github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/slug"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// MaxReportSize bounds a report; briefs are limited to 1 MiB as well.
const MaxReportSize = 512 << 10

// Options are the facts a report may lack and the labels the caller sets.
type Options struct {
	// Resolver resolves names to canonical terms (vocabularies and the
	// project's profiles). Required.
	Resolver *resolve.Resolver
	// Date is the publication date used when the report gives none.
	Date time.Time
	// TLP is the label of the brief; default clear.
	TLP brief.TLP
	// Name is the report's file name, mentioned in the brief's header
	// comment; "" for none.
	Name string
	// Kinds are the site's taxonomies (default taxonomy.Kinds()): the
	// brief lists every term list field of theirs, in their order. The
	// importer fills the ones it knows from the report's sections.
	Kinds taxonomy.Table
}

// Errors for reports that lack a required fact. They are returned wrapped,
// together with a Result whose Notes say what was mapped.
var (
	ErrNoDate    = errors.New("the report gives no publication date")
	ErrNoTitle   = errors.New("the report has no title: no \"appeared first on\" line, Title: line or Full Report text")
	ErrNoSummary = errors.New("the report has no Full Report paragraph or analysis text to take a summary from")
	ErrTooLarge  = fmt.Errorf("the report is larger than %d bytes", MaxReportSize)
)

// Note says where one value of the brief came from, or why some words of
// the report were not used.
type Note struct {
	Field  string // front-matter key: "techniques", "sectors", ...
	Value  string // what went into the brief; "" when nothing did
	From   string // the report's words
	Reason string // how it was mapped, or why not
}

// Mapped reports whether the note is about a value that went into the brief.
func (n Note) Mapped() bool { return n.Value != "" }

// Result is an imported brief.
type Result struct {
	Title string
	Slug  string    // file name without ".md"
	Date  time.Time // zero when the report had none and Options.Date was zero
	Brief []byte    // the file; nil when err is not nil
	Notes []Note
}

// Mapped returns the notes about values that went into the brief.
func (r *Result) Mapped() []Note {
	return slices.DeleteFunc(slices.Clone(r.Notes), func(n Note) bool { return !n.Mapped() })
}

// Missed returns the notes about what could not be mapped.
func (r *Result) Missed() []Note {
	return slices.DeleteFunc(slices.Clone(r.Notes), func(n Note) bool { return n.Mapped() })
}

// Import converts one report.
func Import(text string, o Options) (*Result, error) {
	if o.Resolver == nil {
		return nil, errors.New("import: no resolver")
	}
	res := &Result{}
	if len(text) > MaxReportSize {
		return res, fmt.Errorf("import: %w", ErrTooLarge)
	}
	if o.TLP == "" {
		o.TLP = brief.TLPClear
	}
	if o.Kinds == nil {
		o.Kinds = taxonomy.Kinds()
	}
	im := &importer{o: o, v: o.Resolver.Vocab(), r: o.Resolver, rep: parseReport(normalize(text)), res: res, kinds: map[string]taxonomy.Kind{}, lists: map[string][]entry{}}
	for _, k := range o.Kinds {
		im.kinds[k.Name] = k
	}
	var errs []error
	if err := im.titleAndSummary(); err != nil {
		errs = append(errs, err)
	}
	if err := im.date(); err != nil {
		errs = append(errs, err)
	}
	im.sources()
	im.actors()
	im.campaigns()
	im.targeting()
	im.techniques()
	im.tools()
	im.vulnerabilities()
	im.mitigations()
	im.bodyText()
	if len(errs) > 0 {
		return res, fmt.Errorf("import: %w", errors.Join(errs...))
	}
	res.Brief = im.render()
	return res, nil
}

// entry is one value of a list field with the comment written beside it.
type entry struct {
	value, note string
}

type claim struct {
	actor, by, confidence       string
	actorNote, byNote, confNote string
}

type campaign struct {
	name, first, last, note string
}

type importer struct {
	o     Options
	v     *vocab.Vocab
	r     *resolve.Resolver
	rep   *report
	res   *Result
	kinds map[string]taxonomy.Kind

	titleNote, dateNote, summaryNote string
	summary                          string
	source                           struct{ name, title, url, note string }
	claims                           []claim
	camps                            []campaign
	lists                            map[string][]entry
	iocs                             []indicator
	missed                           map[string][]string // field → comment lines
	body                             string
	fullInBody                       string // the Full Report, when the summary could not hold it
	actorName                        string // first actor, for campaign names
}

func (im *importer) mapped(field, value, from, reason string) {
	im.res.Notes = append(im.res.Notes, Note{Field: field, Value: value, From: from, Reason: reason})
}

func (im *importer) miss(field, from, reason string) {
	im.res.Notes = append(im.res.Notes, Note{Field: field, From: from, Reason: reason})
	if im.missed == nil {
		im.missed = map[string][]string{}
	}
	line := "not mapped: " + reason
	if from != "" {
		line = fmt.Sprintf("not mapped: %q: %s", short(from, 90), reason)
	}
	im.missed[field] = append(im.missed[field], line)
}

func (im *importer) add(field, value, from, note string) bool {
	if slices.ContainsFunc(im.lists[field], func(e entry) bool { return e.value == value }) {
		return false
	}
	im.lists[field] = append(im.lists[field], entry{value: value, note: note})
	im.mapped(field, value, from, note)
	return true
}

// short cuts s to n runes at a word boundary.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n]
	cut := string(rs)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-") + "…"
}

// ---- title, summary, date, source ----

var (
	postRe  = regexp.MustCompile(`(?i)\bthe post\s+`)
	firstOn = " appeared first on "
)

// firstSentence returns the first sentence of s: up to a full stop that
// ends a word of more than one letter and is followed by a capital.
var sentenceEndRe = regexp.MustCompile(`[a-z0-9)”"’]{2}[.!?](?:\s+[A-Z“"]|\s*$)`)

func firstSentence(s string) string {
	if loc := sentenceEndRe.FindStringIndex(s); loc != nil {
		end := loc[0] + 3
		for end < len(s) && !strings.ContainsRune(".!?", rune(s[end-1])) {
			end++
		}
		return strings.TrimSpace(s[:end])
	}
	return strings.TrimSpace(s)
}

func (im *importer) titleAndSummary() error {
	// Feed items often keep HTML entities ("&#8217;", "&amp;").
	full := normalize(html.UnescapeString(im.rep.full))
	title, publisher := "", ""
	if i := strings.LastIndex(full, firstOn); i >= 0 {
		before := full[:i]
		if locs := postRe.FindAllStringIndex(before, -1); len(locs) > 0 {
			loc := locs[len(locs)-1]
			title = strings.TrimSpace(before[loc[1]:])
			publisher = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(full[i+len(firstOn):]), "."))
			full = strings.TrimSpace(before[:loc[0]])
			im.titleNote = fmt.Sprintf("from \"The post … appeared first on %s\"", short(publisher, 60))
		}
	}
	if publisher != "" && utf8.RuneCountInString(publisher) <= 120 {
		im.source.name = publisher
		im.source.note = "from \"appeared first on " + short(publisher, 60) + "\""
	}
	if t, ok := im.rep.header["title"]; ok {
		title = t
		im.titleNote = "from the Title: line"
	}
	// The summary: the Full Report paragraph, else the first paragraph of
	// the analysis.
	summary := full
	im.summaryNote = "the Full Report paragraph"
	if summary == "" {
		for _, k := range []string{secActivity, secAttribution, secImplications, secTTP} {
			for _, l := range im.rep.sections[k] {
				if p := plain(l); p != "" && !headingRe.MatchString(l) && !numberedRe.MatchString(l) {
					summary = p
					im.summaryNote = "the first paragraph of the analysis (the report has no Full Report text)"
					break
				}
			}
			if summary != "" {
				break
			}
		}
	}
	if utf8.RuneCountInString(summary) > validate.MaxTextRunes {
		// Whole sentences that fit; the full text stays in no field, so say so.
		cut := ""
		for _, sent := range sentences(summary) {
			if utf8.RuneCountInString(cut+" "+sent) > validate.MaxTextRunes-1 {
				break
			}
			cut = strings.TrimSpace(cut + " " + sent)
		}
		if cut == "" {
			cut = short(summary, validate.MaxTextRunes-1)
		}
		im.miss("summary", "", fmt.Sprintf("the Full Report text is longer than %d characters: the summary keeps the sentences that fit, and the whole text opens the body", validate.MaxTextRunes))
		im.fullInBody = full
		summary = cut
	}
	im.summary = summary
	if title == "" && summary != "" {
		title = strings.TrimSuffix(short(firstSentence(summary), 120), ".")
		im.titleNote = "the first sentence of the " + strings.TrimPrefix(im.summaryNote, "the ")
		im.miss("title", "", "no \"The post … appeared first on …\" line; the title is the first sentence, shortened")
	}
	if utf8.RuneCountInString(title) > validate.MaxTitleRunes {
		title = short(title, validate.MaxTitleRunes-1)
	}
	im.res.Title = title
	im.res.Slug = makeSlug(title)
	var errs []error
	if title == "" || im.res.Slug == "" {
		errs = append(errs, ErrNoTitle)
	} else {
		im.mapped("title", title, short(title, 80), im.titleNote)
	}
	if summary == "" {
		errs = append(errs, ErrNoSummary)
	} else {
		im.mapped("summary", short(summary, 60), short(summary, 60), "from "+im.summaryNote)
	}
	if im.source.name == "" {
		im.miss("sources", "", "no publisher (\"appeared first on …\" or a Source: line)")
	}
	return errors.Join(errs...)
}

// sentences splits text after full stops that end sentences.
func sentences(s string) []string {
	var out []string
	for s != "" {
		f := firstSentence(s)
		if f == "" {
			break
		}
		out = append(out, f)
		s = strings.TrimSpace(strings.TrimPrefix(s, f))
	}
	return out
}

// makeSlug is the brief's file name (slug.File), or "" if it is not a
// valid slug.
func makeSlug(title string) string {
	s := slug.File(title)
	if !validate.SlugRe.MatchString(s) {
		return ""
	}
	return s
}

func (im *importer) date() error {
	if d, ok := im.rep.header["date"]; ok {
		if t, ok := parseDate(d); ok {
			im.res.Date = t
			im.dateNote = "from the report's date line"
			im.mapped("date", t.Format("2006-01-02"), d, "the report's date line")
			return nil
		}
		im.miss("date", d, "not a date in a known layout (YYYY-MM-DD, 2 January 2006, January 2, 2006)")
	}
	if !im.o.Date.IsZero() {
		t := im.o.Date
		im.res.Date = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		im.dateNote = "given on the command line: the report states no date"
		im.mapped("date", im.res.Date.Format("2006-01-02"), "", "given with --date: the report states no date")
		return nil
	}
	im.miss("date", "", "the report states no publication date")
	return ErrNoDate
}

func (im *importer) sources() {
	if u, ok := im.rep.header["url"]; ok {
		im.source.url = u
	}
	if s, ok := im.rep.header["source"]; ok {
		if strings.HasPrefix(strings.ToLower(s), "http") {
			im.source.url = s
		} else if im.source.name == "" && utf8.RuneCountInString(s) <= 120 {
			im.source.name = s
			im.source.note = "from the Source: line"
			im.res.Notes = slices.DeleteFunc(im.res.Notes, func(n Note) bool { return n.Field == "sources" })
			delete(im.missed, "sources")
		}
	}
	if im.source.url != "" && !isWebURL(im.source.url) {
		im.miss("sources", im.source.url, "not an http(s) URL")
		im.source.url = ""
	}
	if im.source.name == "" {
		if im.source.url != "" {
			im.miss("sources", im.source.url, "an address but no publisher to name the source by")
		}
		return
	}
	name, note, ok := im.term("sources", im.source.name)
	if !ok {
		im.source.name = ""
		return
	}
	if note != "" {
		im.source.note += "; " + note
	}
	im.source.name = name
	if im.source.title == "" && im.titleNote != "" && strings.HasPrefix(im.titleNote, "from \"The post") {
		im.source.title = im.res.Title
	}
	im.mapped("sources", im.source.name, im.source.name, im.source.note)
}

// isWebURL is validation's rule for a source address.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && utf8.RuneCountInString(s) <= validate.MaxURLBytes
}

// ---- actors ----

func (im *importer) actors() {
	rep := im.rep
	if !rep.hasActor {
		im.miss("actors", "", "no \"# Threat Actor:\" heading")
		return
	}
	attrText := plain(strings.Join(rep.sections[secAttribution], " "))
	globalBy, globalPhrase := claimant(attrText)
	level, levelPhrase := confidence(plain(rep.actor) + " " + attrText)
	heading := plain(rep.actor)
	if heading == "" {
		im.miss("actors", "", "the Threat Actor heading names no one")
		return
	}
	for _, piece := range splitTop(heading, true) {
		name, quals := parens(piece)
		name = strings.Trim(name, `"'“”‘’ `)
		var synonyms []string
		by, byPhrase := globalBy, globalPhrase
		for _, q := range quals {
			switch {
			case akaRe.MatchString(q):
				for _, s := range splitTop(akaRe.FindStringSubmatch(q)[1], true) {
					if s = strings.Trim(s, `"'“”‘’ `); s != "" {
						synonyms = append(synonyms, s)
					}
				}
			case claimQualRe.MatchString(q):
				c := claimQualRe.FindStringSubmatch(q)[1]
				if b, _ := claimant("attributed by " + c); b != "" {
					c = b
				}
				by, byPhrase = strings.TrimSpace(c), q
			case unattribQualRe.MatchString(q):
				by = "" // the report says nobody attributes it
			default:
				if l, p := confidence(q); l != "" {
					level, levelPhrase = l, p
				}
			}
		}
		if name == "" || unknownActorRe.MatchString(name) || notSpecified(name) {
			im.miss("actors", piece, "no named actor")
			continue
		}
		canonical, how, ok := im.canonicalActor(name, synonyms)
		if !ok {
			continue
		}
		if by != "" && (vocab.Norm(by) == "" || utf8.RuneCountInString(by) > validate.MaxNameRunes) {
			im.miss("attribution", by, "not a usable claimant name")
			by = ""
		}
		if im.actorName == "" {
			im.actorName = canonical
		}
		actorNote := how
		if len(synonyms) > 0 {
			actorNote = strings.TrimPrefix(strings.TrimPrefix(actorNote+"; also known as "+strings.Join(synonyms, ", "), "; "), " ")
		}
		if by == "" {
			if !slices.ContainsFunc(im.lists["actors"], func(e entry) bool { return e.value == canonical }) {
				im.lists["actors"] = append(im.lists["actors"], entry{value: canonical, note: actorNote})
				im.mapped("actors", canonical, piece, "no claimant named; "+orNone(actorNote))
			}
			continue
		}
		c := claim{actor: canonical, by: by, actorNote: actorNote, byNote: fmt.Sprintf("from %q", short(byPhrase, 100))}
		if level != "" {
			c.confidence, c.confNote = level, "from \""+levelPhrase+"\""
		} else {
			c.confidence = string(brief.ConfidenceLow)
			c.confNote = "no confidence stated; set to low"
			if allegeRe.MatchString(byPhrase + " " + attrText) {
				c.confNote += " (an allegation)"
			}
		}
		im.claims = append(im.claims, c)
		im.mapped("attribution", fmt.Sprintf("%s by %s (%s)", canonical, by, c.confidence), piece, c.byNote+"; "+c.confNote)
		for _, s := range synonyms {
			if _, ok := im.profiled("actors", s); !ok {
				im.miss("actors", s, "a synonym of "+canonical+" that no profile lists; add it to the actor's profile (content/actors/"+slug.Make(canonical)+"/_index.md)")
			}
		}
	}
}

// term checks a name of a profile-resolved kind and returns its canonical
// form: the profile's title when the name or a synonym matches one, else the
// name as written. ok is false for a name validation would reject; a
// near-miss of a profiled name is kept but noted.
func (im *importer) term(kind, name string) (canonical, note string, ok bool) {
	name = strings.TrimSpace(name)
	k := im.kinds[kind]
	switch {
	case vocab.Norm(name) == "":
		im.miss(kind, name, "has no letters or digits")
		return "", "", false
	case utf8.RuneCountInString(name) > validate.MaxNameRunes:
		im.miss(kind, short(name, 60), "too long for a name")
		return "", "", false
	}
	t, is := im.r.Resolve(k, name)
	if !is.OK {
		im.miss(kind, name, is.Message)
		if is.Severity == diag.Error {
			return "", "", false
		}
	}
	if t.Profile != nil && t.Name != name {
		return t.Name, fmt.Sprintf("%q is a name of the profiled %s %s", name, k.Singular, t.Name), true
	}
	return name, "", true
}

// profiled reports whether name is a title or synonym in a profile of kind.
func (im *importer) profiled(kind, name string) (string, bool) {
	t, is := im.r.Resolve(im.kinds[kind], strings.TrimSpace(name))
	if is.OK && t.Profile != nil {
		return t.Name, true
	}
	return "", false
}

func orNone(s string) string {
	if s == "" {
		return "as written"
	}
	return s
}

// canonicalActor resolves an actor name through the profiles: the name
// itself, then its "also known as" names, then the parts of "A/B".
func (im *importer) canonicalActor(name string, synonyms []string) (string, string, bool) {
	if _, ok := im.profiled("actors", name); !ok {
		try := slices.Clone(synonyms)
		if strings.Contains(name, "/") {
			try = append(try, strings.Split(name, "/")...)
		}
		for _, s := range try {
			if p, ok := im.profiled("actors", s); ok {
				return p, fmt.Sprintf("written %q; %q is a name of the profiled actor %s", name, strings.TrimSpace(s), p), true
			}
		}
	}
	return im.term("actors", name)
}

// ---- campaigns ----

func (im *importer) campaigns() {
	lines := im.rep.sections[secActivity]
	if len(lines) == 0 {
		im.miss("campaigns", "", "no Activity Summary section")
		return
	}
	n := 0
	for _, l := range lines {
		m := numberedRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n++
		raw := strings.TrimSpace(m[1])
		label, text := "", plain(raw)
		if lm := boldLabelRe.FindStringSubmatch(raw); lm != nil {
			label, text = strings.TrimSpace(lm[1]), plain(lm[2])
		}
		name, quals := parens(label)
		first, last := period(strings.Join(quals, " "))
		if first == "" {
			first, last = period(label)
		}
		if first == "" {
			if mm := monthYearRe.FindString(text); mm != "" {
				first, _ = period(mm)
			}
		}
		if dateOnly(name) {
			name = ""
		}
		var how string
		if gm := genericLabelRe.FindStringSubmatch(name); gm != nil {
			noun := "Attack"
			if gm[1] != "" {
				noun = strings.ToUpper(gm[1][:1]) + strings.ToLower(gm[1][1:])
			}
			if target := campaignTarget(text); target != "" && utf8.RuneCountInString(target) <= 100 {
				name = noun + " " + targetWord(noun) + " " + target
				how = "named after its target: \"" + short(orLabel(label), 40) + "\" is not a name; rename it if the campaign has one"
				if label == "" {
					how = "named after its target: the item has no label; rename it if the campaign has a name"
				}
			} else {
				who := im.actorName
				if who == "" {
					who = "Unattributed"
				}
				name = who + " " + strings.ToLower(noun)
				if first != "" {
					name += ", " + monthName(first)
				}
				how = "named after the actor and month: \"" + short(orLabel(label), 40) + "\" is not a name; rename it if the campaign has one"
			}
		}
		if how == "" && !properName(name) && first != "" {
			// "Data access" is a description, and would merge with every
			// other brief's "Data access" on one campaign page.
			name += ", " + monthName(first)
			how = "a description, not a name: the date was added so it stays this brief's campaign; rename it if it has a name"
		}
		canonical, note, ok := im.term("campaigns", name)
		if !ok {
			continue
		}
		if note != "" {
			how = strings.TrimPrefix(how+"; "+note, "; ")
		}
		name = canonical
		for i := 2; slices.ContainsFunc(im.camps, func(c campaign) bool { return c.name == name }); i++ {
			name = fmt.Sprintf("%s (%d)", strings.TrimSuffix(name, fmt.Sprintf(" (%d)", i-1)), i)
		}
		from := orLabel(label)
		if first == "" {
			im.miss("campaigns", from, "no month or year for "+name)
		}
		c := campaign{name: name, first: first, last: last, note: how}
		if how == "" {
			c.note = "from \"" + short(from, 60) + "\""
		}
		im.camps = append(im.camps, c)
		im.mapped("campaigns", name, from, strings.TrimSuffix(periodText(first, last)+"; "+how, "; "))
	}
	if n == 0 {
		im.miss("campaigns", "", "the Activity Summary has no numbered items")
	}
}

// properName reports whether a campaign label reads as a name ("Operation
// Dream Lure", "Cloud Hopper", "SolarWinds") rather than a description
// ("Data access").
func properName(s string) bool {
	ws := strings.Fields(s)
	if len(ws) == 0 {
		return false
	}
	if len(ws) > 1 && slices.Contains([]string{"operation", "op.", "campaign", "project"}, strings.ToLower(ws[0])) {
		return true
	}
	inner := func(w string) bool { // a capital or digit after the first letter: "SolarWinds", "APT41"
		for i, r := range w {
			if i > 0 && (unicode.IsUpper(r) || unicode.IsDigit(r)) {
				return true
			}
		}
		return false
	}
	if len(ws) == 1 {
		return inner(ws[0])
	}
	for _, w := range ws {
		r, _ := utf8.DecodeRuneInString(w)
		if utf8.RuneCountInString(w) > 3 && !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// targetWord joins a campaign noun to its target: "Attack on X",
// "Campaign targeting X".
func targetWord(noun string) string {
	switch strings.ToLower(noun) {
	case "attack", "cyberattack", "intrusion", "breach", "compromise", "incident":
		return "on"
	}
	return "targeting"
}

func orLabel(l string) string {
	if l == "" {
		return "an unlabelled item"
	}
	return l
}

func dateOnly(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	rest := periodRe.ReplaceAllString(s, "")
	return strings.Trim(rest, " –—-,/to") == "" || strings.EqualFold(strings.TrimSpace(rest), "to") || strings.EqualFold(strings.TrimSpace(rest), "since")
}

func monthName(p string) string {
	if len(p) == 7 {
		if t, err := time.Parse("2006-01", p); err == nil {
			return t.Format("January 2006")
		}
	}
	return p
}

func periodText(first, last string) string {
	switch {
	case first == "":
		return "undated"
	case last == "":
		return "first seen " + first
	}
	return "seen " + first + " to " + last
}

// ---- targeting ----

func (im *importer) targeting() {
	items := labelled(im.rep.sections[secTargeting])
	sectorItems := find(items, "sector", "industr", "vertical")
	if len(sectorItems) == 0 {
		im.miss("sectors", "", "no Sectors line")
	}
	phrases := sectorPhrases(im.v)
	for _, it := range sectorItems {
		for _, piece := range allPieces(it) {
			im.sector(phrases, piece)
		}
	}
	geoItems := find(items, "geograph", "countr", "region", "location")
	if len(geoItems) == 0 {
		im.miss("countries", "", "no Geography line")
	}
	for _, it := range geoItems {
		for _, piece := range allPieces(it) {
			im.country(piece)
		}
	}
}

// allPieces splits a labelled item's value and its following lines at
// commas and semicolons.
func allPieces(it item) []string {
	var out []string
	for _, v := range append([]string{it.value}, it.more...) {
		out = append(out, splitTop(v, false)...)
	}
	return out
}

func (im *importer) sector(phrases []sectorPhrase, piece string) {
	if notSpecified(piece) {
		im.miss("sectors", piece, "a placeholder")
		return
	}
	name, quals := parens(piece)
	for _, cand := range append([]string{piece, name}, quals...) {
		if s, ok := im.v.ResolveSector(cand); ok {
			note := "\"" + short(cand, 70) + "\""
			if cand != s.Name {
				note += " is on the sector list as " + s.Name
			}
			im.add("sectors", s.Name, piece, note)
			return
		}
	}
	found := findSectors(phrases, piece)
	for _, m := range found {
		im.add("sectors", m.ID, piece, fmt.Sprintf("%q in %q", m.Phrase, short(piece, 70)))
	}
	if len(found) == 0 {
		reason := "not on the sector list"
		if s, ok := im.v.SuggestSector(piece); ok {
			reason += fmt.Sprintf(" (nearest: %s)", s)
		}
		im.miss("sectors", piece, reason)
	}
}

func (im *importer) country(piece string) {
	if notSpecified(piece) {
		im.miss("countries", piece, "a placeholder")
		return
	}
	name, quals := parens(piece)
	bare := strings.TrimSpace(leadWordsRe.ReplaceAllString(name, ""))
	if code, ok := im.v.ResolveCountry(bare); ok && (len(bare) > 2 || strings.ToUpper(bare) == bare) {
		im.add("countries", code, piece, im.countryNote(bare, code))
	} else if regionRe.MatchString(bare) {
		im.miss("countries", bare, "a region, not a country")
	} else if found := findCountries(im.v, name); len(found) > 0 {
		for _, m := range found {
			im.add("countries", m.ID, piece, im.countryNote(m.Phrase, m.ID))
		}
	} else if regionWordRe.MatchString(bare) {
		im.miss("countries", bare, "names a region, not a country")
	} else if bare != "" {
		im.miss("countries", bare, "not a country name or code")
	}
	for _, q := range quals {
		for _, m := range findCountries(im.v, q) {
			im.add("countries", m.ID, piece, im.countryNote(m.Phrase, m.ID))
		}
	}
}

// countryNote: the words and, when they differ, the country's name.
func (im *importer) countryNote(phrase, code string) string {
	name, _ := im.v.Country(code)
	if vocab.Norm(name) == vocab.Norm(phrase) {
		return fmt.Sprintf("%q", phrase)
	}
	return fmt.Sprintf("%q: %s", phrase, name)
}

// ---- techniques and mitigations ----

func (im *importer) techniques() {
	lines := bullets(im.rep.sections[secTTP])
	if len(lines) == 0 {
		im.miss("techniques", "", "no Tactics, Techniques & Procedures section")
		return
	}
	for _, l := range lines {
		got := false
		for _, m := range suggest(techniquePhrases, l) {
			t, ok := im.v.Technique(m.ID)
			if !ok {
				continue // the table names an ID this ATT&CK version lacks
			}
			got = true
			im.add("techniques", t.ID, l, im.v.TechniqueName(t)+": "+phraseIn(m.Phrase, l))
		}
		if !got {
			im.miss("techniques", l, "no phrase in the technique table matched")
		}
	}
}

func (im *importer) mitigations() {
	lines := bullets(im.rep.sections[secMitigations])
	if len(lines) == 0 {
		im.miss("mitigations", "", "no Mitigations section")
		return
	}
	for _, l := range lines {
		got := false
		for _, m := range suggest(mitigationPhrases, l) {
			mi, ok := im.v.Mitigation(m.ID)
			if !ok {
				continue
			}
			got = true
			im.add("mitigations", mi.ID, l, mi.Name+": "+phraseIn(m.Phrase, l))
		}
		if got {
			continue
		}
		text := strings.TrimSpace(strings.TrimSuffix(l, "."))
		if mi, ok := im.v.ResolveMitigation(text); ok {
			im.add("mitigations", mi.ID, l, mi.Name)
			continue
		}
		if utf8.RuneCountInString(text) > validate.MaxNameRunes {
			im.miss("mitigations", l, "no phrase matched and it is too long to keep as a term; it stays in the body")
			continue
		}
		if name, _, ok := im.term("mitigations", text); ok {
			im.add("mitigations", name, l, "kept as text: no ATT&CK mitigation phrase matched")
		}
	}
}

// phraseIn names the words a rule matched and, when they are only part of
// it, the line they are in.
func phraseIn(phrase, line string) string {
	line = strings.TrimSuffix(line, ".")
	if utf8.RuneCountInString(phrase)*5 >= utf8.RuneCountInString(line)*4 {
		return fmt.Sprintf("%q", short(line, 120))
	}
	return fmt.Sprintf("%q in %q", short(phrase, 60), short(line, 100))
}

// ---- tools, indicators and CVEs ----

func (im *importer) tools() {
	items := labelled(im.rep.sections[secTools])
	var malware, infra []item
	for _, it := range items {
		l := strings.ToLower(it.label)
		switch {
		case l == "":
			infra = append(infra, it)
		case strings.Contains(l, "infrastructure") || strings.Contains(l, "indicator") || strings.Contains(l, "ioc") ||
			strings.Contains(l, "c2") || strings.Contains(l, "domain") || strings.Contains(l, "hash") || strings.Contains(l, "ip"):
			infra = append(infra, it)
		case strings.Contains(l, "malware") || strings.Contains(l, "tool") || strings.Contains(l, "famil") ||
			strings.Contains(l, "implant") || strings.Contains(l, "payload") || strings.Contains(l, "ransomware") || strings.Contains(l, "backdoor"):
			malware = append(malware, it)
		default:
			infra = append(infra, it)
		}
	}
	if _, ok := im.rep.sections[secTools]; !ok {
		im.miss("malware", "", "no Tools & Infrastructure section")
		im.miss("iocs", "", "no Tools & Infrastructure section")
		return
	}
	if len(malware) == 0 {
		im.miss("malware", "", "no Malware families line")
	}
	for _, it := range malware {
		for _, v := range append([]string{it.value}, it.more...) {
			for _, piece := range splitTop(v, true) {
				name, reason, ok := malwareName(piece)
				if !ok {
					im.miss("malware", piece, reason)
					continue
				}
				written := name
				name, note, ok := im.term("malware", written)
				if !ok {
					continue
				}
				if written != strings.Trim(piece, `"'“”‘’ `) && note == "" {
					note = "from \"" + short(piece, 60) + "\""
				}
				im.add("malware", name, piece, note)
			}
		}
	}
	var lines []string
	for _, it := range infra {
		lines = append(lines, it.value)
		lines = append(lines, it.more...)
	}
	im.iocs = indicators(lines)
	for _, ind := range im.iocs {
		how := "live in the report; stored as is"
		if !ind.Live {
			how = "defanged in the report; stored refanged"
		}
		im.mapped("iocs", ind.Type+" "+ind.Value, ind.Written, how)
	}
	if len(im.iocs) == 0 {
		from := ""
		for _, it := range infra {
			if it.value != "" {
				from = it.value
				break
			}
		}
		reason := "no indicator (IP, domain, URL, hash, e-mail) in the infrastructure lines"
		if notSpecified(from) {
			reason = "the report gives no indicators"
		}
		im.miss("iocs", short(from, 50), reason)
	}
}

var cveRe = regexp.MustCompile(`(?i)\bCVE-(\d{4})-(\d{4,7})\b`)

func (im *importer) vulnerabilities() {
	all := append([]string{im.rep.full}, im.rep.body...)
	for _, l := range all {
		for _, m := range cveRe.FindAllStringSubmatch(l, -1) {
			id := "CVE-" + m[1] + "-" + m[2]
			im.add("vulnerabilities", id, plain(l), "")
		}
	}
	if len(im.lists["vulnerabilities"]) == 0 {
		im.miss("vulnerabilities", "", "no CVE ID in the report")
	}
}

// ---- body ----

// bodyText keeps the Analysis Summary as written, with two changes a
// reader of the page needs: headings move down one level (the page's title
// is its only h1), and indicators the report gave live are defanged, so no
// renderer turns them into links.
func (im *importer) bodyText() {
	live := map[string]indicator{}
	for _, ind := range im.iocs {
		if ind.Live {
			live[ind.Written] = ind
		}
	}
	var out []string
	fence := false
	for _, l := range im.rep.body {
		if strings.HasPrefix(strings.TrimSpace(l), "```") || strings.HasPrefix(strings.TrimSpace(l), "~~~") {
			fence = !fence
		}
		if !fence && headingRe.MatchString(l) && !strings.HasPrefix(l, "######") {
			l = "#" + l
		}
		if len(live) > 0 {
			l = defangLine(l, live)
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	body := strings.Trim(strings.Join(out, "\n"), "\n")
	if im.fullInBody != "" {
		body = "## Full report\n\n" + im.fullInBody + "\n\n" + body
	}
	if body != "" {
		body += "\n"
	}
	im.body = body
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

// ---- output ----

func (im *importer) render() []byte {
	var y yamlWriter
	y.b.WriteString("---\n")
	from := "a report"
	if im.o.Name != "" {
		from = im.o.Name
	}
	y.notes(0, []string{
		"Imported from " + from + " by `generator import`. The comments say which words of",
		"the report each value came from; check the suggestions, then delete the comments.",
	})
	y.line(0, "title: "+scalar(im.res.Title), im.titleNote)
	y.line(0, "date: "+im.res.Date.Format("2006-01-02"), im.dateNote)
	y.line(0, "summary: "+quote(im.summary), "")
	y.notes(2, im.missed["summary"])
	y.line(0, "tlp: "+scalar(string(im.o.TLP)), "")

	// The rest in the order of the brief schema, the kinds' term lists
	// among the structured fields.
	for _, f := range im.o.Kinds.BriefFields() {
		switch f.Key {
		case "sources":
			im.writeSources(&y)
		case "attribution":
			im.writeAttribution(&y)
		case "campaigns":
			im.writeCampaigns(&y)
		case "iocs":
			im.writeIOCs(&y)
		default:
			if f.Kind == brief.KindStringList {
				im.list(&y, f.Key, im.lists[f.Key])
			}
		}
	}
	y.b.WriteString("---\n")
	if im.body != "" {
		y.b.WriteString(im.body)
	}
	return []byte(y.b.String())
}

func (im *importer) writeSources(y *yamlWriter) {
	if im.source.name == "" {
		y.line(0, "sources: []", "")
	} else {
		y.line(0, "sources:", "")
		y.line(2, "- name: "+scalar(im.source.name), im.source.note)
		if im.source.title != "" {
			y.line(4, "title: "+scalar(im.source.title), "")
		}
		if im.source.url != "" {
			y.line(4, "url: "+quote(im.source.url), "")
		}
	}
	y.notes(2, im.missed["sources"])
}

func (im *importer) writeAttribution(y *yamlWriter) {
	if len(im.claims) == 0 {
		y.line(0, "attribution: []", "")
	} else {
		y.line(0, "attribution:", "")
		for _, c := range im.claims {
			y.line(2, "- actor: "+scalar(c.actor), c.actorNote)
			y.line(4, "by: "+scalar(c.by), c.byNote)
			y.line(4, "confidence: "+c.confidence, c.confNote)
		}
	}
}

func (im *importer) writeCampaigns(y *yamlWriter) {
	if len(im.camps) == 0 {
		y.line(0, "campaigns: []", "")
	} else {
		y.line(0, "campaigns:", "")
		for _, c := range im.camps {
			y.line(2, "- name: "+scalar(c.name), c.note)
			if c.first != "" {
				y.line(4, "first_seen: "+month(c.first), "")
			}
			if c.last != "" {
				y.line(4, "last_seen: "+month(c.last), "")
			}
		}
	}
	y.notes(2, im.missed["campaigns"])
}

func (im *importer) writeIOCs(y *yamlWriter) {
	if len(im.iocs) == 0 {
		y.line(0, "iocs: []", "")
	} else {
		y.line(0, "iocs:", "")
		for _, ind := range im.iocs {
			how := "defanged in the report"
			if ind.Live {
				how = "live in the report"
			}
			y.line(2, "- type: "+ind.Type, how)
			y.line(4, "value: "+quote(ind.Value), "")
			if ind.Note != "" {
				y.line(4, "note: "+quote(ind.Note), "")
			}
		}
	}
	y.notes(2, im.missed["iocs"])
}

// month writes YYYY-MM plain (it is read as text) and a bare year quoted
// (plain, YAML would read a number).
func month(s string) string {
	if len(s) == 4 {
		return quote(s)
	}
	return s
}

func (im *importer) list(y *yamlWriter, field string, es []entry) {
	if len(es) == 0 {
		y.line(0, field+": []", "")
	} else {
		y.line(0, field+":", "")
		for _, e := range es {
			y.line(2, "- "+scalar(e.value), e.note)
		}
	}
	y.notes(2, im.missed[field])
}
