package e2e

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// requestLog records when each request of a tab was sent and when its
// response had arrived, from the browser's own (monotonic) timestamps, so
// that the round trips a page makes can be counted: how many requests, and
// how many of them had to wait for another to arrive (waves).
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

// wave is one request and its depth: 1 if no other request (of those
// counted) had arrived when it was sent, else one more than the deepest
// that had. A page that chains its loads (the script, then the index's
// meta, then a shard, then what the shard names) makes deep requests; one
// that asks for what it needs at once makes shallow ones. The depth needs
// no clock to be compared with: only the order of events, which is the
// same on a fast and on a busy machine as long as each wave waits for the
// one before (over-counting only if an unrelated request arrives between
// two requests of a wave, which a page that requests a wave in one task
// does not allow).
type wave struct {
	path      string
	depth     int
	sent, end float64 // milliseconds after the first counted request
}

// waves returns the requests under root, but the page itself (skip), in
// the order they were sent, with their depths.
func (l *requestLog) waves(root, skip string) []wave {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []wave
	var counted []*loggedRequest
	var t0 float64
	for _, r := range l.order {
		if !strings.HasPrefix(r.url, root) {
			continue
		}
		path := strings.TrimPrefix(r.url, root)
		if i := strings.IndexAny(path, "?#"); i >= 0 {
			path = path[:i]
		}
		if path == skip {
			continue
		}
		if len(out) == 0 {
			t0 = r.sent
		}
		d := 1
		for i, q := range counted {
			if q.done != 0 && q.done <= r.sent {
				d = max(d, out[i].depth+1)
			}
		}
		end := 0.0
		if r.done != 0 {
			end = (r.done - t0) * 1000
		}
		counted = append(counted, r)
		out = append(out, wave{path: path, depth: d, sent: (r.sent - t0) * 1000, end: end})
	}
	return out
}

// depth is the deepest of ws.
func depth(ws []wave) int {
	d := 0
	for _, w := range ws {
		d = max(d, w.depth)
	}
	return d
}

// describeWaves lists the requests by wave, for a log.
func describeWaves(ws []wave) string {
	var b strings.Builder
	byDepth := map[int][]wave{}
	for _, w := range ws {
		byDepth[w.depth] = append(byDepth[w.depth], w)
	}
	var ds []int
	for d := range byDepth {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	for _, d := range ds {
		fmt.Fprintf(&b, "\n      wave %d:", d)
		for _, w := range byDepth[d] {
			fmt.Fprintf(&b, " %s [%.0f-%.0f]", w.path, w.sent, w.end)
		}
	}
	return b.String()
}
