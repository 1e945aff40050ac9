package search

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// The tokenizer. assets/js/search/tokens.js has the same rules for the query
// (tokenRe, stopWords, normalize); TestTokensAgreeWithTheScript keeps the
// two in step.

// tokenRe finds tokens: catalogue IDs stay one token ("cve-2024-3400",
// "t1505.003", "1505.003"), also while half typed ("cve-2024"); everything
// else splits into runs of letters and digits.
var tokenRe = regexp.MustCompile(`(?i)cve-\d{1,4}(?:-\d*)?|t?\d{4}\.\d{0,3}|[\p{L}\p{N}]+`)

// stopWords are never indexed nor searched for.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an and are as at be by for from in is it its of on or that the this to was were with") {
		stopWords[w] = true
	}
}

var (
	cveRe = regexp.MustCompile(`^cve-\d{4}-(\d+)$`)
	ttpRe = regexp.MustCompile(`^t(\d{4}(?:\.\d{1,3})?)$`)
)

// normalize is a token as the index holds it: lower case, without
// combining accents, without trailing dots and dashes; "" for a stop word.
func normalize(tok string) string {
	t := strings.ToLower(tok)
	if hasNonASCII(t) {
		t = stripAccents(t)
	}
	t = strings.TrimRight(t, ".-")
	if stopWords[t] {
		return ""
	}
	return t
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// stripAccents removes the combining diacritical marks (U+0300 to U+036F)
// of the canonical decomposition, as the script does.
func stripAccents(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0x300 && r <= 0x36f {
			return -1
		}
		return r
	}, norm.NFD.String(s))
}

// Words returns the normalized tokens of text, in order, with repeats.
func Words(text string) []string {
	var out []string
	for _, tok := range tokenRe.FindAllString(text, -1) {
		if t := normalize(tok); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// indexWords is Words plus the other forms an ID is searched by: a CVE's
// number alone ("3400" for CVE-2024-3400) and a technique ID without its T
// ("1190", "1505.003").
func indexWords(text string) []string {
	ws := Words(text)
	for _, w := range ws {
		if m := cveRe.FindStringSubmatch(w); m != nil {
			ws = append(ws, m[1])
		} else if m := ttpRe.FindStringSubmatch(w); m != nil {
			ws = append(ws, m[1])
		}
	}
	return ws
}

// IndicatorToken is how an indicator value (refanged, as briefs store it)
// is indexed: whole, in lower case, and defanged so that no piece of the
// index holds it in a live form: every dot, colon and @ bracketed ([.],
// [:], [@]) and the scheme hxxp(s) or fxp. Unlike indicator.Defang it needs
// no type, so the page can put a query in the same form (the script's
// indicatorToken, after refanging it).
func IndicatorToken(value string) string {
	t := indicatorMarks.Replace(strings.ToLower(strings.TrimSpace(value)))
	for _, sc := range [][2]string{{"http", "hxxp"}, {"ftp", "fxp"}} {
		if strings.HasPrefix(t, sc[0]) {
			return sc[1] + t[len(sc[0]):]
		}
	}
	return t
}

var indicatorMarks = strings.NewReplacer(".", "[.]", ":", "[:]", "@", "[@]")
