package resolve

import (
	"math/rand/v2"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// The banded edit distance agrees with the full one wherever it is within
// the limit, and says limit+1 wherever it is not.
func TestBoundedLevenshtein(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]rune, r.IntN(12))
		for i := range b {
			b[i] = []rune("abcdé")[r.IntN(5)]
		}
		return string(b)
	}
	for range 20000 {
		a, b := word(), word()
		limit := r.IntN(4)
		want := min(vocab.Levenshtein(a, b), limit+1)
		if got := boundedLevenshtein([]rune(a), []rune(b), limit); got != want {
			t.Fatalf("boundedLevenshtein(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
		}
	}
}
