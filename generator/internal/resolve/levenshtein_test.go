package resolve

import (
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// The banded edit distance agrees with the full one wherever it is within
// the limit, and says limit+1 wherever it is not; and the character-set
// test never rules out a pair within the limit.
func TestBoundedLevenshtein(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]rune, r.IntN(12))
		for i := range b {
			b[i] = []rune("abcdeé19")[r.IntN(8)]
		}
		return string(b)
	}
	var rows [2][]int
	for range 20000 {
		a, b := word(), word()
		limit := r.IntN(4)
		want := min(vocab.Levenshtein(a, b), limit+1)
		if got := boundedLevenshtein([]rune(a), []rune(b), limit, &rows); got != want {
			t.Fatalf("boundedLevenshtein(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
		}
		if d := vocab.Levenshtein(a, b); d <= limit && bits.OnesCount64(charSet([]rune(a))^charSet([]rune(b))) > 2*d {
			t.Fatalf("charSet rules out %q and %q, %d edits apart", a, b, d)
		}
	}
}
