package vocab

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Norm folds a name to the key it is matched by: NFKC, lower case, "&" read
// as "and", and everything but letters and digits dropped. "Healthcare &
// Public Health", "healthcare and public-health" and "HEALTHCARE AND PUBLIC
// HEALTH" share one key.
func Norm(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '&':
			b.WriteString("and")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Candidate is a name Suggest may propose, and what to call it when it does.
type Candidate struct {
	Name      string
	Canonical string
}

// Suggest returns the canonical name of the candidate nearest to s: one
// whose words s contains, or within a small edit distance of s. Edit distance
// alone misses "Healthcare & Public Health" → "Healthcare", and word overlap
// alone misses typos, so both are tried; no fuzzy-matching library handles
// this two-step rule on normalized keys, hence this small function.
func Suggest(s string, cands []Candidate) (string, bool) {
	key := Norm(s)
	if key == "" {
		return "", false
	}
	best, bestDist := "", 1<<30
	limit := max(2, len(key)/4)
	for _, c := range cands {
		d := Levenshtein(key, Norm(c.Name))
		if d < bestDist {
			best, bestDist = c.Canonical, d
		}
	}
	if bestDist <= limit {
		return best, true
	}
	// Word containment: the longest candidate whose words all appear in s.
	words := strings.Fields(strings.ToLower(strings.NewReplacer("&", " ", "-", " ", ",", " ", "/", " ", "(", " ", ")", " ").Replace(s)))
	set := map[string]bool{}
	for _, w := range words {
		set[Norm(w)] = true
	}
	bestLen := 0
	for _, c := range cands {
		cw := strings.Fields(strings.ToLower(strings.NewReplacer("&", " ", "-", " ").Replace(c.Name)))
		if len(cw) == 0 {
			continue
		}
		all := true
		for _, w := range cw {
			if !set[Norm(w)] {
				all = false
				break
			}
		}
		if all && len(Norm(c.Name)) > bestLen && len(Norm(c.Name)) >= 3 {
			best, bestLen = c.Canonical, len(Norm(c.Name))
		}
	}
	return best, bestLen > 0
}

// Levenshtein is the edit distance between two strings, by rune.
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
