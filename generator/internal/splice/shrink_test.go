package splice

import (
	"strings"
	"testing"
)

// BenchmarkMayShrink is the check every rendered list item goes through
// (Minifier.Minify), on a matrix column of a thousand cells that the
// minifier would leave as they are: the whole item is scanned.
func BenchmarkMayShrink(b *testing.B) {
	cell := `<li class=s2><a href=../../techniques/t1059/><code>T1059</code> Command and Scripting Interpreter</a> <b>12</b></li>`
	col := []byte(`<li class=tactic><h3>Execution</h3><ol class=cells>` + strings.Repeat(cell, 1000) + `</ol></li>`)
	b.SetBytes(int64(len(col)))
	for b.Loop() {
		if mayShrink(col) {
			b.Fatal("a minified column may shrink")
		}
	}
}
