package stage

import (
	"fmt"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// The search page and the briefs list offer the filters of the kinds with
// a Filter parameter, the years briefs are dated with their counts, and
// the terms as the search page names them in the URL.
func TestFiltersOfTheSearchPageAndBriefsList(t *testing.T) {
	t.Parallel()
	day := func(y int) time.Time { return time.Date(y, 5, 2, 0, 0, 0, 0, time.UTC) }
	ix, _ := testIndex(t, []brief.Brief{
		{Slug: "a", Title: "A", Date: day(2024), TLP: brief.TLPClear, Lists: map[string][]string{"sectors": {"Healthcare"}, "countries": {"DE"}, "techniques": {"T1190"}}},
		{Slug: "b", Title: "B", Date: day(2024), TLP: brief.TLPGreen, Lists: map[string][]string{"sectors": {"Healthcare", "Energy"}}},
		{Slug: "c", Title: "C", Date: day(2022), TLP: brief.TLPClear, Lists: map[string][]string{"sectors": {"Energy"}}},
	})

	s := searchPage(ix, "")
	var params []string
	for _, f := range s.Filters {
		params = append(params, f.Param)
	}
	if got := fmt.Sprint(params, s.Years, s.TLPs); got != "[actor sector country technique malware] [2024 2022] [clear green]" {
		t.Errorf("search page filters, years, TLPs: %s", got)
	}

	b := briefsPage(ix)
	if got := fmt.Sprint(b.Years); got != "[{2024 2024 2} {2022 2022 1}]" {
		t.Errorf("briefs list years: %s", got)
	}
	got := map[string]string{}
	for _, f := range b.Filters {
		got[f.Param] = fmt.Sprint(f.Values)
	}
	for param, want := range map[string]string{
		"sector":    "[{energy Energy 2} {healthcare Healthcare 2}]",
		"country":   "[{DE Germany 1}]",
		"technique": "[{T1190 T1190 Exploit Public-Facing Application 1}]",
	} {
		if got[param] != want {
			t.Errorf("briefs list filter %s: %s, want %s", param, got[param], want)
		}
	}
	if _, ok := got["actor"]; ok {
		t.Error("the briefs list offers an actor filter though no brief names an actor")
	}
}
