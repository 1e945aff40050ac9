package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/slug"
	"github.com/threatbriefs/threatbriefs/generator/internal/story"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// draft is the fourth stage: the brief's front matter, every value mapped
// to the vocabularies and profiles, each with the comment that says where
// it came from.
type draft struct {
	title, titleNote string
	slug             string
	date             time.Time
	dateNote         string
	tlp              brief.TLP
	name             string // the report's file name, for the header comment
	source           sourceEntry
	claims           []claim
	actors           list
	campaigns        []campaign
	sectors          list
	countries        list
	techniques       list
	malware          list
	vulnerabilities  list
	mitigations      list
	iocs             []indicator
}

type sourceEntry struct{ name, title, url, note string }

type claim struct {
	actor, by, confidence       string
	actorNote, byNote, confNote string
}

type campaign struct {
	name, first, last, note string
}

// mapper resolves names for the mapping stage.
type mapper struct {
	v *vocab.Vocab
	r *resolve.Resolver
	n *notes
}

// mapTerms maps the candidates to the vocabularies and profiles. The error
// names the facts a brief cannot do without (title, summary, date).
func mapTerms(c *candidates, o Options, n *notes) (*draft, error) {
	m := &mapper{v: o.Resolver.Vocab(), r: o.Resolver, n: n}
	d := &draft{title: c.title, titleNote: c.titleNote, slug: makeSlug(c.title), tlp: o.TLP, name: o.Name}
	var errs []error
	if d.title == "" || d.slug == "" {
		errs = append(errs, ErrNoTitle)
	} else {
		n.mapped("title", d.title, short(d.title, 80), d.titleNote)
	}
	if c.text == "" {
		errs = append(errs, ErrNoSummary)
	}
	var err error
	if d.date, d.dateNote, err = m.date(c.date, c.hasDate, o.Date); err != nil {
		errs = append(errs, err)
	}
	d.source = m.source(c)
	if d.source.name != "" && c.titleFromPost {
		d.source.title = d.title
	}
	var firstActor string
	d.claims, d.actors, firstActor = m.actors(c.actors, c.attrText)
	d.campaigns = m.campaigns(c.activity, firstActor)
	phrases := sectorPhrases(m.v)
	for _, p := range c.sectors {
		m.sector(&d.sectors, phrases, p)
	}
	for _, p := range c.countries {
		m.country(&d.countries, p)
	}
	d.techniques = m.techniques(c.behaviour, c.activity)
	for _, mc := range c.malware {
		name, note, ok := m.term("malware", mc.name)
		if !ok {
			continue
		}
		if mc.name != strings.Trim(mc.piece, `"'“”‘’ `) && note == "" {
			note = "from \"" + short(mc.piece, 60) + "\""
		}
		d.malware.add(n, "malware", name, mc.piece, note)
	}
	d.iocs = c.iocs
	d.vulnerabilities = c.cves
	d.mitigations = m.mitigations(c.mitigate)
	return d, errors.Join(errs...)
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

func (m *mapper) date(line string, has bool, fallback time.Time) (time.Time, string, error) {
	if has {
		if t, ok := parseDate(line); ok {
			m.n.mapped("date", t.Format("2006-01-02"), line, "the report's date line")
			return t, "from the report's date line", nil
		}
		m.n.miss("date", line, "not a date in a known layout (YYYY-MM-DD, 2 January 2006, January 2, 2006)")
	}
	if !fallback.IsZero() {
		t := time.Date(fallback.Year(), fallback.Month(), fallback.Day(), 0, 0, 0, 0, time.UTC)
		m.n.mapped("date", t.Format("2006-01-02"), "", "given with --date: the report states no date")
		return t, "given on the command line: the report states no date", nil
	}
	m.n.miss("date", "", "the report states no publication date")
	return time.Time{}, "", ErrNoDate
}

func (m *mapper) source(c *candidates) sourceEntry {
	if c.publisher == "" {
		return sourceEntry{}
	}
	name, note, ok := m.term("sources", c.publisher)
	if !ok {
		return sourceEntry{}
	}
	s := sourceEntry{name: name, url: c.url, note: c.publisherNote}
	if note != "" {
		s.note += "; " + note
	}
	m.n.mapped("sources", s.name, s.name, s.note)
	return s
}

// ---- actors ----

// actors maps the heading's actors to claims (those with a claimant) and
// plain actors; first is the first actor named, for naming campaigns.
func (m *mapper) actors(cands []actorCandidate, attrText string) (claims []claim, actors list, first string) {
	for _, a := range cands {
		canonical, how, ok := m.canonicalActor(a.name, a.synonyms)
		if !ok {
			continue
		}
		if first == "" {
			first = canonical
		}
		actorNote := how
		if len(a.synonyms) > 0 {
			actorNote = strings.TrimPrefix(strings.TrimPrefix(actorNote+"; also known as "+strings.Join(a.synonyms, ", "), "; "), " ")
		}
		if a.by == "" {
			if !slices.ContainsFunc(actors, func(e entry) bool { return e.value == canonical }) {
				actors = append(actors, entry{value: canonical, note: actorNote})
				m.n.mapped("actors", canonical, a.piece, "no claimant named; "+orNone(actorNote))
			}
			continue
		}
		c := claim{actor: canonical, by: a.by, actorNote: actorNote, byNote: fmt.Sprintf("from %q", short(a.byPhrase, 100))}
		if a.level != "" {
			c.confidence, c.confNote = a.level, "from \""+a.levelPhrase+"\""
		} else {
			c.confidence = string(brief.ConfidenceLow)
			c.confNote = "no confidence stated; set to low"
			if allegeRe.MatchString(a.byPhrase + " " + attrText) {
				c.confNote += " (an allegation)"
			}
		}
		claims = append(claims, c)
		m.n.mapped("attribution", fmt.Sprintf("%s by %s (%s)", canonical, a.by, c.confidence), a.piece, c.byNote+"; "+c.confNote)
		for _, s := range a.synonyms {
			if _, ok := m.known("actors", s); !ok {
				m.n.miss("actors", s, "a synonym of "+canonical+" that no profile lists; add it to the actor's profile (content/actors/"+slug.Make(canonical)+"/_index.md)")
			}
		}
	}
	return claims, actors, first
}

func orNone(s string) string {
	if s == "" {
		return "as written"
	}
	return s
}

// kind is the kind of a front-matter field in the table the resolver was
// made for (the importer writes the generator's fields; how their names
// resolve is the site's).
func (m *mapper) kind(field string) taxonomy.Kind {
	k, _ := m.r.Kinds().Lookup(field)
	return k
}

// term checks a name of a profile-resolved kind and returns its canonical
// form: the profile's title when the name or a synonym matches one, else the
// name as written. ok is false for a name validation would reject; a
// near-miss of a profiled name is kept but noted.
func (m *mapper) term(field, name string) (canonical, note string, ok bool) {
	name = strings.TrimSpace(name)
	k := m.kind(field)
	switch {
	case vocab.Norm(name) == "":
		m.n.miss(field, name, "has no letters or digits")
		return "", "", false
	case utf8.RuneCountInString(name) > validate.MaxNameRunes:
		m.n.miss(field, short(name, 60), "too long for a name")
		return "", "", false
	case wordCount(name) > MaxTermWords:
		m.n.miss(field, name, fmt.Sprintf("a sentence, not a name (%d words; a term has at most %d): it stays in the body", wordCount(name), MaxTermWords))
		return "", "", false
	}
	t, is := m.r.Resolve(k, name)
	if !is.OK {
		m.n.miss(field, name, is.Message)
		if is.Severity == diag.Error {
			return "", "", false
		}
	}
	switch {
	case t.Profile != nil && t.Name != name:
		return t.Name, fmt.Sprintf("%q is a name of the profiled %s %s", name, k.Singular, t.Name), true
	case t.Attack != nil && t.Name != name:
		return t.Name, fmt.Sprintf("written %q: ATT&CK %s %s", name, t.Attack.ID, t.Name), true
	case t.Attack != nil:
		return t.Name, "ATT&CK " + t.Attack.ID, true
	}
	return name, "", true
}

// known reports whether name is a title or synonym in a profile of kind,
// or a name or alias of an ATT&CK group or software, and returns the
// term's name.
func (m *mapper) known(field, name string) (string, bool) {
	t, is := m.r.Resolve(m.kind(field), strings.TrimSpace(name))
	if is.OK && (t.Profile != nil || t.Attack != nil) {
		return t.Name, true
	}
	return "", false
}

// profiled reports whether name is a title or synonym in a profile of kind.
func (m *mapper) profiled(field, name string) (string, bool) {
	t, is := m.r.Resolve(m.kind(field), strings.TrimSpace(name))
	if is.OK && t.Profile != nil {
		return t.Name, true
	}
	return "", false
}

// canonicalActor resolves an actor name through the profiles and ATT&CK's
// groups: the name itself, then its "also known as" names, then the parts
// of "A/B".
func (m *mapper) canonicalActor(name string, synonyms []string) (string, string, bool) {
	if _, ok := m.known("actors", name); !ok {
		try := slices.Clone(synonyms)
		if strings.Contains(name, "/") {
			try = append(try, strings.Split(name, "/")...)
		}
		for _, s := range try {
			if p, ok := m.known("actors", s); ok {
				return p, fmt.Sprintf("written %q; %q is a name of the known actor %s", name, strings.TrimSpace(s), p), true
			}
		}
	}
	return m.term("actors", name)
}

// MaxTermWords is the most words a term the importer suggests may have:
// terms are names ("Advanced materials research unit intrusion"), and a
// longer value is a sentence, which belongs in the body.
const MaxTermWords = 8

func wordCount(s string) int { return len(strings.Fields(s)) }

// ---- campaigns ----

// campaigns makes a campaign of each numbered activity item that the
// report names or dates, named briefly; actor names those whose label is
// no name and whose text names no target.
func (m *mapper) campaigns(items []activityItem, actor string) []campaign {
	var out []campaign
	for _, a := range items {
		from := orLabel(a.label)
		name, how := campaignName(a, actor)
		if name == "" {
			m.n.miss("campaigns", from, "neither named nor dated, so not a campaign; the item stays in the body")
			continue
		}
		canonical, note, ok := m.term("campaigns", name)
		if !ok {
			continue
		}
		if note != "" {
			how = strings.TrimPrefix(how+"; "+note, "; ")
		}
		name = canonical
		for i := 2; slices.ContainsFunc(out, func(c campaign) bool { return c.name == name }); i++ {
			name = fmt.Sprintf("%s (%d)", strings.TrimSuffix(name, fmt.Sprintf(" (%d)", i-1)), i)
		}
		if a.first == "" {
			m.n.miss("campaigns", from, "no month or year for "+name)
		}
		c := campaign{name: name, first: a.first, last: a.last, note: how}
		if how == "" {
			c.note = "from \"" + short(from, 60) + "\""
		}
		out = append(out, c)
		m.n.mapped("campaigns", name, from, strings.TrimSuffix(periodText(a.first, a.last)+"; "+how, "; "))
	}
	return out
}

// campaignName names the campaign of an activity item, and says how; ""
// when the item is neither named nor dated. A label that is a name
// ("Operation Dream Lure") is kept. A generic label ("Attack 1") gives way
// to the target the text names ("Advanced material research unit
// intrusion"), else to the actor and month. A description ("Data access")
// is shortened and dated, so it stays this brief's campaign rather than
// merging with every other brief's "Data access".
func campaignName(a activityItem, actor string) (name, how string) {
	label := orLabel(a.label)
	gm := genericLabelRe.FindStringSubmatch(a.name)
	switch {
	case gm == nil && properName(a.name):
		return a.name, ""
	case a.first == "":
		return "", ""
	}
	if gm != nil {
		noun := campaignNoun(gm[1])
		if target := shortTarget(campaignTarget(a.text)); target != "" {
			how = "named after its target: \"" + short(label, 40) + "\" is not a name; rename it if the campaign has one"
			if a.label == "" {
				how = "named after its target: the item has no label; rename it if the campaign has a name"
			}
			return capitalize(target + " " + noun), how
		}
		who := actor
		if who == "" {
			who = "Unattributed"
		}
		return who + " " + noun + ", " + monthName(a.first),
			"named after the actor and month: \"" + short(label, 40) + "\" is not a name; rename it if the campaign has one"
	}
	if noun, target, ok := labelTarget(a.name); ok {
		if t := shortTarget(target); t != "" {
			return capitalize(t + " " + campaignNoun(noun)), "named after its target: \"" + short(label, 40) + "\" is a description, not a name; rename it if the campaign has one"
		}
	}
	name = a.name
	if wordCount(name) > 4 {
		name = capitalize(shortTarget(name))
	}
	return name + ", " + monthName(a.first), "a description, not a name: the date was added so it stays this brief's campaign; rename it if it has a name"
}

// ---- sectors and countries ----

func (m *mapper) sector(l *list, phrases []sectorPhrase, piece string) {
	if notSpecified(piece) {
		m.n.miss("sectors", piece, "a placeholder")
		return
	}
	name, quals := parens(piece)
	for _, cand := range append([]string{piece, name}, quals...) {
		if s, ok := m.v.ResolveSector(cand); ok {
			note := "\"" + short(cand, 70) + "\""
			if cand != s.Name {
				note += " is on the sector list as " + s.Name
			}
			l.add(m.n, "sectors", s.Name, piece, note)
			return
		}
	}
	found := findSectors(phrases, piece)
	for _, f := range found {
		l.add(m.n, "sectors", f.ID, piece, fmt.Sprintf("%q in %q", f.Phrase, short(piece, 70)))
	}
	if len(found) == 0 {
		reason := "not on the sector list"
		if s, ok := m.v.SuggestSector(piece); ok {
			reason += fmt.Sprintf(" (nearest: %s)", s)
		}
		m.n.miss("sectors", piece, reason)
	}
}

func (m *mapper) country(l *list, piece string) {
	if notSpecified(piece) {
		m.n.miss("countries", piece, "a placeholder")
		return
	}
	name, quals := parens(piece)
	bare := strings.TrimSpace(leadWordsRe.ReplaceAllString(name, ""))
	if code, ok := m.v.ResolveCountry(bare); ok && (len(bare) > 2 || strings.ToUpper(bare) == bare) {
		l.add(m.n, "countries", code, piece, m.countryNote(bare, code))
	} else if regionRe.MatchString(bare) {
		m.n.miss("countries", bare, "a region, not a country")
	} else if found := findCountries(m.v, name); len(found) > 0 {
		for _, f := range found {
			l.add(m.n, "countries", f.ID, piece, m.countryNote(f.Phrase, f.ID))
		}
	} else if regionWordRe.MatchString(bare) {
		m.n.miss("countries", bare, "names a region, not a country")
	} else if bare != "" {
		m.n.miss("countries", bare, "not a country name or code")
	}
	for _, q := range quals {
		for _, f := range findCountries(m.v, q) {
			l.add(m.n, "countries", f.ID, piece, m.countryNote(f.Phrase, f.ID))
		}
	}
}

// countryNote: the words and, when they differ, the country's name.
func (m *mapper) countryNote(phrase, code string) string {
	name, _ := m.v.Country(code)
	if vocab.Norm(name) == vocab.Norm(phrase) {
		return fmt.Sprintf("%q", phrase)
	}
	return fmt.Sprintf("%q: %s", phrase, name)
}

// ---- techniques and mitigations ----

// techniques maps behaviours to ATT&CK techniques: each line of the TTP
// section, then each sentence of the activity items, by the phrase table,
// by a technique ID or an ATT&CK technique name written in it. A TTP line
// that maps to nothing is noted; activity sentences that tell no technique
// are the story, and are not.
func (m *mapper) techniques(ttp []string, activity []activityItem) list {
	var out list
	f := techniqueFinder(m.v)
	find := func(l string) bool {
		got := false
		for _, p := range f.find(l) {
			t, ok := m.v.Technique(p.ID)
			if !ok {
				continue // the table names an ID this ATT&CK version lacks
			}
			got = true
			out.add(m.n, "techniques", t.ID, l, m.v.TechniqueName(t)+": "+phraseIn(p.Phrase, l))
		}
		return got
	}
	for _, l := range ttp {
		if !find(l) {
			m.n.miss("techniques", l, "no phrase in the technique table matched")
		}
	}
	for _, a := range activity {
		for _, sent := range sentences(a.text) {
			find(sent)
		}
	}
	// A technique adds nothing beside one of its sub-techniques.
	return slices.DeleteFunc(out, func(e entry) bool {
		covered := slices.ContainsFunc(out, func(o entry) bool { return strings.HasPrefix(o.value, e.value+".") })
		if covered {
			m.n.unmap("techniques", e.value)
		}
		return covered
	})
}

// MaxFreeMitigationWords is the most words a recommendation kept as a
// mitigation of its own may have ("Email filtering"); a longer one that
// names no ATT&CK mitigation is a sentence, and stays in the body only.
const MaxFreeMitigationWords = 4

// mitigations maps each recommendation to ATT&CK mitigations: by the
// phrase table, by a mitigation's ID or name written in it, or, when it
// is short enough to be a name itself, keeps it as a term. Every
// recommendation stays in the body as written.
func (m *mapper) mitigations(lines []string) list {
	var out list
	f := mitigationFinder(m.v)
	for _, l := range lines {
		got := false
		for _, p := range f.find(l) {
			mi, ok := m.v.Mitigation(p.ID)
			if !ok {
				continue
			}
			got = true
			out.add(m.n, "mitigations", mi.ID, l, mi.Name+": "+phraseIn(p.Phrase, l))
		}
		if got {
			continue
		}
		text := strings.TrimSpace(strings.TrimSuffix(l, "."))
		if mi, ok := m.v.ResolveMitigation(text); ok {
			out.add(m.n, "mitigations", mi.ID, l, mi.Name)
			continue
		}
		if wordCount(text) > MaxFreeMitigationWords {
			m.n.miss("mitigations", l, "names no ATT&CK mitigation and is a sentence, not a name; it stays in the body under What to do")
			continue
		}
		if name, _, ok := m.term("mitigations", text); ok {
			out.add(m.n, "mitigations", name, l, "kept as text: no ATT&CK mitigation phrase matched")
		}
	}
	return out
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

// warn notes what the analyst must see before publishing: a brief of the
// library that may report the same story, and a source without an address.
func warn(d *draft, o Options, n *notes) {
	b := d.brief()
	for _, same := range story.Find(&b, o.Resolver, o.Library, o.Resolver) {
		n.warn("brief", fmt.Sprintf("the library may already have this story: %s (%q, dated %s) %s; add what this report adds to that brief rather than publishing a second one",
			same.File, short(same.Title, 80), same.Date.Format("2006-01-02"), same.Why))
	}
	if d.source.name != "" && d.source.url == "" {
		n.warn("sources", fmt.Sprintf("%s has no URL: the report does not give the address of the source; add it (url:) so readers can check it", d.source.name))
	}
}

// brief is the draft as the brief it will be, as far as package story
// reads one: title, date, sources, attribution and actors.
func (d *draft) brief() brief.Brief {
	b := brief.Brief{Title: d.title, Date: d.date}
	if d.source.name != "" {
		b.Sources = []brief.Source{{Name: d.source.name, Title: d.source.title, URL: d.source.url}}
	}
	for _, c := range d.claims {
		b.Attribution = append(b.Attribution, brief.Claim{Actor: c.actor, By: c.by, Confidence: brief.Confidence(c.confidence)})
	}
	for _, e := range d.actors {
		if b.Lists == nil {
			b.Lists = map[string][]string{}
		}
		b.Lists["actors"] = append(b.Lists["actors"], e.value)
	}
	return b
}
