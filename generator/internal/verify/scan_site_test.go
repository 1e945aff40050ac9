package verify_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/verify"
)

// On every page of the example site, the fast scanner finds exactly the
// links the HTML tokenizer finds. (The tokenizer reads <noscript> as raw
// text, as a browser with scripts on does; the links in it are the ones a
// reader without scripts follows, so the scanner checks them, and the
// comparison gives the tokenizer the <noscript> as an ordinary element.)
func TestScanMatchesTokenizerOnTheExampleSite(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: sitetest.RepoRoot(t), Destination: dest}); err != nil {
		t.Fatal(err)
	}
	pages := 0
	for name, data := range sitetest.Tree(t, dest) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		if got, want := verify.ScanLinks(data), verify.Refs(verify.NoscriptAsDiv(data)); !slices.Equal(got, want) {
			t.Errorf("%s:\nscan      %q\ntokenizer %q", name, got, want)
		}
	}
	if pages < 100 {
		t.Fatalf("only %d pages compared", pages)
	}
}
