package importer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Section kinds of the Analysis Summary, recognised from their headings.
const (
	secAttribution  = "attribution"
	secActivity     = "activity"
	secTTP          = "ttp"
	secTargeting    = "targeting"
	secTools        = "tools"
	secImplications = "implications"
	secMitigations  = "mitigations"
	secOther        = "other"
	secActor        = "actor" // the "# Threat Actor" heading's part
)

// report is a report split into its parts. Line numbers are 1-based lines
// of the normalized input.
type report struct {
	header   map[string]string // label lines before the analysis ("date", "source", "url", "title")
	full     string            // the Full Report paragraph(s), joined by spaces
	body     []string          // the Analysis Summary lines, as written
	actor    string            // text after "# Threat Actor(s):", "" if absent
	hasActor bool              // a "# Threat Actor" heading was present
	sections map[string][]string
	// parts are the analysis's sections in order, as written, each with
	// its heading: what the brief's body is assembled from.
	parts []part
}

// part is one section of the analysis: its kind (a sec* constant, "" for
// lines before the first heading), its heading and level, and its lines
// (without the heading).
type part struct {
	kind, title string
	level       int
	lines       []string
}

var (
	headingRe    = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	actorHeadRe  = regexp.MustCompile(`(?i)^threat\s+actors?(?:\s*\(s\))?\s*(?:[:\-–—]\s*(.*))?$`)
	headerLineRe = regexp.MustCompile(`(?i)^(date|published|publication date|report date|source|url|link|title)\s*:\s*(.+)$`)
)

// normalize makes any input safe to work on: valid UTF-8, no byte-order
// mark, LF line ends, and no control characters but tabs and newlines.
func normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.TrimPrefix(s, "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r), r == '\uFEFF', r == '\u2028', r == '\u2029':
			return -1
		}
		return r
	}, s)
}

// marker reports whether line is the bare marker word (optionally as a
// heading, bold, or followed by a colon).
func marker(line, word string) bool {
	t := strings.TrimSpace(line)
	t = strings.TrimLeft(t, "# ")
	t = strings.Trim(t, "*_ ")
	t = strings.TrimSuffix(t, ":")
	return strings.EqualFold(strings.TrimSpace(t), word)
}

// parseReport splits a normalized report. It never fails: a report without
// the expected markers yields empty parts.
func parseReport(text string) *report {
	r := &report{header: map[string]string{}, sections: map[string][]string{}}
	lines := strings.Split(text, "\n")
	start := -1 // first line of the analysis body
	for i, l := range lines {
		if marker(l, "Analysis Summary") {
			start = i + 1
			break
		}
	}
	if start < 0 { // no marker: the analysis starts at the first heading
		for i, l := range lines {
			if headingRe.MatchString(l) {
				start = i
				break
			}
		}
	}
	if start < 0 {
		start = len(lines)
	}
	var full []string
	end := start
	if end > 0 && end <= len(lines) && marker(lines[end-1], "Analysis Summary") {
		end--
	}
	for _, l := range lines[:end] {
		t := strings.TrimSpace(l)
		if t == "" || marker(t, "Full Report") {
			continue
		}
		if m := headerLineRe.FindStringSubmatch(t); m != nil && len(full) == 0 {
			key := strings.ToLower(m[1])
			switch key {
			case "published", "publication date", "report date":
				key = "date"
			case "link":
				key = "url"
			}
			if _, dup := r.header[key]; !dup {
				r.header[key] = strings.TrimSpace(m[2])
			}
			continue
		}
		full = append(full, t)
	}
	r.full = strings.Join(full, " ")
	r.body = lines[start:]

	kind := ""
	fence := false
	cur := &part{}
	for _, l := range r.body {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = !fence
		}
		if m := headingRe.FindStringSubmatch(l); m != nil && !fence {
			title := plain(m[2])
			r.parts = append(r.parts, *cur)
			cur = &part{title: title, level: len(m[1])}
			if len(m[1]) == 1 {
				if am := actorHeadRe.FindStringSubmatch(title); am != nil {
					if !r.hasActor {
						r.actor, r.hasActor = strings.TrimSpace(am[1]), true
					}
					kind = ""
					cur.kind = secActor
					continue
				}
			}
			kind = sectionKind(title)
			cur.kind = kind
			if _, seen := r.sections[kind]; !seen {
				r.sections[kind] = []string{}
			}
			continue
		}
		cur.lines = append(cur.lines, l)
		if kind != "" {
			r.sections[kind] = append(r.sections[kind], l)
		}
	}
	r.parts = append(r.parts, *cur)
	return r
}

// sectionKind classifies an Analysis Summary heading by its words.
func sectionKind(title string) string {
	t := strings.ToLower(title)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("attribution", "identity"):
		return secAttribution
	case has("tactic", "ttp", "technique", "procedure"):
		return secTTP
	case has("activity", "timeline", "incident", "attacks"):
		return secActivity
	case has("target", "victim"):
		return secTargeting
	case has("tool", "infrastructure", "malware", "indicator", "ioc"):
		return secTools
	case has("mitigation", "recommend", "defen", "remediation"):
		return secMitigations
	case has("implication", "assessment", "impact"):
		return secImplications
	}
	return secOther
}

var (
	abbrevEndRe = regexp.MustCompile(`(?:^|[\s(])(?:[A-Za-z]\.){2,}$`)
	listMarkRe  = regexp.MustCompile(`^\s*(?:[-*+•]|\d{1,3}[.)])\s+`)
	spaceRe     = regexp.MustCompile(`\s+`)
)

var emphasis = strings.NewReplacer("**", "", "__", "", "`", "", "*", "")

// plain strips Markdown emphasis, code marks, list markers and surplus
// whitespace from one line.
func plain(s string) string {
	s = listMarkRe.ReplaceAllString(s, "")
	s = emphasis.Replace(s)
	return strings.TrimSpace(spaceRe.ReplaceAllString(s, " "))
}

// item is one line of a section: a labelled line ("**Sectors:** Energy")
// with the unlabelled lines that follow it, or a plain bullet.
type item struct {
	label string // "Sectors", "" for an unlabelled line
	value string // text after the label (plain)
	more  []string
}

var (
	boldLabelRe  = regexp.MustCompile(`^\*\*([^*]{1,80}?):?\*\*\s*:?\s*(.*)$`)
	plainLabelRe = regexp.MustCompile(`^([A-Z][A-Za-z ,&()/-]{1,60}):\s+(.*)$`)
)

// labelled splits a section into labelled items. Unlabelled lines after a
// label belong to it (the shared format lists victims that way).
func labelled(lines []string) []item {
	var out []item
	for _, l := range lines {
		t := strings.TrimSpace(listMarkRe.ReplaceAllString(l, ""))
		if t == "" {
			continue
		}
		if m := boldLabelRe.FindStringSubmatch(t); m != nil {
			out = append(out, item{label: strings.TrimSpace(m[1]), value: plain(m[2])})
			continue
		}
		if m := plainLabelRe.FindStringSubmatch(t); m != nil && !strings.Contains(m[1], "  ") {
			out = append(out, item{label: strings.TrimSpace(m[1]), value: plain(m[2])})
			continue
		}
		if len(out) > 0 && out[len(out)-1].label != "" {
			out[len(out)-1].more = append(out[len(out)-1].more, plain(t))
			continue
		}
		out = append(out, item{value: plain(t)})
	}
	return out
}

// find returns the items whose label contains one of words.
func find(items []item, words ...string) []item {
	var out []item
	for _, it := range items {
		l := strings.ToLower(it.label)
		for _, w := range words {
			if l != "" && strings.Contains(l, w) {
				out = append(out, it)
				break
			}
		}
	}
	return out
}

// bullets returns the non-empty lines of a section as plain text.
func bullets(lines []string) []string {
	var out []string
	for _, l := range lines {
		if p := plain(l); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// splitTop splits s at top-level separators (outside parentheses and
// quotes): commas, semicolons, and, when words is set, " and " / " & ".
func splitTop(s string, words bool) []string {
	var out []string
	depth := 0
	last := 0
	rs := []rune(s)
	cut := func(i, skip int) {
		out = append(out, string(rs[last:i]))
		last = i + skip
	}
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		case ',', ';':
			if depth == 0 {
				cut(i, 1)
			}
		case ' ':
			if depth == 0 && words {
				rest := strings.ToLower(string(rs[i:min(len(rs), i+6)]))
				switch {
				case strings.HasPrefix(rest, " and "):
					cut(i, 5)
					i += 4
				case strings.HasPrefix(rest, " & "):
					cut(i, 3)
					i += 2
				}
			}
		}
	}
	out = append(out, string(rs[last:]))
	var clean []string
	for _, p := range out {
		p = strings.TrimSpace(p)
		if !abbrevEndRe.MatchString(p) { // keep the dot of "U.S."
			p = strings.TrimSuffix(p, ".")
		}
		p = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(p, "and "), "& "))
		if p != "" {
			clean = append(clean, p)
		}
	}
	return clean
}

// parens splits "Name (a) (b)" into "Name" and its trailing parentheticals.
func parens(s string) (string, []string) {
	s = strings.TrimSpace(s)
	var ps []string
	for strings.HasSuffix(s, ")") {
		depth := 0
		open := -1
		for i := len(s) - 1; i >= 0; i-- {
			if s[i] == ')' {
				depth++
			} else if s[i] == '(' {
				depth--
				if depth == 0 {
					open = i
					break
				}
			}
		}
		if open <= 0 {
			break
		}
		ps = append([]string{strings.TrimSpace(s[open+1 : len(s)-1])}, ps...)
		s = strings.TrimSpace(s[:open])
	}
	return s, ps
}

// notSpecified reports whether s is a placeholder for "nothing known".
func notSpecified(s string) bool {
	k := strings.ToLower(strings.Trim(strings.TrimSpace(s), ".!*_ "))
	for _, p := range []string{"not specified", "unspecified", "not provided", "not explicitly specified", "not explicitly detailed",
		"not disclosed", "undisclosed", "none", "none specified", "none identified", "none reported", "n/a", "na", "unknown", "not available",
		"not applicable", "not stated", "not mentioned", "not named", "not identified", "not reported", "-", "—", "tbd"} {
		if k == p || strings.HasPrefix(k, p+" ") || strings.HasPrefix(k, p+",") || strings.HasPrefix(k, p+" (") {
			return true
		}
	}
	return false
}
