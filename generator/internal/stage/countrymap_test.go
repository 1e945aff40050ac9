package stage

import (
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// An actor's map: the countries its briefs name, each linked to its page
// with a <title> and shaded by count (the United States as its outline,
// Guam, too small for 1:110m, as a dot, drawn after the outlines); a
// country the outlines lack is in the table only; the home page maps
// every country.
func TestCountryMap(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2024, 5, d, 0, 0, 0, 0, time.UTC) }
	ix, v := testIndex(t, []brief.Brief{
		{Slug: "a", Title: "A", Date: day(3), Lists: map[string][]string{"actors": {"X"}, "countries": {"US", "GU", "XK"}}},
		{Slug: "b", Title: "B", Date: day(2), Lists: map[string][]string{"actors": {"X"}, "countries": {"US"}}},
		{Slug: "c", Title: "C", Date: day(1), Lists: map[string][]string{"countries": {"NO"}}},
	})
	site, err := Stage(ix, v, Options{Layouts: layoutsFS(t)})
	if err != nil {
		t.Fatal(err)
	}
	var p TermPage
	frontMatter(t, site, "actors/x.md", &p)
	m := p.Map
	if m == nil {
		t.Fatal("the actor's page has no map")
	}
	if m.Named != 3 || m.Missing != 1 || m.Width != 960 {
		t.Errorf("map: %d named, %d missing, %d wide; want 3, 1 (Kosovo), 960", m.Named, m.Missing, m.Width)
	}
	got := string(m.Countries)
	us := `<a href="../../countries/us/"><title>United States: 2 briefs</title><path class=s4 d="M`
	gu := `<a href="../../countries/gu/"><title>Guam: 1 brief</title><circle class=s2 cx=`
	if !strings.HasPrefix(got, us) || !strings.Contains(got, gu) || strings.Index(got, gu) < strings.Index(got, us) || strings.Contains(got, "Kosovo") || strings.Contains(got, "Norway") {
		t.Errorf("the countries drawn:\n%s", got)
	}
	rows := string(m.Rows)
	if !strings.HasPrefix(rows, `<tr><th scope=row><a href=../../countries/us/>United States</a></th><td>2</td></tr>`) || !strings.Contains(rows, `>Kosovo</a></th><td>1</td></tr>`) || strings.Count(rows, "<tr>") != 3 {
		t.Errorf("table rows: %s", rows)
	}
	var h HomePage
	frontMatter(t, site, "_index.md", &h)
	if h.Map == nil || h.Map.Named != 4 || !strings.Contains(string(h.Map.Countries), `<a href="countries/no/"><title>Norway: 1 brief</title>`) {
		t.Errorf("the home page's map: %+v", h.Map)
	}
	var c TermPage
	frontMatter(t, site, "countries/us.md", &c)
	if c.Map != nil {
		t.Error("a country's page has a map; only kinds flagged Map have")
	}
}

// The home page's overview: the matrix of the 12 months to the newest
// brief, and the table of sectors by actor, each cell the briefs naming
// both, shaded.
func TestHomeOverview(t *testing.T) {
	t.Parallel()
	ix, v := testIndex(t, []brief.Brief{
		{Slug: "a", Title: "A", Date: time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC), Lists: map[string][]string{"actors": {"X"}, "sectors": {"Energy"}, "techniques": {"T1190"}}},
		{Slug: "b", Title: "B", Date: time.Date(2023, 5, 4, 0, 0, 0, 0, time.UTC), Lists: map[string][]string{"actors": {"X", "Y"}, "sectors": {"Energy"}, "techniques": {"T1133"}}},
		{Slug: "c", Title: "C", Date: time.Date(2023, 5, 3, 0, 0, 0, 0, time.UTC), Lists: map[string][]string{"actors": {"Y"}, "sectors": {"Water"}, "techniques": {"T1078"}}},
	})
	site, err := Stage(ix, v, Options{Layouts: layoutsFS(t)})
	if err != nil {
		t.Fatal(err)
	}
	var h HomePage
	frontMatter(t, site, "_index.md", &h)
	if h.MatrixFrom != "4 May 2023" || h.Matrix == nil || h.Matrix.Briefs != 2 || strings.Contains(string(h.Matrix.Columns), "T1078") ||
		!strings.Contains(string(h.Matrix.Columns), `<a href=techniques/t1133/>`) {
		t.Errorf("the home page's matrix, from %q: %+v", h.MatrixFrom, h.Matrix)
	}
	c := h.Cross
	if c == nil || c.Title != "Sectors by actor" || len(c.Columns) != 2 || len(c.Rows) != 2 {
		t.Fatalf("the cross table: %+v", c)
	}
	// Rows: Energy (2 briefs), Water; columns: X, Y (2 each, by name).
	if c.Rows[0].Term.Name != "Energy" || c.Columns[0].Name != "X" ||
		c.Rows[0].Cells[0] != (CrossCell{2, 4}) || c.Rows[0].Cells[1] != (CrossCell{1, 2}) ||
		c.Rows[1].Cells[0] != (CrossCell{}) || c.Rows[1].Cells[1] != (CrossCell{1, 2}) {
		t.Errorf("the cross table: %+v", c)
	}
}
