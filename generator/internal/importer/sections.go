package importer

import "strings"

// sections is the second stage: each section of the Analysis Summary read
// as what it holds. Nothing here is looked up in a vocabulary.
type sections struct {
	// attribution is the Attribution section as one line of plain text.
	attribution string
	// activity holds the numbered items of the Activity Summary.
	activity    []activityItem
	hasActivity bool
	// activityText is every line of the Activity Summary, plain.
	activityText []string
	// ttp holds the lines of the Tactics, Techniques & Procedures section.
	ttp    []string
	hasTTP bool
	// The labelled lines of the Targeting section.
	sectors, geography []item
	// The Tools & Infrastructure section: malware and tool lines, and the
	// rest (infrastructure, indicators).
	malware, infra []item
	hasTools       bool
	// mitigations holds the lines of the Mitigations section.
	mitigations    []string
	hasMitigations bool
	// firstParagraph is the first paragraph of prose in the analysis
	// (activity, attribution, implications, TTP), for a report without a
	// Full Report paragraph.
	firstParagraph string
}

// activityItem is one numbered item of the Activity Summary:
// "1. **Attack 1 (August 2024):** Targeted a research unit."
type activityItem struct {
	label string // "Attack 1 (August 2024)"; "" when the item has none
	name  string // the label without its parentheses and dates: "Attack 1"
	text  string // what follows the label, plain
	// first and last are the months (YYYY-MM) or years the item is dated
	// by, from the label or else the text; "" when undated.
	first, last string
}

func readSections(r *report) *sections {
	s := &sections{attribution: plain(strings.Join(r.sections[secAttribution], " "))}
	_, s.hasActivity = r.sections[secActivity]
	s.activityText = bullets(r.sections[secActivity])
	for _, l := range r.sections[secActivity] {
		if m := numberedRe.FindStringSubmatch(l); m != nil {
			s.activity = append(s.activity, readActivity(strings.TrimSpace(m[1])))
		}
	}
	_, s.hasTTP = r.sections[secTTP]
	s.ttp = bullets(r.sections[secTTP])
	targeting := labelled(r.sections[secTargeting])
	s.sectors = find(targeting, "sector", "industr", "vertical")
	s.geography = find(targeting, "geograph", "countr", "region", "location")
	_, s.hasTools = r.sections[secTools]
	s.malware, s.infra = splitTools(labelled(r.sections[secTools]))
	_, s.hasMitigations = r.sections[secMitigations]
	s.mitigations = bullets(r.sections[secMitigations])
	for _, k := range []string{secActivity, secAttribution, secImplications, secTTP} {
		for _, l := range r.sections[k] {
			if p := plain(l); p != "" && !headingRe.MatchString(l) && !numberedRe.MatchString(l) {
				s.firstParagraph = p
				return s
			}
		}
	}
	return s
}

// readActivity splits an item into its label, text and period.
func readActivity(raw string) activityItem {
	a := activityItem{text: plain(raw)}
	if lm := boldLabelRe.FindStringSubmatch(raw); lm != nil {
		a.label, a.text = strings.TrimSpace(lm[1]), plain(lm[2])
	}
	name, quals := parens(a.label)
	a.first, a.last = period(strings.Join(quals, " "))
	if a.first == "" {
		a.first, a.last = period(a.label)
	}
	if a.first == "" {
		if mm := monthYearRe.FindString(a.text); mm != "" {
			a.first, _ = period(mm)
		}
	}
	if dateOnly(name) {
		name = ""
	}
	a.name = name
	return a
}

// splitTools sorts the lines of Tools & Infrastructure by their labels
// into malware and tool names, and everything else (infrastructure,
// indicators, unlabelled lines).
func splitTools(items []item) (malware, infra []item) {
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
	return malware, infra
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
