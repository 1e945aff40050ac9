package e2e

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// result is one search result as the page shows it.
type result struct {
	Kind    string `json:"kind"`
	Href    string `json:"href"`
	Title   string `json:"title"`
	Matched string `json:"matched"`
}

// readResults reads the results shown, once the page of them is complete:
// the page puts the first screen in place and says how many there are
// before the rest of the page's pieces have arrived, and keeps the list
// aria-busy until they have (resultsComplete).
const readResults = `new Promise(done => (function poll() {
  if (!(` + resultsComplete + `)) return setTimeout(poll, 10);
  done([...document.querySelectorAll('#search-results .result')].map(li => ({
    kind: li.querySelector('.result-kind').textContent,
    href: li.querySelector('h2 a').href,
    title: li.querySelector('h2 a').textContent,
    matched: (li.querySelector('.matched') || {textContent: ''}).textContent,
  })));
})())`

// resultsComplete is a JavaScript condition: the page of results is
// complete, not being filled in.
const resultsComplete = `document.getElementById('search-results').getAttribute('aria-busy') !== 'true'`

var briefHref = regexp.MustCompile(`/briefs/([^/]+)/(index\.html)?$`)

// edition is one way of opening the site: its root URL, how a link to a
// page ends ("" served, "index.html" offline) and which requests are fine.
type edition struct {
	name    string
	root    string
	index   string
	allowed []string
}

func editions(s *sites) []edition {
	return []edition{
		{name: "served", root: s.URL, index: "", allowed: []string{s.URL}},
		{name: "offline", root: s.OfflineURL, index: "index.html", allowed: []string{"file://"}},
	}
}

// TestSearchInTheBrowser searches the example site for an actor synonym, a
// technique ID and a CVE, on the served site and on the offline edition,
// and checks the results against the index; then clicks a result, a term
// link, goes back, and uses the header's search form. No page may report an
// error or make a request outside its origin (offline: outside file://).
func TestSearchInTheBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t) // skip (or, under CI, fail) before building anything
	s := exampleSites(t)
	ix := s.Result.Index

	volt := termWithSynonym(t, ix, "actors", "Vanguard Panda")
	tech := term(t, ix, "techniques", "T1190")
	cve := term(t, ix, "vulnerabilities", "CVE-2023-46805")

	for _, ed := range editions(s) {
		t.Run(ed.name, func(t *testing.T) {
			tb := newTab(t)
			searchURL := ed.root + "search/" + ed.index

			// An actor synonym finds the actor and exactly its briefs.
			got := searchFor(tb, searchURL, "Vanguard Panda")
			checkBriefs(t, "Vanguard Panda", got, volt, ed)
			if got[0].Title != volt.Name || got[0].Kind != "actor" {
				t.Errorf("Vanguard Panda: first result is %s %q, want the actor %s", got[0].Kind, got[0].Title, volt.Name)
			}
			if !strings.Contains(got[0].Matched, "Vanguard Panda") {
				t.Errorf("Vanguard Panda: the actor result does not show the matching synonym: %q", got[0].Matched)
			}

			// A technique ID: the technique first, then its briefs.
			got = searchFor(tb, searchURL, "T1190")
			checkBriefs(t, "T1190", got, tech, ed)
			if !strings.HasPrefix(got[0].Title, "T1190") || got[0].Kind != "technique" {
				t.Errorf("T1190: first result is %s %q, want the technique", got[0].Kind, got[0].Title)
			}

			// A CVE ID.
			got = searchFor(tb, searchURL, cve.ID)
			checkBriefs(t, cve.ID, got, cve, ed)

			// Typing: the last word matches as a prefix, and the URL follows.
			eval[chromedp.Void](tb, `document.getElementById('search-q').value = ''`)
			tb.do(chromedp.SendKeys(chromedp.CSS("#search-q"), "vanguard pan"))
			tb.waitFor(showsResultsFor("vanguard pan"))
			checkBriefs(t, "vanguard pan", eval[[]result](tb, readResults), volt, ed)
			if q := eval[string](tb, `new URLSearchParams(location.search).get('q')`); q != "vanguard pan" {
				t.Errorf("after typing, the URL's q is %q, want %q", q, "vanguard pan")
			}

			// Follow a result to the brief, a term link to the actor, and back.
			brief := volt.Entries[0]
			briefURL := ed.root + strings.TrimPrefix(brief.URL, "/") + ed.index
			actorURL := ed.root + strings.TrimPrefix(volt.URL, "/") + ed.index
			tb.do(chromedp.Click(chromedp.CSS(`#search-results a[href$="` + strings.TrimPrefix(brief.URL, "/") + ed.index + `"]`)))
			tb.waitFor(`location.href === ` + jsString(briefURL) + ` && document.readyState === 'complete'`)
			if h1 := eval[string](tb, `document.querySelector('h1').textContent`); h1 != brief.Brief.Title {
				t.Errorf("the result led to a page titled %q, want %q", h1, brief.Brief.Title)
			}
			tb.do(chromedp.Click(chromedp.CSS(`.facts a[href$="` + strings.TrimPrefix(volt.URL, "/") + ed.index + `"]`)))
			tb.waitFor(`location.href === ` + jsString(actorURL) + ` && document.readyState === 'complete'`)
			if h1 := eval[string](tb, `document.querySelector('h1').textContent`); !strings.Contains(h1, volt.Name) {
				t.Errorf("the term link led to a page titled %q, want %q", h1, volt.Name)
			}
			// history.back(), not chromedp.NavigateBack: a page restored from
			// the back/forward cache fires no load event to wait for. It is
			// scheduled rather than called, so that the evaluation returns
			// before the navigation tears its context down (a direct call
			// races: "Inspected target navigated or closed").
			eval[chromedp.Void](tb, `setTimeout(() => history.back(), 0)`)
			tb.waitFor(`location.href === ` + jsString(briefURL) + ` && document.readyState === 'complete'`)
			if h1 := eval[string](tb, `document.querySelector('h1').textContent`); h1 != brief.Brief.Title {
				t.Errorf("back led to a page titled %q, want %q", h1, brief.Brief.Title)
			}

			// The header's search box is a plain form to the search page.
			// (A fresh load: chromedp's DOM queries do not see a page the
			// back/forward cache restored.)
			tb.do(chromedp.Navigate(briefURL))
			tb.do(chromedp.SendKeys(chromedp.CSS("#site-search-q"), "T1190"), chromedp.Submit(chromedp.CSS("#site-search-q")))
			tb.waitFor(`location.pathname.endsWith('/search/` + ed.index + `') && ` + showsResultsFor("T1190"))
			checkBriefs(t, "header form T1190", eval[[]result](tb, readResults), tech, ed)

			// Every page carries the offline banner offline, and only there.
			banner := eval[string](tb, `(document.querySelector('.edition.offline') || {textContent: ''}).textContent`)
			if ed.name == "offline" && banner != s.Edition.Banner()+"." {
				t.Errorf("offline banner is %q, want %q", banner, s.Edition.Banner()+".")
			}
			if ed.name == "served" && banner != "" {
				t.Errorf("the served site carries an offline banner: %q", banner)
			}
			tb.checkClean(ed.allowed...)
		})
	}
}

// TestSearchTyposInTheFirstTwoLetters: a word with a typo in its first two
// letters (a wrong one, a missing one, one too many, the two swapped),
// which no word of the index matches exactly, finds the briefs the word
// finds, and the page says it shows close spellings; opened with ?q= and
// typed, served and offline.
func TestSearchTyposInTheFirstTwoLetters(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	s := exampleSites(t)
	volt := termWithSynonym(t, s.Result.Index, "actors", "Vanguard Panda")
	const closeSpellings = "no exact match, showing close spellings"
	for _, ed := range editions(s) {
		t.Run(ed.name, func(t *testing.T) {
			tb := newTab(t)
			searchURL := ed.root + "search/" + ed.index
			exact := searchFor(tb, searchURL, "vanguard")
			checkBriefs(t, "vanguard", exact, volt, ed)
			want := briefSlugs(t, exact, ed)
			if st := eval[string](tb, `document.getElementById('search-status').textContent`); strings.Contains(st, closeSpellings) {
				t.Fatalf("vanguard: the status says %q, not an exact match", st)
			}
			check := func(q string, got []result) {
				t.Helper()
				if slugs := briefSlugs(t, got, ed); !slices.Equal(slugs, want) {
					t.Errorf("%q found briefs %v, want those of vanguard: %v", q, slugs, want)
				}
				if !slices.ContainsFunc(got, func(r result) bool { return r.Kind == "actor" && r.Title == volt.Name }) {
					t.Errorf("%q does not find the actor %s", q, volt.Name)
				}
				if st := eval[string](tb, `document.getElementById('search-status').textContent`); !strings.Contains(st, closeSpellings) {
					t.Errorf("%q: the status says %q, not that it shows close spellings", q, st)
				}
			}
			check("xanguard", searchFor(tb, searchURL, "xanguard")) // the first letter wrong
			for _, q := range []string{
				"vbnguard",  // the second
				"anguard",   // the first missing
				"vnguard",   // the second
				"svanguard", // one too many, first
				"vsanguard", // second
				"avnguard",  // the two swapped
			} {
				check(q, typeQuery(tb, q))
			}
			tb.checkClean(ed.allowed...)
		})
	}
}

// searchFor opens the search page with ?q= and returns what it shows.
func searchFor(tb *tab, searchURL, q string) []result {
	tb.t.Helper()
	tb.do(chromedp.Navigate(searchURL + "?q=" + url.QueryEscape(q)))
	tb.waitFor(showsResultsFor(q))
	got := eval[[]result](tb, readResults)
	if len(got) == 0 {
		tb.t.Fatalf("searching %q found nothing; status: %s", q, eval[string](tb, `document.getElementById('search-status').textContent`))
	}
	if v := eval[string](tb, `document.getElementById('search-q').value`); v != q {
		tb.t.Errorf("the search box shows %q after loading ?q=%s", v, q)
	}
	return got
}

// checkBriefs asserts that the brief results are exactly the briefs naming
// the term, each linked the way the edition links pages.
func checkBriefs(t *testing.T, q string, got []result, want *index.Term, ed edition) {
	t.Helper()
	var slugs []string
	for _, r := range got {
		if r.Kind != "brief" {
			continue
		}
		m := briefHref.FindStringSubmatch(r.Href)
		if m == nil || !strings.HasPrefix(r.Href, ed.root) || m[2] != ed.index {
			t.Errorf("%s: result link %q is not a %s brief link under %s", q, r.Href, ed.name, ed.root)
			continue
		}
		slugs = append(slugs, m[1])
	}
	var wantSlugs []string
	for _, e := range want.Entries {
		wantSlugs = append(wantSlugs, e.Brief.Slug)
	}
	slices.Sort(slugs)
	slices.Sort(wantSlugs)
	if len(wantSlugs) == 0 {
		t.Fatalf("%s: the example site has no brief naming %s; the test would prove nothing", q, want.Name)
	}
	if !slices.Equal(slugs, wantSlugs) {
		t.Errorf("%s: found briefs %v, want the briefs naming %s: %v", q, slugs, want.Name, wantSlugs)
	}
}

// showsResultsFor is a JavaScript condition: the page shows the complete
// results for q: the status names q and the page of results is complete.
func showsResultsFor(q string) string {
	return `(s => s.includes(` + jsString("“"+q+"”") + `) && !s.includes('Still indexing'))(document.getElementById('search-status').textContent) && ` + resultsComplete
}

func term(t *testing.T, ix *index.Index, kind, id string) *index.Term {
	t.Helper()
	for _, tm := range ix.Terms[kind] {
		if tm.ID == id || tm.Name == id {
			return tm
		}
	}
	t.Fatalf("the example site has no %s %s", kind, id)
	return nil
}

func termWithSynonym(t *testing.T, ix *index.Index, kind, synonym string) *index.Term {
	t.Helper()
	for _, tm := range ix.Terms[kind] {
		if tm.Profile == nil {
			continue
		}
		for _, s := range tm.Profile.Synonyms {
			if s.Name == synonym {
				return tm
			}
		}
	}
	t.Fatalf("no %s profile in the example site has the synonym %q", kind, synonym)
	return nil
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
