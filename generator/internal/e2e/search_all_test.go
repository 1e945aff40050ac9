package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
)

// typeQuery replaces the search box's text with q, as typing would, and
// waits for the results of q.
func typeQuery(tb *tab, q string) []result {
	tb.t.Helper()
	eval[chromedp.Void](tb, `(i => { i.value = `+jsString(q)+`; i.dispatchEvent(new Event('input')); })(document.getElementById('search-q'))`)
	tb.waitFor(showsResultsFor(q))
	return eval[[]result](tb, readResults)
}

// briefSlugs are the slugs of the brief results, in order.
func briefSlugs(t *testing.T, got []result, ed edition) []string {
	t.Helper()
	var out []string
	for _, r := range got {
		if r.Kind != "brief" {
			continue
		}
		m := briefHref.FindStringSubmatch(r.Href)
		if m == nil || !strings.HasPrefix(r.Href, ed.root) || m[2] != ed.index {
			t.Errorf("result link %q is not a %s brief link under %s", r.Href, ed.name, ed.root)
			continue
		}
		out = append(out, m[1])
	}
	return out
}

// TestSearchFindsEveryBrief walks the example site: every brief is found
// by each of its actors, techniques (by ID, and by ID without the T), CVEs
// and indicators (as stored and defanged, and the result shows it
// defanged), on the served site and the offline edition.
func TestSearchFindsEveryBrief(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	s := exampleSites(t)
	ix := s.Result.Index

	type query struct {
		q      string
		briefs []string // each must be among the results
		shows  string   // and a result must say this in "Matched in"
	}
	var queries []query
	byTerm := func(kind string, q func(*index.Term) []string) {
		for _, tm := range ix.Terms[kind] {
			var slugs []string
			for _, e := range tm.Entries {
				slugs = append(slugs, e.Brief.Slug)
			}
			for _, text := range q(tm) {
				queries = append(queries, query{q: text, briefs: slugs})
			}
		}
	}
	byTerm("actors", func(tm *index.Term) []string { return []string{tm.Name} })
	byTerm("techniques", func(tm *index.Term) []string { return []string{tm.ID, strings.TrimPrefix(tm.ID, "T")} })
	byTerm("vulnerabilities", func(tm *index.Term) []string { return []string{tm.ID} })
	iocs := 0
	for _, e := range ix.Entries {
		for _, ioc := range e.Brief.IOCs {
			d := indicator.Defang(ioc.Type, ioc.Value)
			queries = append(queries, query{q: ioc.Value, briefs: []string{e.Brief.Slug}, shows: "indicator: " + d})
			if d != ioc.Value {
				queries = append(queries, query{q: d, briefs: []string{e.Brief.Slug}, shows: "indicator: " + d})
			}
			iocs++
		}
	}
	if iocs < 5 || len(queries) < 50 {
		t.Fatalf("the example site gives only %d queries and %d indicators; the walk would prove little", len(queries), iocs)
	}

	for _, ed := range editions(s) {
		t.Run(ed.name, func(t *testing.T) {
			tb := newTab(t)
			tb.do(chromedp.Navigate(ed.root + "search/" + ed.index))
			tb.waitFor(`document.getElementById('search-status').textContent.startsWith('Type to search')`)
			for _, q := range queries {
				got := typeQuery(tb, q.q)
				slugs := briefSlugs(t, got, ed)
				for _, want := range q.briefs {
					if !slices.Contains(slugs, want) {
						t.Errorf("%q does not find the brief %s (found %v)", q.q, want, slugs)
					}
				}
				if q.shows != "" && !slices.ContainsFunc(got, func(r result) bool { return strings.Contains(r.Matched, q.shows) }) {
					t.Errorf("%q: no result says %q", q.q, q.shows)
				}
			}
			tb.checkClean(ed.allowed...)
		})
	}
}

// TestSearchFiltersInTheURL opens a URL with a query and three filters and
// checks the briefs shown against the index; then the same filters without
// a query; then unticks a filter and sees the URL and the results follow.
func TestSearchFiltersInTheURL(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	s := exampleSites(t)
	ix := s.Result.Index

	// A query and filters the example site answers with some but not all
	// of the query's briefs: the most named technique, and a sector, a
	// country and a year of one of its briefs.
	tech := ix.Top("techniques", 1)[0]
	first := tech.Entries[len(tech.Entries)-1]
	sector, country := first.Terms["sectors"][0], first.Terms["countries"][0]
	from := first.Brief.Date.Year()
	want := func(q bool) []string {
		var out []string
		for _, e := range ix.Entries {
			if q && !slices.Contains(e.Terms["techniques"], tech) {
				continue
			}
			if slices.Contains(e.Terms["sectors"], sector) && slices.Contains(e.Terms["countries"], country) && e.Brief.Date.Year() >= from {
				out = append(out, e.Brief.Slug)
			}
		}
		return out
	}
	withQuery, without := want(true), want(false)
	if len(withQuery) == 0 || len(withQuery) == len(tech.Entries) {
		t.Fatalf("the filters leave %d of %s's %d briefs: the test would prove little", len(withQuery), tech.ID, len(tech.Entries))
	}
	params := url.Values{"sector": {sector.Slug}, "country": {country.ID}, "from": {fmt.Sprint(from)}}

	for _, ed := range editions(s) {
		t.Run(ed.name, func(t *testing.T) {
			tb := newTab(t)
			base := ed.root + "search/" + ed.index
			tb.do(chromedp.Navigate(base + "?q=" + tech.ID + "&" + params.Encode()))
			tb.waitFor(showsResultsFor(tech.ID))
			got := briefSlugs(t, eval[[]result](tb, readResults), ed)
			if slices.Sort(got); !slices.Equal(got, sorted(withQuery)) {
				t.Errorf("%s with %v shows %v, want %v", tech.ID, params, got, sorted(withQuery))
			}
			if n := eval[int](tb, `document.querySelectorAll('#search-results .result').length`); n != len(withQuery) {
				t.Errorf("with filters, %d results are shown; only the %d briefs should be", n, len(withQuery))
			}
			// The sector's filter is open, ticked, and counts the briefs.
			tb.waitFor(`document.querySelector('.facet[data-filter=sector] input[value=` + jsString(sector.Slug) + `]')`)
			box := eval[struct {
				Checked bool   `json:"checked"`
				Count   string `json:"count"`
			}](tb, `(b => ({checked: b.checked, count: b.parentElement.querySelector('.count').textContent}))(document.querySelector('.facet[data-filter=sector] input[value=`+jsString(sector.Slug)+`]'))`)
			if !box.Checked || box.Count != fmt.Sprint(len(withQuery)) {
				t.Errorf("the sector filter %s: checked %v, count %q; want checked, %d", sector.Slug, box.Checked, box.Count, len(withQuery))
			}
			if y := eval[string](tb, `document.getElementById('filter-from').value`); y != fmt.Sprint(from) {
				t.Errorf("the From year shows %q, want %d", y, from)
			}

			// The same filters without a query.
			tb.do(chromedp.Navigate(base + "?" + params.Encode()))
			tb.waitFor(`document.getElementById('search-status').textContent.includes('match the filters')`)
			got = briefSlugs(t, eval[[]result](tb, readResults), ed)
			if slices.Sort(got); !slices.Equal(got, sorted(without)) {
				t.Errorf("the filters %v alone show %v, want %v", params, got, sorted(without))
			}

			// Unticking the country: the URL and the results follow.
			tb.waitFor(`document.querySelector('.facet[data-filter=country] input[value=` + jsString(strings.ToLower(country.ID)) + `]')`)
			eval[chromedp.Void](tb, `document.querySelector('.facet[data-filter=country] input[value=`+jsString(strings.ToLower(country.ID))+`]').click()`)
			tb.waitFor(`!new URLSearchParams(location.search).has('country') && !document.getElementById('search-status').textContent.includes('country')`)
			var noCountry []string
			for _, e := range ix.Entries {
				if slices.Contains(e.Terms["sectors"], sector) && e.Brief.Date.Year() >= from {
					noCountry = append(noCountry, e.Brief.Slug)
				}
			}
			got = briefSlugs(t, eval[[]result](tb, readResults), ed)
			if slices.Sort(got); !slices.Equal(got, sorted(noCountry)) {
				t.Errorf("without the country filter: %v, want %v", got, sorted(noCountry))
			}
			tb.checkClean(ed.allowed...)
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
