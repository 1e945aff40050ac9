package resolve_test

import (
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// BenchmarkResolveNewName measures the first resolution of a name no one
// has used (every later one is memoized): the exact, loose and near-miss
// lookups over ATT&CK's ~2,500 actor and malware names. Run with -benchmem.
func BenchmarkResolveNewName(b *testing.B) {
	v, err := vocab.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, kindName := range []string{"actors", "malware"} {
		k, _ := taxonomy.Kinds().Lookup(kindName)
		b.Run(kindName, func(b *testing.B) {
			r, _ := resolve.New(v, nil)
			i := 0
			for b.Loop() {
				// Distinct names without digits (digits rule most known
				// names out at once), so the memo never answers.
				r.Resolve(k, "Koravel "+letters(i))
				i++
			}
		})
	}
}

// letters spells i in the letters a-z: 0 "a", 25 "z", 26 "ba".
func letters(i int) string {
	s := string(rune('a' + i%26))
	for i /= 26; i > 0; i /= 26 {
		s = string(rune('a'+i%26)) + s
	}
	return s
}

// BenchmarkNew measures building a resolver: indexing every known name.
func BenchmarkNew(b *testing.B) {
	v, err := vocab.Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		resolve.New(v, nil)
	}
}
