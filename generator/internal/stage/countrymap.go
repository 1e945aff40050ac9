package stage

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/worldmap"
)

// Victim-country maps: the countries a page's briefs name, shaded by how
// many of them do, over the outline of every country. The outlines of all
// countries are one shared image (assets/images/world.svg, package
// worldmap), which every page references rather than repeats; a page
// carries, in an inline SVG laid over it, only the outlines of the
// countries it names, each a link to the country's page with a <title>
// ("Norway: 3 briefs"). (An SVG <use> of a shared file would repeat
// nothing, but Chromium does not load it from file://, where the offline
// edition is read; an <img> loads from anywhere.) The same numbers are a
// table.

// CountryMap is a choropleth of the countries a page's briefs name
// (layouts/_partials/map.html).
type CountryMap struct {
	Width, Height int           // the plane (the viewBox of the shared outlines)
	Countries     template.HTML // pre-rendered highlighted countries (items/map-country.html)
	Rows          template.HTML // pre-rendered table rows, most named first (items/map-row.html)
	Named         int           // countries named
	Missing       int           // of those, how many the outlines do not have
	Legend        []Shade
}

// MapCountry is one country of a map: its shape, link and count.
type MapCountry struct {
	Code, Name, URL string
	Count           int
	Title           string // "Norway: 3 briefs"
	Step            int    // its shade, 1 to 4
	Path            string // its outline; "" for a dot or a country the outlines lack
	Dot             bool   // drawn as a dot at X, Y
	X, Y            int
}

// countryMap draws the countries of counts (a country term and the briefs
// naming it), or returns nil when there are none.
func (s *stager) countryMap(l *lists, counts []index.Count) *CountryMap {
	if len(counts) == 0 || s.world == nil {
		return nil
	}
	m := &CountryMap{Width: s.world.Width, Height: s.world.Height, Named: len(counts)}
	most := 0
	for _, c := range counts {
		most = max(most, c.N)
	}
	m.Legend = legend(most)
	rows := make([]MapCountry, len(counts))
	var drawn []MapCountry
	for i, c := range counts {
		r := MapCountry{Code: c.Term.ID, Name: c.Term.Name, URL: s.rel(c.Term.URL), Count: c.N, Step: step(c.N, most),
			Title: fmt.Sprintf("%s: %d brief%s", c.Term.Name, c.N, plural(c.N))}
		if sh, ok := s.world.Shape(c.Term.ID); ok {
			r.Path, r.X, r.Y, r.Dot = sh.Path, sh.X, sh.Y, sh.Path == ""
			drawn = append(drawn, r)
		} else {
			m.Missing++
		}
		rows[i] = r
	}
	// Dots after outlines, so a small country is never hidden under a
	// large neighbour.
	slices.SortStableFunc(drawn, func(a, b MapCountry) int {
		return cmp.Compare(boolInt(a.Dot), boolInt(b.Dot))
	})
	m.Countries = render(l, itemMapCountry, nil, drawn)
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b MapCountry) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name)) })
	for i := range rows {
		rows[i].Path = "" // the table needs no outline
	}
	m.Rows = render(l, itemMapRow, nil, rows)
	return m
}

// termCountries is the countries named with a term, with counts.
func (s *stager) termCountries(t *index.Term) []index.Count {
	k, ok := s.ix.Kinds.Resolving(taxonomy.ByCountry)
	if !ok {
		return nil
	}
	return t.Cooc[k.Name]
}

// allCountries is every country briefs name, with the briefs naming it.
func (s *stager) allCountries() []index.Count {
	k, ok := s.ix.Kinds.Resolving(taxonomy.ByCountry)
	if !ok {
		return nil
	}
	var out []index.Count
	for _, t := range s.ix.Terms[k.Name] {
		out = append(out, index.Count{Term: t, N: len(t.Entries)})
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// loadWorld reads the country outlines.
func loadWorld() (*worldmap.Map, error) { return worldmap.Load() }
