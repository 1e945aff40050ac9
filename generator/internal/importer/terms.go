package importer

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// ---- actors and attribution ----

var (
	unknownActorRe = regexp.MustCompile(`(?i)^(?:an?\s+|the\s+)?(?:unknown|unidentified|unattributed|unnamed|undisclosed|not\s+specified|not\s+attributed|n/a|none|no\s+attribution|no\s+known)(?:\s+(?:threat\s+)?(?:actors?|groups?|attackers?|hackers?|operators?|entity|entities|adversary|adversaries|attribution))?$`)
	akaRe          = regexp.MustCompile(`(?i)^(?:also\s+known\s+as|also\s+called|also\s+tracked\s+as|a\.?k\.?a\.?|aka|known\s+as|formerly|previously)\s*:?\s+(.+)$`)
	claimQualRe    = regexp.MustCompile(`(?i)^(?:as\s+)?(?:(?:alleged|claimed|attributed|assessed|reported|named|identified|accused|blamed)\s+by|per|according\s+to)\s+(?:the\s+)?(.+)$`)
	unattribQualRe = regexp.MustCompile(`(?i)^(?:no\s+attribution|unattributed|not\s+attributed|attribution\s+unknown)$`)
	// org is a capitalised name, optionally followed by "(ACRONYM)".
	org        = `((?:[A-Z0-9][\w&.'’/-]*)(?:\s+(?:of|for|and|the|de|du|[A-Z0-9][\w&.'’/-]*))*)(?:\s+\(([A-Z][A-Za-z0-9&.-]{1,20})\))?`
	claimByRe  = regexp.MustCompile(`(?i:\b(?:alleged|claimed|attributed|identified|assessed|named|tracked|reported|accused|blamed|linked)\s+(?:\w+\s+){0,2}?by\s+(?:the\s+)?)` + org)
	claimPerRe = regexp.MustCompile(`(?i:\baccording\s+to\s+(?:the\s+)?)` + org)
	claimSubRe = regexp.MustCompile(`(?:^|[.;]\s+)(?:The\s+)?` + org + `\s+(?:attributes|attributed|assesses|assessed|alleges|alleged|claims|claimed|blames|blamed|accuses|accused|links|linked|tracks)\b`)
	confRe     = regexp.MustCompile(`(?i)\b(high|moderate|medium|low)[- ]confidence\b|\bconfidence\s*(?:is|:|of)?\s*(high|moderate|medium|low)\b`)
	allegeRe   = regexp.MustCompile(`(?i)\b(?:alleg\w*|claim\w*|accus\w*)\b`)
)

// claimant picks who makes the attribution claim from a qualifier or the
// Attribution section, preferring an acronym given in parentheses.
func claimant(text string) (by, phrase string) {
	for _, re := range []*regexp.Regexp{claimByRe, claimPerRe, claimSubRe} {
		if m := re.FindStringSubmatch(text); m != nil {
			name := trimOrg(m[1])
			if m[2] != "" {
				name = m[2]
			}
			if name != "" && utf8.RuneCountInString(name) <= 120 {
				return name, strings.TrimSpace(strings.TrimLeft(m[0], ".; "))
			}
		}
	}
	return "", ""
}

// trimOrg drops the joining words a greedy name match can end on.
func trimOrg(s string) string {
	words := strings.Fields(s)
	for len(words) > 0 {
		switch strings.ToLower(words[len(words)-1]) {
		case "of", "for", "and", "the", "de", "du":
			words = words[:len(words)-1]
			continue
		}
		break
	}
	if len(words) > 0 && words[0] == "The" {
		words = words[1:]
	}
	return strings.TrimRight(strings.Join(words, " "), ".,")
}

// confidence reads a stated confidence level; "" when none is stated.
func confidence(text string) (level, phrase string) {
	m := confRe.FindStringSubmatch(text)
	if m == nil {
		return "", ""
	}
	l := strings.ToLower(m[1] + m[2])
	if l == "medium" {
		l = "moderate"
	}
	return l, m[0]
}

// ---- sectors ----

// weakSectorWords are sector synonyms too common in other senses to be
// found inside a longer phrase ("Digital Information Industry" is not
// Manufacturing). They still match when they are the whole entry.
var weakSectorWords = map[string]bool{"industry": true, "industrial": true, "power": true, "space": true, "commercial": true,
	"press": true, "utility": true, "justice": true, "food": true, "transport": true, "travel": true, "water": true,
	"health": true, "medical": true, "legal": true, "tech": true, "finance": true, "financial": true}

type sectorPhrase struct {
	words   []string // stemmed, lower case
	acronym string   // for all-capital acronyms ("IT", "R&D"): the tokens as written, matched by case
	sector  string
}

func sectorPhrases(v *vocab.Vocab) []sectorPhrase {
	var out []sectorPhrase
	for _, s := range v.Sectors() {
		for _, name := range append([]string{s.Name}, s.Synonyms...) {
			ws := words(name)
			if len(ws) == 0 || (len(ws) == 1 && weakSectorWords[ws[0]]) {
				continue
			}
			p := sectorPhrase{words: ws, sector: s.Name}
			if isAcronym(name) {
				p.acronym = strings.TrimSuffix(strings.Join(tokensOf(name), " "), "s")
			}
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b sectorPhrase) int { return len(b.words) - len(a.words) })
	return out
}

func isAcronym(s string) bool {
	s = strings.TrimSuffix(s, "s")
	up := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			up++
		}
	}
	return up >= 2 && utf8.RuneCountInString(s) <= 5
}

// tokensOf splits a phrase into its words as written ("&" is "and").
func tokensOf(s string) []string {
	return strings.FieldsFunc(strings.ReplaceAll(s, "&", " and "), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// words splits a phrase into lower-case, singular words.
func words(s string) []string {
	f := tokensOf(s)
	for i, w := range f {
		f[i] = stem(strings.ToLower(w))
	}
	return f
}

func stem(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return strings.TrimSuffix(w, "s")
	}
	return w
}

// findSectors returns the sectors named inside a longer phrase, in order of
// appearance, each with the words that named it. Longer phrases win.
func findSectors(phrases []sectorPhrase, text string) []match {
	orig := tokensOf(text)
	ws := words(text)
	covered := make([]bool, len(ws))
	type hit struct {
		pos int
		m   match
	}
	var hits []hit
	for _, p := range phrases {
		n := len(p.words)
	scan:
		for i := 0; i+n <= len(ws); i++ {
			for j := range n {
				if covered[i+j] || ws[i+j] != p.words[j] {
					continue scan
				}
			}
			span := strings.Join(orig[i:i+n], " ")
			if p.acronym != "" && strings.TrimSuffix(span, "s") != p.acronym {
				continue
			}
			for j := range n {
				covered[i+j] = true
			}
			hits = append(hits, hit{pos: i, m: match{ID: p.sector, Phrase: span}})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.pos - b.pos })
	var out []match
	for _, h := range hits {
		if !slices.ContainsFunc(out, func(m match) bool { return m.ID == h.m.ID }) {
			out = append(out, h.m)
		}
	}
	return out
}

// ---- countries ----

var regionRe = regexp.MustCompile(`(?i)^(?:global(?:ly)?|worldwide|international(?:ly)?|europe|european\s+union|eu|the\s+eu|middle\s+east|mena|emea|apac|asia|asia[- ]pacific|(?:south|southeast|east|central|western|north)\s+asia|latin\s+america|south\s+america|north\s+america|central\s+america|caribbean|africa|sub-saharan\s+africa|(?:north|west|east|southern|central)\s+africa|(?:western|eastern|central|northern|southern)\s+europe|nordics?|scandinavia|baltics?|the\s+baltics|balkans|caucasus|oceania|gulf\s+states|the\s+gulf|nato\s+(?:countries|members|states)|five\s+eyes|multiple\s+(?:countries|regions)|various\s+countries|several\s+countries)$`)

// regionWordRe finds a region named inside a longer phrase.
var regionWordRe = regexp.MustCompile(`(?i)\b(?:europe|european|asia|asian|africa|african|americas?|middle\s+east|global(?:ly)?|worldwide|nato|eu|emea|apac|nordics?|baltics?|balkans|caucasus|oceania|scandinavia)\b`)

var leadWordsRe = regexp.MustCompile(`(?i)^(?:(?:the|primarily|mainly|mostly|largely|predominantly|chiefly|including|especially|particularly|notably|likely|possibly|also|organi[sz]ations\s+in|entities\s+in|victims\s+in|targets\s+in|in)\s+)+`)

// findCountries resolves country names inside a phrase, longest first:
// "Victims located within China" → CN. Only names, dotted or all-capital
// abbreviations count, so words like "in" or "can" are never read as the
// codes of India or Canada.
func findCountries(v *vocab.Vocab, text string) []match {
	toks := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || r == '/' || r == '-' || r == ',' || r == ';' || r == '(' || r == ')' || r == ':' || r == '"' || r == '“' || r == '”'
	})
	for i, t := range toks {
		t = strings.TrimRight(t, ",;:!?'’")
		if strings.Count(t, ".") == 1 && strings.HasSuffix(t, ".") { // sentence end, not "U.S."
			t = strings.TrimSuffix(t, ".")
		}
		toks[i] = strings.TrimLeft(t, "'‘’")
	}
	covered := make([]bool, len(toks))
	type hit struct {
		pos int
		m   match
	}
	var hits []hit
	for n := min(4, len(toks)); n >= 1; n-- {
	scan:
		for i := 0; i+n <= len(toks); i++ {
			for j := range n {
				if covered[i+j] {
					continue scan
				}
			}
			cand := strings.Join(toks[i:i+n], " ")
			r, _ := utf8.DecodeRuneInString(cand)
			if !unicode.IsUpper(r) {
				continue
			}
			code, ok := v.ResolveCountry(cand)
			if !ok || (utf8.RuneCountInString(vocab.Norm(cand)) < 4 && !strings.Contains(cand, ".") && !allCaps(cand)) {
				continue
			}
			for j := range n {
				covered[i+j] = true
			}
			hits = append(hits, hit{pos: i, m: match{ID: code, Phrase: cand}})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.pos - b.pos })
	out := make([]match, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.m)
	}
	return out
}

func allCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}

// ---- malware ----

var (
	genericMalwareRe = regexp.MustCompile(`(?i)^(?:(?:powershell|python|bash|batch|shell|vba|vbs|vbscript|javascript|jscript|cmd|wmi|golang|go|rust|\.net|lolbins?|living[- ]off[- ]the[- ]land|custom|bespoke|unnamed|unknown|unidentified|various|several|multiple|generic|commodity|publicly\s+available|open-source|off-the-shelf|legitimate|modified|new|novel|additional|other|own|proprietary|malicious|remote\s+access|information|credential|custom-built|in-house|php|asp|aspx|jsp|java|linux|windows|esxi|macos|android|ios)\s+)*(?:malware|malicious\s+software|trojans?|backdoors?|rats?|remote\s+access\s+trojans?|ransomware|wipers?|loaders?|droppers?|downloaders?|implants?|info-?stealers?|stealers?|web\s?shells?|rootkits?|bootkits?|keyloggers?|spyware|botnets?|worms?|viruses|payloads?|tools?|tooling|toolkits?|utilities|scripts?|binaries|executables|exploits?|families|variants?|frameworks?|software|samples|components|modules|plugins|lures?)(?:\s+(?:families|family|variants?|samples|tools|and\s+tools))?$`)
	leadMalwareRe    = regexp.MustCompile(`(?i)^(?:the|a|an|custom|modified|a\s+custom|a\s+modified|variants?\s+of|versions?\s+of|new\s+versions?\s+of)\s+`)
	trailMalwareRe   = regexp.MustCompile(`(?i)\s+(?:ransomware|malware|backdoor|trojan|rat|loader|implant|dropper|downloader|stealer|infostealer|info-stealer|wiper|web\s?shell|variant|variants|family|payload|payloads|toolkit|framework|strain|encryptor)$`)
)

// malwareName cleans one entry of a malware line; ok=false with a reason
// when it names no family.
func malwareName(s string) (name, reason string, ok bool) {
	name, _ = parens(s)
	name = strings.Trim(strings.TrimSpace(name), `"'“”‘’.`)
	if name == "" || notSpecified(name) {
		return "", "a placeholder, not a family", false
	}
	if genericMalwareRe.MatchString(name) {
		return "", "a generic word, not a family name", false
	}
	for {
		n := leadMalwareRe.ReplaceAllString(name, "")
		if n == name {
			break
		}
		name = n
	}
	if t := trailMalwareRe.ReplaceAllString(name, ""); t != name && hasCapital(t) {
		name = t
	}
	if !hasCapital(name) {
		return "", "no family name (only common words)", false
	}
	if utf8.RuneCountInString(name) > 120 {
		return "", "too long for a name", false
	}
	return name, "", true
}

func hasCapital(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// ---- campaigns ----

var (
	numberedRe     = regexp.MustCompile(`^\s*\d{1,3}[.)]\s+(.*)$`)
	genericLabelRe = regexp.MustCompile(`(?i)^(?:(?:(?:first|second|third|fourth|fifth|sixth|another|next|\d+(?:st|nd|rd|th))\s+)?(attack|intrusion|incident|campaign|operation|activity|event|breach|compromise|case|wave|phase|attempt|targeting|cyberattack|victim)s?\s*(?:#|no\.?\s*)?\d*|)$`)
	targetRe       = regexp.MustCompile(`(?i)\b(?:targeted|targeting|targets|against|compromised|breached|attacked|infiltrated)\s+(.+?)(?:\.\s+[A-Z]|\.$|;|:|,\s+(?:which|where|using|via|and|leading|resulting|including)\b|\s+(?:using|via|through|by\s+exploiting|with)\s|$)`)
)

var trailingDateRe = regexp.MustCompile(`(?i)[,\s]+(?:in|during|since|from|between|around|by|on)\s+(?:(?:early|mid|late)[- ])?(?:(?:` + monthAlt + `)\.?\s+)?(?:\d{1,2},?\s+)?\d{4}.*$`)

var doubleQuotes = strings.NewReplacer(`"`, "", "“", "", "”", "")

// campaignTarget is the object of "Targeted X." in an activity item.
func campaignTarget(text string) string {
	t := doubleQuotes.Replace(text)
	m := targetRe.FindStringSubmatch(firstSentence(strings.TrimSpace(t)))
	if m == nil {
		return ""
	}
	// The date is the campaign's first_seen, not part of its name.
	target := trailingDateRe.ReplaceAllString(strings.TrimSuffix(m[1], "."), "")
	return strings.TrimSpace(target)
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

// campaignNoun is the noun a campaign named after its target ends with:
// "intrusion" for an attack, breach or compromise, "campaign" for a
// campaign, operation or wave.
func campaignNoun(label string) string {
	switch strings.ToLower(label) {
	case "campaign", "campaigns", "operation", "operations", "wave", "waves", "activity", "targeting", "phase", "attempt", "attempts":
		return "campaign"
	}
	return "intrusion"
}

// labelTargetRe reads a label that names its target: "Intrusion at a
// regional logistics company", "Breach of a water utility".
var labelTargetRe = regexp.MustCompile(`(?i)^(attack|cyberattack|intrusion|breach|compromise|incident|campaign|operation|activity|targeting|hack)s?\s+(?:at|on|of|into|against|targeting|in|at)\s+(.+)$`)

func labelTarget(label string) (noun, target string, ok bool) {
	m := labelTargetRe.FindStringSubmatch(label)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Words shortTarget drops from the start of a target: articles, vague and
// size words that do not tell one victim from another.
var vagueWords = map[string]bool{"a": true, "an": true, "the": true, "certain": true, "one": true, "some": true, "another": true,
	"unnamed": true, "unidentified": true, "unspecified": true, "undisclosed": true, "several": true, "multiple": true, "various": true,
	"large": true, "large-scale": true, "major": true, "small": true, "mid-sized": true, "medium-sized": true, "leading": true,
	"prominent": true, "well-known": true, "its": true, "their": true, "at": true, "least": true, "two": true, "three": true}

// cutWords end the head of a target: what follows places or qualifies it.
var cutWords = map[string]bool{"in": true, "at": true, "within": true, "across": true, "located": true, "based": true, "that": true,
	"which": true, "who": true, "whose": true, "where": true, "with": true, "through": true, "via": true, "using": true,
	"during": true, "for": true, "from": true, "by": true, "after": true, "since": true, "when": true, "while": true}

var industryRe = regexp.MustCompile(`(?i)(?:’s|'s|\bthe)?\s*((?:[a-z-]+\s+){0,2}?[a-z-]+)\s+(?:and\s+[a-z\s-]+?\s+)?(?:industry|industries|sector|sectors)\b`)

// shortTarget reduces a description of a victim to a name of at most five
// words: "a certain advanced material design and research unit" becomes
// "advanced material research unit"; "a large-scale high-tech enterprise
// in China's smart energy and digital information industry" becomes "smart
// energy high-tech enterprise". Written by hand: it is a few rules about
// how reports describe unnamed victims, not language understanding.
func shortTarget(s string) string {
	s = strings.Trim(strings.NewReplacer(`"`, "", "“", "", "”", "", "‘", "", "'", "'").Replace(s), " .,;:")
	ws := strings.Fields(s)
	for len(ws) > 0 && vagueWords[strings.ToLower(ws[0])] {
		ws = ws[1:]
	}
	head, rest := ws, []string(nil)
	for i, w := range ws {
		if i > 0 && (cutWords[strings.ToLower(strings.Trim(w, ",;:"))] || strings.EqualFold(w, "the")) || strings.HasSuffix(w, ",") || strings.HasSuffix(w, ";") {
			if strings.HasSuffix(w, ",") || strings.HasSuffix(w, ";") {
				head, rest = ws[:i+1], ws[i+1:]
				head[i] = strings.TrimRight(head[i], ",;")
			} else {
				head, rest = ws[:i], ws[i:]
			}
			break
		}
	}
	// "a municipal government's appliance": the owner is the victim.
	for i, w := range head[:max(len(head)-1, 0)] {
		if p, ok := possessive(w); ok {
			head = append(slices.Clone(head[:i]), p)
			break
		}
	}
	// "design and research unit": of two coordinated words, keep the second.
	for len(head) > 4 {
		i := slices.IndexFunc(head, func(w string) bool { return w == "and" || w == "&" || w == "or" })
		if i < 1 || i >= len(head)-1 {
			break
		}
		head = slices.Delete(slices.Clone(head), i-1, i+1)
	}
	if len(head) <= 2 && len(rest) > 0 {
		if m := industryRe.FindStringSubmatch(strings.Join(rest, " ")); m != nil {
			head = append(strings.Fields(m[1]), head...)
		}
	}
	if len(head) > 5 {
		head = head[len(head)-5:]
	}
	return strings.Join(head, " ")
}

// possessive strips "'s" or "’s" from a word that ends with one.
func possessive(w string) (string, bool) {
	for _, suf := range []string{"'s", "’s"} {
		if p, ok := strings.CutSuffix(w, suf); ok && p != "" {
			return p, true
		}
	}
	return w, false
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
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
