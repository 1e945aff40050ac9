package e2e

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// BenchmarkSearchTrace records a Chromium performance trace of opening
// search/?q= cold, for each query, on a library saved by BenchmarkSearch
// (TB_SEARCH_TRACE=dir; TB_SEARCH_QUERY picks queries, TB_SEARCH_HTTP=1
// serves it over HTTP) and logs where the page's main thread spent the
// time from navigation start to its results: each task of 3 ms or more,
// with what it did most, and the time by kind of work (parsing the page,
// compiling and running each kind of script, style, layout, garbage
// collection). It is what the search's loading was profiled with; it
// measures nothing BenchmarkSearch does not, and tracing slows the page.
func BenchmarkSearchTrace(b *testing.B) {
	dir := os.Getenv("TB_SEARCH_TRACE")
	if dir == "" {
		b.Skip("TB_SEARCH_TRACE names no saved library")
	}
	chromiumPath(b)
	ix, err := syntheticIndex(b, budgetBriefs, 1)
	if err != nil {
		b.Fatal(err)
	}
	root := "file://" + filepath.ToSlash(dir) + "/"
	if os.Getenv("TB_SEARCH_HTTP") != "" {
		srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
		b.Cleanup(srv.Close)
		root = srv.URL + "/"
	}
	for b.Loop() {
		for _, q := range benchQueries(b, ix) {
			b.Logf("%q:%s", q, traceOpen(b, root, q))
		}
	}
}

// traceEvent is an event of Chromium's trace format.
type traceEvent struct {
	Name string          `json:"name"`
	Cat  string          `json:"cat"`
	Ph   string          `json:"ph"`
	TS   float64         `json:"ts"`  // µs
	Dur  float64         `json:"dur"` // µs
	PID  int             `json:"pid"`
	TID  int             `json:"tid"`
	Args json.RawMessage `json:"args"`
}

// traceOpen opens search/?q= in a cold tab while tracing and summarizes
// the page's main thread.
func traceOpen(b *testing.B, root, q string) string {
	t := coldTab(b)
	defer closeTab(t)
	var mu sync.Mutex
	var events []traceEvent
	done := make(chan struct{})
	chromedp.Listen(t.ctx, func(ev any) {
		switch ev := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			for _, v := range ev.Value {
				var e traceEvent
				if json.Unmarshal(v, &e) == nil {
					events = append(events, e)
				}
			}
			mu.Unlock()
		case *tracing.EventTracingComplete:
			close(done)
		}
	})
	t.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, tracing.Start, tracing.StartParams{
			TransferMode: tracing.StartTransferModeReportEvents,
			TraceConfig: &tracing.TraceConfig{IncludedCategories: []string{
				"devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute",
				"blink.user_timing", "toplevel", "loading", "__metadata",
			}},
		})
		return err
	}))
	t.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, profiler.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 100}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, profiler.Start, cdp.Empty{})
		return err
	}))
	t.do(chromedp.Navigate(root + "search/index.html?q=" + url.QueryEscape(q)))
	t.waitFor(showsResultsFor(q))
	var prof *profiler.Profile
	t.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, profiler.Stop, cdp.Empty{})
		prof = res.Profile
		return err
	}))
	t.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdp.Command[cdp.Empty, cdp.Empty]{Method: tracing.CommandEnd}, cdp.Empty{})
		return err
	}))
	<-done
	mu.Lock()
	defer mu.Unlock()
	return summarizeTrace(events) + summarizeProfile(prof)
}

// summarizeProfile lists the functions of the site's scripts that took
// 1 ms or more of their own, and the time in all of them.
func summarizeProfile(p *profiler.Profile) string {
	if p == nil {
		return ""
	}
	self := map[int64]float64{}
	for i, id := range p.Samples {
		if i < len(p.TimeDeltas) && i+1 < len(p.TimeDeltas) {
			self[id] += float64(p.TimeDeltas[i+1])
		}
	}
	byFunc := map[string]float64{}
	for _, n := range p.Nodes {
		f := n.CallFrame
		name := f.FunctionName
		if name == "" {
			name = "(anonymous)"
		}
		if f.URL != "" {
			name += " " + path.Base(f.URL) + ":" + fmt.Sprint(f.LineNumber+1)
		}
		byFunc[name] += self[n.ID]
	}
	type kv struct {
		k string
		v float64
	}
	var kvs []kv
	for k, v := range byFunc {
		kvs = append(kvs, kv{k, v})
	}
	slices.SortFunc(kvs, func(a, b kv) int { return cmp.Compare(b.v, a.v) }) // largest first
	var sb strings.Builder
	sb.WriteString("\n    sampled, own time of 1 ms or more:")
	for _, x := range kvs {
		if x.v >= 1000 {
			fmt.Fprintf(&sb, "\n      %5.1f ms %s", x.v/1000, x.k)
		}
	}
	return sb.String()
}

// summarizeTrace finds the renderer main thread that marked
// tb-search-results and summarizes it from navigation start to the mark.
func summarizeTrace(events []traceEvent) string {
	type thread struct{ pid, tid int }
	names := map[thread]string{}
	var mark *traceEvent
	for i, e := range events {
		if e.Ph == "M" && e.Name == "thread_name" {
			var a struct{ Name string }
			json.Unmarshal(e.Args, &a)
			names[thread{e.PID, e.TID}] = a.Name
		}
		if e.Name == "tb-search-results" && (mark == nil || e.TS > mark.TS) {
			mark = &events[i]
		}
	}
	if mark == nil {
		return " no tb-search-results mark in the trace"
	}
	main := thread{mark.PID, mark.TID}
	if names[main] != "CrRendererMain" {
		for th, n := range names {
			if th.pid == mark.PID && n == "CrRendererMain" {
				main = th
			}
		}
	}
	t0 := -1.0
	for _, e := range events {
		if e.PID == main.pid && e.Name == "navigationStart" && e.TS < mark.TS && e.TS > t0 {
			t0 = e.TS
		}
	}
	var xs []traceEvent
	for _, e := range events {
		if (thread{e.PID, e.TID}) == main && e.Ph == "X" && e.TS >= t0 && e.TS <= mark.TS {
			xs = append(xs, e)
		}
	}
	slices.SortStableFunc(xs, func(a, b traceEvent) int {
		if a.TS != b.TS {
			if a.TS < b.TS {
				return -1
			}
			return 1
		}
		if a.Dur > b.Dur {
			return -1
		}
		if a.Dur < b.Dur {
			return 1
		}
		return 0
	})
	// Self time by kind of work: an event's duration less its children's.
	self := map[string]float64{}
	type open struct {
		e     traceEvent
		label string
		kids  float64
	}
	var stack []*open
	pop := func() {
		o := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		self[o.label] += o.e.Dur - o.kids
	}
	var tasks []string
	for _, e := range xs {
		for len(stack) > 0 && e.TS >= stack[len(stack)-1].e.TS+stack[len(stack)-1].e.Dur {
			pop()
		}
		label := traceLabel(e, stack == nil)
		if len(stack) > 0 {
			stack[len(stack)-1].kids += e.Dur
			if label == "" {
				label = stack[len(stack)-1].label
			}
		}
		if label == "" {
			label = e.Name
		}
		if len(stack) == 0 && e.Dur >= 3000 {
			tasks = append(tasks, fmt.Sprintf("\n    %6.0f ms +%4.0f %s", (e.TS-t0)/1000, e.Dur/1000, e.Name))
		}
		if len(stack) >= 1 && len(stack) <= 4 && e.Dur >= 2000 {
			tasks = append(tasks, fmt.Sprintf(" %s[%s %.0f]", strings.Repeat(">", len(stack)), e.Name+"/"+label, e.Dur/1000))
		}
		stack = append(stack, &open{e: e, label: label})
	}
	for len(stack) > 0 {
		pop()
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, " results at %.0f ms; tasks of 3 ms or more (start, length, what took 2 ms or more):", (mark.TS-t0)/1000)
	sb.WriteString(strings.Join(tasks, ""))
	type kv struct {
		k string
		v float64
	}
	var kvs []kv
	total := 0.0
	for k, v := range self {
		kvs = append(kvs, kv{k, v})
		total += v
	}
	slices.SortFunc(kvs, func(a, b kv) int { return cmp.Compare(b.v, a.v) }) // largest first
	fmt.Fprintf(&sb, "\n    busy %.0f ms:", total/1000)
	for _, x := range kvs {
		if x.v >= 1000 {
			fmt.Fprintf(&sb, " %s %.0f;", x.k, x.v/1000)
		}
	}
	return sb.String()
}

// traceLabel names the kind of work of an event: scripts by what they are
// (the search script, meta, shards, term chunks, document chunks), or ""
// for an event whose work is its parent's.
func traceLabel(e traceEvent, top bool) string {
	var a struct {
		Data struct {
			URL string `json:"url"`
		} `json:"data"`
		FileName string `json:"fileName"`
	}
	json.Unmarshal(e.Args, &a)
	u := a.Data.URL
	if u == "" {
		u = a.FileName
	}
	kind := func(u string) string {
		p := u
		if i := strings.Index(p, "/search/"); i >= 0 {
			p = p[i+len("/search/"):]
		}
		switch {
		case strings.Contains(u, "/js/search"):
			return "search.js"
		case p == "meta.js":
			return "meta.js"
		case strings.HasPrefix(p, "s/"), strings.HasPrefix(p, "t/"), strings.HasPrefix(p, "d/"):
			return path.Dir(p) + "/"
		}
		return "other script"
	}
	switch e.Name {
	case "EvaluateScript", "v8.compile", "v8.run", "V8.CompileCode", "v8.produceCache", "v8.parseOnBackground":
		if u != "" {
			return e.Name + " " + kind(u)
		}
		return ""
	case "FunctionCall", "TimerFire", "EventDispatch", "FireAnimationFrame", "RunMicrotasks", "v8.callFunction":
		return "JS " + e.Name
	case "ParseHTML", "UpdateLayoutTree", "Layout", "Paint", "PrePaint", "Layerize", "MajorGC", "MinorGC",
		"V8.GC_SCAVENGER", "ParseAuthorStyleSheet", "ScheduleStyleRecalculation", "HitTest", "Commit":
		return e.Name
	}
	if top {
		return ""
	}
	return ""
}
