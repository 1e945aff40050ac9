// Package slug turns names into URL path segments.
//
// Make accepts any text and returns lowercase ASCII letters, digits and
// single hyphens: diacritics are folded ("Türkiye" → "turkiye"), dots and
// other punctuation become hyphens ("T1059.001" → "t1059-001"), and a name
// with no Latin letters or digits at all gets a stable hash-based slug.
package slug

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Make returns the slug of s.
func Make(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// combining mark left by NFKD: drop it, keeping the base letter
		case r == '&':
			if b.Len() > 0 && !hyphen {
				b.WriteByte('-')
			}
			b.WriteString("and-")
			hyphen = true
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			hyphen = false
		case r == 'ß':
			b.WriteString("ss")
			hyphen = false
		default:
			if b.Len() > 0 && !hyphen {
				b.WriteByte('-')
				hyphen = true
			}
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 80 {
		out = strings.TrimRight(out[:80], "-")
	}
	if out == "" && strings.TrimSpace(s) != "" {
		sum := sha256.Sum256([]byte(s))
		out = "t-" + hex.EncodeToString(sum[:5])
	}
	return out
}

// FileLen is the longest file slug File makes.
const FileLen = 60

// File is a brief's file name made from its title, as `new` and `import`
// both name briefs: Make(title) cut at a word boundary to at most FileLen
// characters (mid-word only when the first word alone is longer).
func File(title string) string {
	s := Make(title)
	if len(s) <= FileLen {
		return s
	}
	s = s[:FileLen+1]
	if i := strings.LastIndexByte(s, '-'); i > 20 {
		return s[:i]
	}
	return strings.TrimRight(s[:FileLen], "-")
}
