package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/search"
)

// requestLog records when each request of a tab was sent and when its
// response had arrived, from the browser's own (monotonic) timestamps: the
// waterfall of a page's loads, for BenchmarkSearch's log. (Waves are not
// counted from it: Chromium holds back some of a page's script requests
// when many are pending, so a request may be sent after others arrived
// without having waited for them.)
type requestLog struct {
	mu    sync.Mutex
	byID  map[network.RequestID]*loggedRequest
	order []*loggedRequest
}

type loggedRequest struct {
	url        string
	sent, done float64 // seconds, monotonic; done is 0 until it arrived
}

// logRequests starts recording the requests of t.
func logRequests(t *tab) *requestLog {
	t.t.Helper()
	l := &requestLog{byID: map[network.RequestID]*loggedRequest{}}
	err := chromedp.Listen(t.ctx, func(ev any) {
		l.mu.Lock()
		defer l.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			r := &loggedRequest{url: ev.Request.URL, sent: ev.Timestamp.Float64()}
			l.byID[ev.RequestID] = r
			l.order = append(l.order, r)
		case *network.EventLoadingFinished:
			if r := l.byID[ev.RequestID]; r != nil {
				r.done = ev.Timestamp.Float64()
			}
		}
	})
	if err != nil {
		t.t.Fatal(err)
	}
	return l
}

// reset forgets what was recorded.
func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID, l.order = map[network.RequestID]*loggedRequest{}, nil
}

// scriptWaves is injected into every page of a tab before its own
// scripts: it records every script element the page gets (from the HTML or
// added by a script) and its wave: 1 if no counted script had run when it
// was added, else one more than the deepest that had. A script "runs" for
// this count when it hands its data over: the search script when it sets
// window.TBSearch, a piece of the index when it calls TBSearch.add (just
// before its data reaches the page, so whatever the page adds in answer is
// counted one wave deeper). The count depends only on the order the page
// does things in, not on how fast the machine is: a page that chains its
// loads (the script, then the index's meta, then a shard, then the terms
// the shard names, then the briefs) has deep waves; one that asks at once
// for what it can, shallow ones. __tbLoads.reset() starts a new count.
const scriptWaves = `(() => {
  const rec = window.__tbLoads = { scripts: [], reset() { this.scripts = []; } };
  const info = new WeakMap();
  const deepest = () => rec.scripts.reduce((d, s) => (s.ran ? Math.max(d, s.wave) : d), 0);
  new MutationObserver(ms => {
    for (const m of ms) for (const n of m.addedNodes) {
      if (n.tagName !== 'SCRIPT' || !n.src || info.has(n)) continue;
      const s = { src: n.src, wave: deepest() + 1, ran: false };
      info.set(n, s);
      rec.scripts.push(s);
    }
  }).observe(document, { childList: true, subtree: true });
  const ran = () => { const s = info.get(document.currentScript); if (s) s.ran = true; };
  let tb;
  Object.defineProperty(window, 'TBSearch', { configurable: true, get: () => tb, set(v) {
    ran();
    const add = v.add;
    v.add = function (...args) { ran(); return add.apply(this, args); };
    tb = v;
  } });
})()`

// countWaves makes every page t opens record its scripts' waves.
func countWaves(t *tab) {
	t.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: scriptWaves})
		return err
	}))
}

// wave is one script the page loaded, by path under the site's root, and
// its wave (see scriptWaves).
type wave struct {
	Path string `json:"src"`
	Wave int    `json:"wave"`
}

// pageWaves returns the scripts the open page loaded under root since it
// opened or since resetWaves.
func pageWaves(t *tab, root string) []wave {
	ws := eval[[]wave](t, `window.__tbLoads ? window.__tbLoads.scripts : []`)
	out := ws[:0]
	for _, w := range ws {
		if strings.HasPrefix(w.Path, root) {
			w.Path = strings.TrimPrefix(w.Path, root)
			out = append(out, w)
		}
	}
	return out
}

func resetWaves(t *tab) { eval[chromedp.Void](t, `window.__tbLoads && window.__tbLoads.reset()`) }

// depth is the deepest wave of ws.
func depth(ws []wave) int {
	d := 0
	for _, w := range ws {
		d = max(d, w.Wave)
	}
	return d
}

// describeWaves lists the scripts by wave, with when (ms after the first
// request the log holds) each was requested and had arrived, for a log.
func describeWaves(ws []wave, l *requestLog, root string) string {
	times := l.times(root)
	var b strings.Builder
	byWave := map[int][]wave{}
	for _, w := range ws {
		byWave[w.Wave] = append(byWave[w.Wave], w)
	}
	var ds []int
	for d := range byWave {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	for _, d := range ds {
		fmt.Fprintf(&b, "\n      wave %d:", d)
		for _, w := range byWave[d] {
			t := times[w.Path]
			fmt.Fprintf(&b, " %s [%.0f-%.0f]", w.Path, t[0], t[1])
		}
	}
	return b.String()
}

// times returns when each request under root was sent and had arrived, in
// milliseconds after the first.
func (l *requestLog) times(root string) map[string][2]float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string][2]float64{}
	t0 := -1.0
	for _, r := range l.order {
		if !strings.HasPrefix(r.url, root) {
			continue
		}
		if t0 < 0 {
			t0 = r.sent
		}
		end := 0.0
		if r.done != 0 {
			end = (r.done - t0) * 1000
		}
		out[strings.TrimPrefix(r.url, root)] = [2]float64{(r.sent - t0) * 1000, end}
	}
	return out
}

// TestSearchLoadWaves holds the search page to the waves of scripts a
// query may take (see scriptWaves), on a synthetic library and for the
// benchmark's queries (actor, synonym, prefix, technique ID and name, CVE,
// sector, country, words, an indicator): opening search/?q= loads the
// script and the index's meta together, then the shards of every word at
// once (which carry the briefs of the terms their tokens name), then the
// briefs and terms to show: 3 waves. Typed into the open page, the same
// without the first: 2. The page used to wait for its script before asking
// for meta, for each word before the next (7 waves for a two-word query),
// and for the terms a shard named before ranking (4 waves, 3 typed).
// Counting waves rather than timing them makes this hold on a slow machine
// as on a fast one. Typed, a query loads no more term chunks than it shows
// terms: the terms a brief matched through are labelled from the shards
// (it used to load a chunk for each, 6 for "data" at 10,000 briefs).
func TestSearchLoadWaves(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	s := exampleSites(t)
	lib := newSearchLibrary(t, s, 2000)
	root := "file://" + filepath.ToSlash(lib.dir) + "/"
	const openWaves, typedWaves = 3, 2
	for _, q := range syntheticQueries(lib.ix) {
		o := openSearch(t, lib.gz, root, q)
		if d := depth(o.waves); d > openWaves {
			t.Errorf("opening search/?q=%s took %d waves of scripts, want at most %d:%s", q, d, openWaves, describeWaves(o.waves, o.log, root))
		}
		var metas []int
		for _, w := range o.waves {
			if w.Path == search.MetaPath {
				metas = append(metas, w.Wave)
			}
		}
		if !slices.Equal(metas, []int{1}) {
			t.Errorf("opening search/?q=%s: %s was loaded in waves %v, want once, in the first:%s", q, search.MetaPath, metas, describeWaves(o.waves, o.log, root))
		}
		ty := typeSearch(t, root, q)
		if d := depth(ty.waves); d > typedWaves || d == 0 {
			t.Errorf("typing %q took %d waves of scripts, want 1 to %d:%s", q, d, typedWaves, describeWaves(ty.waves, ty.log, root))
		}
		// Term chunks only for the terms shown as results: the terms a
		// brief matched through are labelled from the shards.
		chunks, terms := 0, 0
		for _, w := range ty.waves {
			if strings.HasPrefix(w.Path, search.Dir+"t/") {
				chunks++
			}
		}
		for _, k := range ty.kinds {
			if k != "brief" {
				terms++
			}
		}
		if chunks > terms {
			t.Errorf("typing %q loaded %d term chunks for %d terms shown:%s", q, chunks, terms, describeWaves(ty.waves, ty.log, root))
		}
	}
}
