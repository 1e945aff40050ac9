package stage

import (
	"fmt"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// searchPage is the search page (/search/, layouts/search/section.html). Its
// script indexes search/index.js, which the search package writes in
// post-processing.
func searchPage(ix *index.Index) *SearchPage {
	terms := 0
	for _, k := range ix.Kinds {
		terms += len(ix.Terms[k.Name])
	}
	// Examples a reader can click, taken from what is published.
	var examples []string
	for _, kind := range []string{"actors", "techniques", "vulnerabilities", "sectors"} {
		if top := ix.Top(kind, 1); len(top) > 0 {
			ex := top[0].Name
			if top[0].ID != "" && kind != "sectors" {
				ex = top[0].ID
			}
			examples = append(examples, ex)
		}
	}
	return &SearchPage{
		Title:       "Search",
		Type:        "search",
		Description: fmt.Sprintf("Search %d briefs and %d terms by title, summary, actor or synonym, technique, CVE, sector, country or malware.", len(ix.Entries), terms),
		Examples:    examples,
		Outputs:     []string{"html"},
	}
}
