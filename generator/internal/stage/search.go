package stage

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// searchPage is the search page (/search/, layouts/search/section.html). Its
// script loads the pieces of the index the search package writes in
// post-processing.
func searchPage(ix *index.Index, dirIndex string) *SearchPage {
	terms := 0
	for _, k := range ix.Kinds {
		terms += len(ix.Terms[k.Name])
	}
	// Examples a reader can click, taken from what is published: the most
	// named term of each kind that has one, by its ID where pages show it.
	var kinds []taxonomy.Kind
	for _, k := range ix.Kinds {
		if k.SearchExample > 0 {
			kinds = append(kinds, k)
		}
	}
	slices.SortStableFunc(kinds, func(a, b taxonomy.Kind) int { return cmp.Compare(a.SearchExample, b.SearchExample) })
	var examples []string
	for _, k := range kinds {
		if top := ix.Top(k.Name, 1); len(top) > 0 {
			ex := top[0].Name
			if k.IDs == taxonomy.IDShown && top[0].ID != "" {
				ex = top[0].ID
			}
			examples = append(examples, ex)
		}
	}
	var filters []SearchFilter
	for _, k := range ix.Kinds {
		if k.Filter != "" {
			filters = append(filters, SearchFilter{Param: k.Filter, Kind: k.Name, Title: k.Title})
		}
	}
	var years []int
	tlps := map[brief.TLP]bool{}
	for _, e := range ix.Entries { // newest first
		if y := e.Brief.Date.Year(); len(years) == 0 || years[len(years)-1] != y {
			years = append(years, y)
		}
		tlps[e.Brief.TLP] = true
	}
	var labels []string
	for _, l := range brief.TLPLevels() {
		if tlps[l] {
			labels = append(labels, string(l))
		}
	}
	return &SearchPage{
		Title:       "Search",
		Type:        "search",
		Description: fmt.Sprintf("Search %d briefs and %d terms by title, summary, actor or synonym, technique, CVE, sector, country, malware or indicator.", len(ix.Entries), terms),
		Examples:    examples,
		Browse:      kindLinks(ix, dirIndex, func(k taxonomy.Kind) bool { return k.Nav }),
		Filters:     filters,
		Years:       years,
		TLPs:        labels,
		Outputs:     []string{"html"},
	}
}

// briefsFilterValues is how many of a kind's terms the briefs list's
// filter form offers: the most named; the search page offers them all.
const briefsFilterValues = 15

// briefsPage is the list of all briefs (layouts/briefs/section.html), with
// a form that opens the search page filtered.
func briefsPage(ix *index.Index) *BriefsPage {
	p := &BriefsPage{
		Title:       "Briefs",
		Description: fmt.Sprintf("All %d published briefs, newest first.", len(ix.Entries)),
		Count:       len(ix.Entries),
	}
	for _, e := range ix.Entries { // newest first
		y := strconv.Itoa(e.Brief.Date.Year())
		if n := len(p.Years); n > 0 && p.Years[n-1].Value == y {
			p.Years[n-1].Count++
		} else {
			p.Years = append(p.Years, FilterValue{Value: y, Name: y, Count: 1})
		}
	}
	for _, k := range ix.Kinds {
		if k.Filter == "" {
			continue
		}
		f := BriefsFilter{Param: k.Filter, Title: k.Title}
		for _, t := range ix.Top(k.Name, briefsFilterValues) {
			v := t.Slug // as the search page names it: the ID where it differs from the name
			if t.ID != "" && t.ID != t.Name {
				v = t.ID
			}
			name := t.Name
			if k.IDs == taxonomy.IDShown && t.ID != "" && t.ID != t.Name {
				name = t.ID + " " + t.Name
			}
			f.Values = append(f.Values, FilterValue{Value: v, Name: name, Count: len(t.Entries)})
		}
		if len(f.Values) > 0 {
			p.Filters = append(p.Filters, f)
		}
	}
	return p
}
