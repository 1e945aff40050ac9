package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// What a reader sees of a page's views, read in the browser.
type views struct {
	Tactics []string `json:"tactics"` // the matrix's column headings, in order
	Cells   []cell   `json:"cells"`   // its technique and sub-technique cells
	Legend  []string `json:"legend"`
	// FullLink is where the matrix's "Full matrix" link leads.
	FullLink string `json:"fullLink"`
	// The matrix scrolls inside its box, not the page.
	MatrixScrolls bool      `json:"matrixScrolls"`
	HintShown     bool      `json:"hintShown"`
	Countries     []country `json:"countries"`   // the map's linked countries
	WorldLoaded   bool      `json:"worldLoaded"` // the shared outlines drew
	MapTable      []string  `json:"mapTable"`    // "United States 1"
	Bars          []string  `json:"bars"`        // the activity bars' <title>s
	BarNumbers    []string  `json:"barNumbers"`  // the numbers written above them
	FactsLine     string    `json:"factsLine"`
	// The campaign bars, and whether the chart fits its box.
	Campaigns    []campaignBar `json:"campaigns"`
	CampaignsFit bool          `json:"campaignsFit"`
	// The page is no wider than the window.
	PageWidth   int `json:"pageWidth"`
	WindowWidth int `json:"windowWidth"`
	// A brief's indicators and terms: the table fits its box, the longest
	// value takes how many lines, and where the terms are.
	IOCOverflow bool    `json:"iocOverflow"`
	IOCLines    float64 `json:"iocLines"`
	FactsFirst  bool    `json:"factsFirst"`  // the terms are above the body
	FactsBeside bool    `json:"factsBeside"` // the terms are right of the body
}

type cell struct {
	Text   string `json:"text"`   // "T1190 Exploit Public-Facing Application 1"
	Href   string `json:"href"`   // its link, "" for a parent named only through a sub-technique
	Shaded bool   `json:"shaded"` // its background is not the page's
	Count  string `json:"count"`  // the number it shows, "" for none
}

// A campaign's bar as drawn: its <title>, its name's link, and whether
// the bar and its name lie inside the chart.
type campaignBar struct {
	Title  string  `json:"title"`
	Name   string  `json:"name"`
	Href   string  `json:"href"`
	Inside bool    `json:"inside"`
	Width  float64 `json:"width"` // the bar's width in CSS pixels
}

type country struct {
	Href  string `json:"href"`
	Title string `json:"title"`
	Fill  string `json:"fill"`
}

const readViews = `(() => {
  const bg = getComputedStyle(document.querySelector('.matrix-scroll') || document.body).backgroundColor;
  const sc = document.querySelector('.matrix-scroll');
  const hint = document.querySelector('.scroll-hint');
  const img = document.querySelector('.map img');
  return {
    tactics: [...document.querySelectorAll('.matrix-view .tactic h3')].map(h => h.textContent),
    cells: [...document.querySelectorAll('.matrix-view .cells li')].map(li => {
      const a = li.querySelector(':scope > a');
      const own = [...li.childNodes].filter(n => n.nodeName !== 'UL' && n.nodeName !== 'DETAILS').map(n => n.textContent).join('').replace(/\s+/g, ' ').trim();
      const n = li.querySelector(':scope > b');
      return {text: own, href: a ? a.href : '', shaded: getComputedStyle(li).backgroundColor !== bg, count: n ? n.textContent : ''};
    }),
    legend: [...document.querySelectorAll('.matrix-view .legend li')].map(li => li.textContent),
    fullLink: (document.querySelector('.matrix-view a.full-matrix') || {href: ''}).href,
    matrixScrolls: !!sc && sc.scrollWidth > sc.clientWidth,
    hintShown: !!hint && getComputedStyle(hint).display !== 'none',
    countries: [...document.querySelectorAll('.map svg a')].map(a => ({
      href: a.href.baseVal !== undefined ? new URL(a.getAttribute('href'), location.href).href : a.href,
      title: a.querySelector('title').textContent,
      fill: getComputedStyle(a.querySelector('path, circle')).fill,
    })),
    worldLoaded: !!img && img.complete && img.naturalWidth > 0,
    mapTable: [...document.querySelectorAll('.map-view tbody tr')].map(tr => tr.textContent.trim()),
    bars: [...document.querySelectorAll('svg.activity path title')].map(t => t.textContent),
    barNumbers: [...document.querySelectorAll('svg.activity text:not(.y)')].map(t => t.textContent),
    campaigns: [...document.querySelectorAll('svg.campaign-bars g')].map(g => {
      const box = g.ownerSVGElement.getBoundingClientRect(), a = g.querySelector('a'), r = g.querySelector('rect.bar');
      const inside = [a, r].every(el => { const b = el.getBoundingClientRect(); return b.left >= box.left - 0.5 && b.right <= box.right + 0.5 && b.top >= box.top && b.bottom <= box.bottom; });
      return {title: r.querySelector('title').textContent, name: a.textContent, href: new URL(a.getAttribute('href'), location.href).href, inside, width: r.getBoundingClientRect().width};
    }),
    campaignsFit: [...document.querySelectorAll('svg.campaign-bars')].every(s => s.getBoundingClientRect().right <= s.parentElement.getBoundingClientRect().right + 0.5),
    factsLine: (document.querySelector('.facts-line') || {textContent: ''}).textContent.replace(/\s+/g, ' '),
    iocOverflow: [...document.querySelectorAll('.iocs .table-wrap')].some(w => w.scrollWidth > w.clientWidth),
    iocLines: Math.max(0, ...[...document.querySelectorAll('.iocs code.ioc')].map(c => c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight || '20'))),
    factsFirst: !!document.querySelector('.brief-grid .facts') && document.querySelector('.brief-grid .facts').getBoundingClientRect().bottom <= document.querySelector('.brief-grid .body').getBoundingClientRect().top,
    factsBeside: !!document.querySelector('.brief-grid .facts') && document.querySelector('.brief-grid .facts').getBoundingClientRect().left >= document.querySelector('.brief-grid .body').getBoundingClientRect().right,
    pageWidth: document.documentElement.scrollWidth,
    windowWidth: window.innerWidth,
  };
})()`

// TestViewsInTheBrowser reads the views drawn at build time as a reader
// sees them, on the served site and the offline edition, 1280 and 390
// pixels wide, in the light and the dark colour scheme: Volt Typhoon's
// page has a matrix of its briefs' techniques under their tactics, shaded,
// counted and linked, a map with the United States and Guam linked and
// titled, an activity chart whose bars carry their numbers, its campaigns
// as bars from first seen to its latest brief, and when it was first and
// last seen; /techniques/ has the matrix of every brief;
// nothing is wider than the window (the matrix scrolls in its own box,
// with a hint on a phone). With E2E_SCREENSHOTS=dir it writes what it saw
// as PNGs there, to look at.
func TestViewsInTheBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	s := exampleSites(t)
	ix := s.Result.Index
	volt := termWithSynonym(t, ix, "actors", "Vanguard Panda")
	shots := os.Getenv("E2E_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	for _, ed := range editions(s) {
		for _, width := range []int64{1280, 390} {
			for _, scheme := range []string{"light", "dark"} {
				t.Run(fmt.Sprintf("%s-%d-%s", ed.name, width, scheme), func(t *testing.T) {
					tb := newTab(t)
					tb.do(chromedp.EmulateViewport(width, 900), func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
						_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
							Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
						})
						return chromedp.Void{}, err
					})
					for _, p := range []struct{ name, path string }{
						{"volt-typhoon", strings.TrimPrefix(volt.URL, "/")},
						{"techniques", "techniques/"},
						{"full-matrix", "techniques/matrix/"},
						{"brief", strings.TrimPrefix(volt.Entries[0].URL, "/")},
						{"indicators", strings.TrimPrefix(withSHA256(t, ix).URL, "/")},
						{"home", ""},
					} {
						tb.do(chromedp.Navigate(ed.root + p.path + ed.index))
						tb.waitFor(`document.readyState === 'complete'`)
						v := eval[views](tb, readViews)
						if v.PageWidth > v.WindowWidth {
							t.Errorf("%s: the page is %d px wide in a %d px window", p.name, v.PageWidth, v.WindowWidth)
						}
						switch p.name {
						case "volt-typhoon":
							checkMatrix(t, p.name, v, ix, volt.Entries, ed)
							checkMap(t, v, ed)
							checkBars(t, v, len(volt.Entries))
							checkCampaignBars(t, v, ed, width)
							if !strings.Contains(v.FactsLine, "First seen May 2021, last seen Feb 2024") {
								t.Errorf("the facts line says %q; want First seen May 2021 (its first campaign), last seen Feb 2024 (its brief)", v.FactsLine)
							}
						case "techniques":
							checkMatrix(t, p.name, v, ix, ix.Entries, ed)
						case "full-matrix":
							checkFullMatrix(t, v, ix, ed)
						case "indicators":
							// On a phone the table was 509 px in a 350 px box, and
							// a SHA-256 wrapped over 7 lines; the terms came after
							// the sources, at the bottom of the page.
							if v.IOCOverflow || v.IOCLines > 3.5 {
								t.Errorf("indicators at %d px: the table overflows its box %v, the longest value takes %.1f lines", width, v.IOCOverflow, v.IOCLines)
							}
							if width == 390 && !v.FactsFirst || width == 1280 && !v.FactsBeside {
								t.Errorf("a brief's terms at %d px: above the body %v, beside it %v", width, v.FactsFirst, v.FactsBeside)
							}
						case "home":
							checkBars(t, v, len(ix.Entries))
							if len(v.Countries) == 0 || !v.WorldLoaded {
								t.Errorf("home: %d countries on the map, outlines loaded %v", len(v.Countries), v.WorldLoaded)
							}
						}
						if (p.name == "volt-typhoon" || p.name == "techniques") && v.FullLink != ed.root+"techniques/matrix/"+ed.index {
							t.Errorf("%s: the matrix's Full matrix link is %q", p.name, v.FullLink)
						}
						if width == 390 && (p.name == "volt-typhoon" || p.name == "techniques" || p.name == "full-matrix") && (!v.MatrixScrolls || !v.HintShown) {
							t.Errorf("%s at 390 px: the matrix scrolls in its box %v, with the hint shown %v", p.name, v.MatrixScrolls, v.HintShown)
						}
						if shots != "" {
							png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
							if err != nil {
								t.Fatal(err)
							}
							name := fmt.Sprintf("%s-%s-%d-%s.png", p.name, ed.name, width, scheme)
							if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
								t.Error(err)
							}
						}
					}
					tb.checkClean(ed.allowed...)
				})
			}
		}
	}
}

// withSHA256 is a brief of the example site with a SHA-256 indicator.
func withSHA256(t *testing.T, ix *index.Index) *index.Entry {
	t.Helper()
	for _, e := range ix.Entries {
		for _, ioc := range e.Brief.IOCs {
			if ioc.Type == "sha256" {
				return e
			}
		}
	}
	t.Fatal("no brief of the example site has a SHA-256 indicator")
	return nil
}

// checkFullMatrix reads the full ATT&CK matrix as a reader sees it:
// every technique the example's briefs name is there, shaded, counting the
// briefs that name it and linked to its page; a technique no brief names
// (Active Scanning) is there too, unshaded, with no count and no link; and
// there are hundreds of cells, under the 14 tactics.
func checkFullMatrix(t *testing.T, v views, ix *index.Index, ed edition) {
	t.Helper()
	named := briefsByTechnique(ix.Entries)
	if len(v.Tactics) != 14 || len(v.Cells) < 600 {
		t.Fatalf("full matrix: %d tactics, %d cells; want 14 and every technique", len(v.Tactics), len(v.Cells))
	}
	seen, unnamed := map[string]bool{}, false
	for _, c := range v.Cells {
		id, _, _ := strings.Cut(c.Text, " ")
		seen[id] = true
		briefs, ok := named[id]
		if !ok {
			if c.Shaded || c.Href != "" || c.Count != "" {
				t.Errorf("full matrix: %q, which no brief names, is shaded %v, links %q or has a count", c.Text, c.Shaded, c.Href)
			}
			unnamed = unnamed || c.Text == "T1595 Active Scanning"
			continue
		}
		if !c.Shaded || c.Count != strconv.Itoa(len(briefs)) {
			t.Errorf("full matrix: cell %q shaded %v; want it shaded and counting %d briefs", c.Text, c.Shaded, len(briefs))
		}
		if tm, ok := ix.TermByKey("techniques", id); ok {
			if want := ed.root + strings.TrimPrefix(tm.URL, "/") + ed.index; c.Href != want {
				t.Errorf("full matrix: cell %q links %q; want %q", c.Text, c.Href, want)
			}
		}
	}
	if !unnamed {
		t.Error("full matrix: no unshaded cell for T1595 Active Scanning, which no brief names")
	}
	for id := range named {
		if !seen[id] {
			t.Errorf("full matrix: no cell for %s, which briefs name", id)
		}
	}
}

// briefsByTechnique maps each technique ID the entries name to the
// entries naming it; a sub-technique counts for its parent too.
func briefsByTechnique(entries []*index.Entry) map[string]map[*index.Entry]bool {
	out := map[string]map[*index.Entry]bool{}
	for _, e := range entries {
		for _, tm := range e.Terms["techniques"] {
			ids := []string{tm.ID}
			if p, _, sub := strings.Cut(tm.ID, "."); sub {
				ids = append(ids, p)
			}
			for _, id := range ids {
				if out[id] == nil {
					out[id] = map[*index.Entry]bool{}
				}
				out[id][e] = true
			}
		}
	}
	return out
}

// checkMatrix compares the matrix a page shows with the briefs it is of:
// every technique they name has a cell, linked to its page and counting
// the briefs that name it (a parent: it or a sub-technique), shaded; the
// first column is the earliest tactic in kill-chain order.
func checkMatrix(t *testing.T, page string, v views, ix *index.Index, entries []*index.Entry, ed edition) {
	t.Helper()
	if len(v.Tactics) == 0 || len(v.Cells) == 0 || len(v.Legend) == 0 {
		t.Fatalf("%s: no matrix: %d tactics, %d cells, legend %v", page, len(v.Tactics), len(v.Cells), v.Legend)
	}
	want := briefsByTechnique(entries)
	seen := map[string]bool{}
	for _, c := range v.Cells {
		id, _, _ := strings.Cut(c.Text, " ")
		briefs, ok := want[id]
		if !ok {
			t.Errorf("%s: a cell for %s, which its briefs do not name: %q", page, id, c.Text)
			continue
		}
		seen[id] = true
		if !strings.HasSuffix(c.Text, fmt.Sprintf(" %d", len(briefs))) {
			t.Errorf("%s: cell %q; want it to count %d briefs", page, c.Text, len(briefs))
		}
		if !c.Shaded {
			t.Errorf("%s: cell %q is not shaded", page, c.Text)
		}
		if tm, ok := ix.TermByKey("techniques", id); ok {
			if wantHref := ed.root + strings.TrimPrefix(tm.URL, "/") + ed.index; c.Href != wantHref {
				t.Errorf("%s: cell %q links %q; want %q", page, c.Text, c.Href, wantHref)
			}
		} else if c.Href != "" {
			t.Errorf("%s: cell %q links %q, but no brief names it", page, c.Text, c.Href)
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("%s: no cell for %s", page, id)
		}
	}
	order := []string{"Reconnaissance", "Resource Development", "Initial Access", "Execution", "Persistence", "Privilege Escalation", "Defense Evasion", "Credential Access", "Discovery", "Lateral Movement", "Collection", "Command and Control", "Exfiltration", "Impact"}
	last := -1
	for _, ta := range v.Tactics {
		i := slices.Index(order, ta)
		if i <= last {
			t.Errorf("%s: tactics %v are not in kill-chain order", page, v.Tactics)
			break
		}
		last = i
	}
}

// checkMap: Volt Typhoon's briefs name the United States and Guam, each
// linked to its page, titled, filled with a shade, over outlines that
// loaded; the table has the same numbers.
func checkMap(t *testing.T, v views, ed edition) {
	t.Helper()
	if !v.WorldLoaded {
		t.Error("the map's shared outlines (images/world.svg) did not load")
	}
	got := map[string]country{}
	for _, c := range v.Countries {
		got[c.Title] = c
	}
	for title, path := range map[string]string{"United States: 1 brief": "countries/us/", "Guam: 1 brief": "countries/gu/"} {
		c, ok := got[title]
		switch {
		case !ok:
			t.Errorf("the map has no country titled %q: %+v", title, v.Countries)
		case c.Href != ed.root+path+ed.index:
			t.Errorf("%q links %q; want %q", title, c.Href, ed.root+path+ed.index)
		case c.Fill == "" || c.Fill == "none" || c.Fill == "rgb(0, 0, 0)":
			t.Errorf("%q is filled %q", title, c.Fill)
		}
	}
	if len(v.Countries) != 2 || !slices.Contains(v.MapTable, "Guam1") || !slices.Contains(v.MapTable, "United States1") {
		t.Errorf("map countries %+v, table %q; want the United States and Guam, one brief each", v.Countries, v.MapTable)
	}
}

// checkBars: the chart's bars count every brief, and each non-empty bar
// has its number written above it.
func checkBars(t *testing.T, v views, briefs int) {
	t.Helper()
	total, nonEmpty := 0, 0
	for _, b := range v.Bars {
		var n int
		i := strings.LastIndex(b, ": ")
		if _, err := fmt.Sscanf(b[i+2:], "%d", &n); i < 0 || err != nil {
			t.Errorf("bar title %q", b)
			continue
		}
		total += n
		if n > 0 {
			nonEmpty++
		}
	}
	if total != briefs || len(v.BarNumbers) != nonEmpty {
		t.Errorf("the chart's bars %q count %d briefs with %d numbers %q; want %d briefs, a number on each of %d bars", v.Bars, total, len(v.BarNumbers), v.BarNumbers, briefs, nonEmpty)
	}
}

// checkCampaignBars: Volt Typhoon's campaigns as bars, first seen first,
// each titled with its span, its name linked to its page, the bar and the
// name inside the chart and the chart inside its box (at 390 px too); the
// longer span draws the longer bar.
func checkCampaignBars(t *testing.T, v views, ed edition, width int64) {
	t.Helper()
	want := []campaignBar{
		{Title: "U.S. critical infrastructure pre-positioning: May 2021 to Feb 2024", Name: "U.S. critical infrastructure pre-positioning", Href: ed.root + "campaigns/u-s-critical-infrastructure-pre-positioning/" + ed.index, Inside: true},
		{Title: "KV-botnet operations: Feb 2022 to Feb 2024", Name: "KV-botnet operations", Href: ed.root + "campaigns/kv-botnet-operations/" + ed.index, Inside: true},
	}
	if len(v.Campaigns) != len(want) {
		t.Fatalf("at %d px: campaign bars %+v; want %d", width, v.Campaigns, len(want))
	}
	for i, w := range want {
		got := v.Campaigns[i]
		w.Width = got.Width
		if got != w {
			t.Errorf("at %d px: campaign bar %+v; want %+v", width, got, w)
		}
	}
	if !v.CampaignsFit {
		t.Errorf("at %d px: the campaign bars are wider than their box", width)
	}
	if !(v.Campaigns[0].Width > v.Campaigns[1].Width && v.Campaigns[1].Width > 0) {
		t.Errorf("at %d px: bars %.1f and %.1f px wide; want May 2021 to Feb 2024 longer than Feb 2022 to Feb 2024", width, v.Campaigns[0].Width, v.Campaigns[1].Width)
	}
}
