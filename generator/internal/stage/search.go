package stage

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// searchPage is the search page (/search/, layouts/search/section.html). Its
// script loads the pieces of the index the search package writes in
// post-processing.
func searchPage(ix *index.Index) *SearchPage {
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
		Browse:      kindLinks(ix, func(k taxonomy.Kind) bool { return k.Nav }),
		Filters:     filters,
		Years:       years,
		TLPs:        labels,
		Outputs:     []string{"html"},
	}
}
