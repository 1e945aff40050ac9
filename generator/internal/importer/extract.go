package importer

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// candidates is the third stage: the words of a report that may become
// values of the brief, each with where it came from, before any is looked
// up in a vocabulary. Values that need no vocabulary (indicators, CVE IDs)
// are final here.
type candidates struct {
	title, titleNote string // "" when the report gives none
	// titleFromPost: the title is the news item's ("The post TITLE
	// appeared first on ..."), which is also the source document's title.
	titleFromPost bool

	// full is the Full Report paragraph, without its "The post … appeared
	// first on" sentence: the story as the source told it, which opens the
	// body.
	full string
	// text is what a title and, when too little is extracted to write
	// one, a summary are taken from: the Full Report paragraph, else the
	// first paragraph of the analysis.
	text, textNote string
	// objective is what the report says the actor was after ("Stealing
	// trade secrets"), "" when it does not say.
	objective string

	date    string // the report's date line, "" when none
	hasDate bool

	publisher, publisherNote string // the source's name
	url                      string

	actors    []actorCandidate
	attrText  string // the Attribution section, plain
	activity  []activityItem
	sectors   []string // pieces of the Sectors lines
	countries []string // pieces of the Geography lines
	behaviour []string // lines of the TTP section
	malware   []malwareCandidate
	iocs      []indicator
	cves      list
	mitigate  []string // lines of the Mitigations section
}

// actorCandidate is one actor the Threat Actor heading names.
type actorCandidate struct {
	piece              string   // the heading's words for it
	name               string   // "APT29"
	synonyms           []string // its "also known as" names
	by, byPhrase       string   // who attributes it, and the words saying so
	level, levelPhrase string   // stated confidence, "" when none
}

// malwareCandidate is one family a malware line names.
type malwareCandidate struct {
	piece, name string
}

var (
	postRe  = regexp.MustCompile(`(?i)\bthe post\s+`)
	firstOn = " appeared first on "
)

func extract(r *report, s *sections, n *notes) *candidates {
	c := &candidates{attrText: s.attribution, activity: s.activity}
	c.titleSummarySource(r, s, n)
	c.date, c.hasDate = r.header["date"]
	c.actors = extractActors(r, s, n)
	if !s.hasActivity {
		n.miss("campaigns", "", "no Activity Summary section")
	} else if len(s.activity) == 0 {
		n.miss("campaigns", "", "the Activity Summary has no numbered items")
	}
	if len(s.sectors) == 0 {
		n.miss("sectors", "", "no Sectors line")
	}
	for _, it := range s.sectors {
		c.sectors = append(c.sectors, allPieces(it)...)
	}
	if len(s.geography) == 0 {
		n.miss("countries", "", "no Geography line")
	}
	for _, it := range s.geography {
		c.countries = append(c.countries, allPieces(it)...)
	}
	c.behaviour = s.ttp
	c.objective = objective(s)
	if len(c.behaviour) == 0 {
		n.miss("techniques", "", "no Tactics, Techniques & Procedures section")
	}
	c.malware, c.iocs = extractTools(s, n)
	c.cves = extractCVEs(r, n)
	c.mitigate = s.mitigations
	if len(c.mitigate) == 0 {
		n.miss("mitigations", "", "no Mitigations section")
	}
	return c
}

// titleSummarySource finds the title, the summary's text and the source.
func (c *candidates) titleSummarySource(r *report, s *sections, n *notes) {
	// Feed items often keep HTML entities ("&#8217;", "&amp;").
	full := normalize(html.UnescapeString(r.full))
	if i := strings.LastIndex(full, firstOn); i >= 0 {
		before := full[:i]
		if locs := postRe.FindAllStringIndex(before, -1); len(locs) > 0 {
			loc := locs[len(locs)-1]
			c.title = strings.TrimSpace(before[loc[1]:])
			publisher := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(full[i+len(firstOn):]), "."))
			full = strings.TrimSpace(before[:loc[0]])
			c.titleNote = fmt.Sprintf("from \"The post … appeared first on %s\"", short(publisher, 60))
			c.titleFromPost = true
			if publisher != "" && utf8.RuneCountInString(publisher) <= 120 {
				c.publisher = publisher
				c.publisherNote = "from \"appeared first on " + short(publisher, 60) + "\""
			}
		}
	}
	if t, ok := r.header["title"]; ok {
		c.title, c.titleNote, c.titleFromPost = t, "from the Title: line", false
	}
	c.full = full
	c.text, c.textNote = full, "the Full Report paragraph"
	if c.text == "" {
		c.text = s.firstParagraph
		c.textNote = "the first paragraph of the analysis (the report has no Full Report text)"
	}
	if c.title == "" && c.text != "" {
		c.title = strings.TrimSuffix(short(firstSentence(c.text), 120), ".")
		c.titleNote = "the first sentence of the " + strings.TrimPrefix(c.textNote, "the ")
		n.miss("title", "", "no \"The post … appeared first on …\" line; the title is the first sentence, shortened")
	}
	if utf8.RuneCountInString(c.title) > validate.MaxTitleRunes {
		c.title = short(c.title, validate.MaxTitleRunes-1)
	}

	c.url = r.header["url"]
	if src, ok := r.header["source"]; ok {
		if strings.HasPrefix(strings.ToLower(src), "http") {
			c.url = src
		} else if c.publisher == "" && utf8.RuneCountInString(src) <= 120 {
			c.publisher, c.publisherNote = src, "from the Source: line"
		}
	}
	if c.publisher == "" {
		n.miss("sources", "", "no publisher (\"appeared first on …\" or a Source: line)")
	}
	if c.url != "" && !isWebURL(c.url) {
		n.miss("sources", c.url, "not an http(s) URL")
		c.url = ""
	}
	if c.publisher == "" && c.url != "" {
		n.miss("sources", c.url, "an address but no publisher to name the source by")
	}
}

// extractActors reads the Threat Actor heading: each actor it names, its
// other names, and who attributes it with what confidence.
func extractActors(r *report, s *sections, n *notes) []actorCandidate {
	if !r.hasActor {
		n.miss("actors", "", "no \"# Threat Actor:\" heading")
		return nil
	}
	globalBy, globalPhrase := claimant(s.attribution)
	level, levelPhrase := confidence(plain(r.actor) + " " + s.attribution)
	heading := plain(r.actor)
	if heading == "" {
		n.miss("actors", "", "the Threat Actor heading names no one")
		return nil
	}
	var out []actorCandidate
	for _, piece := range splitTop(heading, true) {
		name, quals := parens(piece)
		a := actorCandidate{piece: piece, name: strings.Trim(name, `"'“”‘’ `), by: globalBy, byPhrase: globalPhrase, level: level, levelPhrase: levelPhrase}
		for _, q := range quals {
			switch {
			case akaRe.MatchString(q):
				for _, syn := range splitTop(akaRe.FindStringSubmatch(q)[1], true) {
					if syn = strings.Trim(syn, `"'“”‘’ `); syn != "" {
						a.synonyms = append(a.synonyms, syn)
					}
				}
			case claimQualRe.MatchString(q):
				by := claimQualRe.FindStringSubmatch(q)[1]
				if b, _ := claimant("attributed by " + by); b != "" {
					by = b
				}
				a.by, a.byPhrase = strings.TrimSpace(by), q
			case unattribQualRe.MatchString(q):
				a.by = "" // the report says nobody attributes it
			default:
				if l, p := confidence(q); l != "" {
					a.level, a.levelPhrase = l, p
				}
			}
		}
		if a.name == "" || unknownActorRe.MatchString(a.name) || notSpecified(a.name) {
			n.miss("actors", piece, "no named actor")
			continue
		}
		if a.by != "" && (vocab.Norm(a.by) == "" || utf8.RuneCountInString(a.by) > validate.MaxNameRunes) {
			n.miss("attribution", a.by, "not a usable claimant name")
			a.by = ""
		}
		out = append(out, a)
	}
	return out
}

// extractTools reads the malware lines and finds the indicators in the
// other lines of Tools & Infrastructure.
func extractTools(s *sections, n *notes) ([]malwareCandidate, []indicator) {
	if !s.hasTools {
		n.miss("malware", "", "no Tools & Infrastructure section")
		n.miss("iocs", "", "no Tools & Infrastructure section")
		return nil, nil
	}
	var malware []malwareCandidate
	if len(s.malware) == 0 {
		n.miss("malware", "", "no Malware families line")
	}
	for _, it := range s.malware {
		for _, v := range append([]string{it.value}, it.more...) {
			for _, piece := range splitTop(v, true) {
				name, reason, ok := malwareName(piece)
				if !ok {
					n.miss("malware", piece, reason)
					continue
				}
				malware = append(malware, malwareCandidate{piece: piece, name: name})
			}
		}
	}
	var lines []string
	for _, it := range s.infra {
		lines = append(lines, it.value)
		lines = append(lines, it.more...)
	}
	iocs := indicators(lines)
	for _, ind := range iocs {
		how := "live in the report; stored as is"
		if !ind.Live {
			how = "defanged in the report; stored refanged"
		}
		n.mapped("iocs", ind.Type+" "+ind.Value, ind.Written, how)
	}
	if len(iocs) == 0 {
		from := ""
		for _, it := range s.infra {
			if it.value != "" {
				from = it.value
				break
			}
		}
		reason := "no indicator (IP, domain, URL, hash, e-mail) in the infrastructure lines"
		if notSpecified(from) {
			reason = "the report gives no indicators"
		}
		n.miss("iocs", short(from, 50), reason)
	}
	return malware, iocs
}

var cveRe = regexp.MustCompile(`(?i)\bCVE-(\d{4})-(\d{4,7})\b`)

// extractCVEs finds CVE IDs anywhere in the report.
func extractCVEs(r *report, n *notes) list {
	var out list
	for _, l := range append([]string{r.full}, r.body...) {
		for _, m := range cveRe.FindAllStringSubmatch(l, -1) {
			out.add(n, "vulnerabilities", "CVE-"+m[1]+"-"+m[2], plain(l), "")
		}
	}
	if len(out) == 0 {
		n.miss("vulnerabilities", "", "no CVE ID in the report")
	}
	return out
}

var (
	objectiveRe = regexp.MustCompile(`(?i)^(?:objective|goal|aim|motive|motivation|purpose)s?\s*:\s*(.{3,200}?)\.?$`)
	aimedAtRe   = regexp.MustCompile(`(?i)\b(?:aimed\s+at|in\s+order\s+to|with\s+the\s+(?:aim|goal)\s+of)\s+([a-z]+ing\b[^.;:]{0,120})`)
)

// objective is what the report says the actor was after: an "Objective:"
// line of the TTP section, else "aimed at stealing ..." in the activity.
func objective(s *sections) string {
	for _, l := range s.ttp {
		if m := objectiveRe.FindStringSubmatch(l); m != nil {
			return strings.TrimSpace(m[1])
		}
	}
	for _, l := range s.activityText {
		if m := aimedAtRe.FindStringSubmatch(l); m != nil {
			return strings.TrimSpace(m[1])
		}
	}
	return ""
}
