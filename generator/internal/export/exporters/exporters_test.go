package exporters_test

import (
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporters"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/search"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// Every export a page links (export.ForBrief, ForTerm, TermFeeds, and the
// site-wide files the home page links) is written by one of the exporters,
// and no two exporters write the same file (exporttest.Export fails then).
func TestEveryLinkedExportIsWritten(t *testing.T) {
	t.Parallel()
	for name, s := range exporttest.Libraries(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			files := exporttest.Export(t, s, exporters.All()...)
			want := []string{export.SiteSTIX, export.BriefsJSON, export.BriefsCSV, search.MetaPath}
			for _, e := range s.Index.Entries {
				for _, f := range export.ForBrief(e) {
					want = append(want, f.Path)
				}
			}
			for _, k := range s.Index.Kinds {
				for _, term := range s.Index.Terms[k.Name] {
					for _, f := range append(export.ForTerm(term), export.TermFeeds(term)...) {
						want = append(want, f.Path)
					}
				}
			}
			for _, p := range want {
				if files[p] == nil {
					t.Errorf("%s is linked and not written", p)
				}
			}
			if len(want) < 40 {
				t.Errorf("only %d exports checked", len(want))
			}
		})
	}
}

// Two runs over the same content write the same bytes.
func TestExportsAreReproducible(t *testing.T) {
	t.Parallel()
	a := exporttest.Export(t, exporttest.Fixture(t, ""), exporters.All()...)
	b := exporttest.Export(t, exporttest.Fixture(t, ""), exporters.All()...)
	if d := sitetest.SameTree(a, b); d != "" {
		t.Errorf("two runs differ: %s", d)
	}
	if len(a) < 40 {
		t.Errorf("only %d files compared", len(a))
	}
}
