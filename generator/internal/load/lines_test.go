package load_test

import (
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
)

// YAML parsers also break lines at U+0085, U+2028 and U+2029; positions
// must still be the lines an editor shows.
func TestLinesWithYAMLOnlyBreaks(t *testing.T) {
	t.Parallel()
	var diags diag.List
	doc, ok := load.Parse("a.md", []byte("---\ntitle: \"a\u0085b\u2028c\"\nsectors: [Energy]\n---\n"), &diags)
	if !ok {
		t.Fatal(diags.Items())
	}
	if got := doc.Pos.All()["sectors"]; got != 3 {
		t.Errorf("sectors on line %d, want 3", got)
	}
	diags = diag.List{}
	load.Parse("a.md", []byte("---\n\"\u0085*{x\u2029\ny: 1\n---\n"), &diags)
	items := diags.Items()
	if len(items) != 1 || items[0].Line < 1 || items[0].Line > 4 {
		t.Errorf("the YAML error is not placed inside the front matter: %v", items)
	}
}
