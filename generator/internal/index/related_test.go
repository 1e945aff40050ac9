package index_test

import (
	"slices"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

func build(t *testing.T, briefs []brief.Brief) *index.Index {
	t.Helper()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, diags := resolve.New(v, nil)
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	return index.Build(briefs, r, taxonomy.Kinds())
}

func day(n int) time.Time { return time.Date(2024, 1, n, 0, 0, 0, 0, time.UTC) }

// relatedSlugs returns the related briefs of each brief, by slug.
func relatedSlugs(ix *index.Index, o index.RelatedOptions) map[string][]string {
	out := map[string][]string{}
	for i, rel := range ix.Related(o) {
		var s []string
		for _, e := range rel {
			s = append(s, e.Brief.Slug)
		}
		out[ix.Entries[i].Brief.Slug] = s
	}
	return out
}

func TestRelatedRanksBySharedTerms(t *testing.T) {
	t.Parallel()
	ix := build(t, []brief.Brief{
		{Slug: "a", Date: day(1), Lists: map[string][]string{"actors": {"Alpha Crew"}, "techniques": {"T1190", "T1059"}}},
		// Shares the actor with a: 100.
		{Slug: "b", Date: day(2), Lists: map[string][]string{"actors": {"Alpha Crew"}}},
		// Shares two techniques with a: 20, just enough.
		{Slug: "c", Date: day(3), Lists: map[string][]string{"techniques": {"T1190", "T1059"}}},
		// Shares one technique with a: 10, not enough.
		{Slug: "d", Date: day(4), Lists: map[string][]string{"techniques": {"T1190"}}},
		// Shares malware with e: 70; newer than b, so ahead of it at equal score.
		{Slug: "e", Date: day(5), Lists: map[string][]string{"actors": {"Alpha Crew"}, "malware": {"Zeta"}}},
		{Slug: "f", Date: day(6), Lists: map[string][]string{"malware": {"Zeta"}}},
		// Shares sectors and countries with everyone: they do not count.
		{Slug: "g", Date: day(7), Lists: map[string][]string{"sectors": {"Energy"}, "countries": {"US"}}},
	})
	o := index.DefaultRelated()
	got := relatedSlugs(ix, o)
	if !slices.Equal(got["a"], []string{"e", "b", "c"}) {
		t.Errorf("a: related %v, want [e b c]", got["a"])
	}
	if !slices.Equal(got["e"], []string{"b", "a", "f"}) {
		t.Errorf("e: related %v, want [b a f] (actor 100 twice, newest first, then malware 70)", got["e"])
	}
	if !slices.Equal(got["c"], []string{"a"}) {
		t.Errorf("c: related %v, want [a] (d shares one technique only)", got["c"])
	}
	if len(got["g"]) != 0 {
		t.Errorf("g: related %v, want none (sectors and countries do not count)", got["g"])
	}
	for s, rel := range got {
		if slices.Contains(rel, s) {
			t.Errorf("%s lists itself", s)
		}
	}

	o.Count = 1
	if got := relatedSlugs(ix, o)["a"]; !slices.Equal(got, []string{"e"}) {
		t.Errorf("Count 1: a's related %v, want [e]", got)
	}
	o.Count = 0
	if got := relatedSlugs(ix, o)["a"]; len(got) != 0 {
		t.Errorf("Count 0: a's related %v, want none", got)
	}
}

// A term named by more than Cap briefs does not relate them.
func TestRelatedIgnoresCommonTerms(t *testing.T) {
	t.Parallel()
	var briefs []brief.Brief
	for i := range 5 {
		briefs = append(briefs, brief.Brief{Slug: string(rune('a' + i)), Date: day(i + 1), Lists: map[string][]string{"actors": {"Common"}}})
	}
	ix := build(t, briefs)
	o := index.DefaultRelated()
	o.Cap = 5
	if got := relatedSlugs(ix, o)["a"]; len(got) != 4 {
		t.Errorf("cap 5: a's related %v, want the other 4", got)
	}
	o.Cap = 4
	if got := relatedSlugs(ix, o)["a"]; len(got) != 0 {
		t.Errorf("cap 4: a's related %v, want none (the actor is named by 5 briefs)", got)
	}
}
