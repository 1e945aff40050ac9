package serve_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/search"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/serve"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

const brief = "---\ntitle: \"%s\"\ndate: 2024-05-02\nsummary: s\ntlp: clear\nsectors: [Energy]\n---\nBody.\n"

func get(t testing.TB, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func page(t testing.TB, u string) string {
	t.Helper()
	_, body := get(t, u)
	return body
}

// replace writes a file the way editors save one: to a temporary file
// beside it, renamed into place. The watcher then sees one event, not a
// truncation and a write it could take for two edits.
func replace(t testing.TB, path string, data []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is what serve prints, safe to read while it writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// preview is a running preview server with a page listening to its
// live-reload events.
type preview struct {
	base   string
	out    *syncBuffer
	events chan string
}

// start serves the project in po until the test ends. It returns once the
// server says it is ready (the first build served, the sources watched) and
// a page is connected to its live-reload stream.
func start(t testing.TB, po pipeline.Options) *preview {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	p := &preview{out: &syncBuffer{}, events: make(chan string, 8)}
	go func() {
		done <- serve.Run(ctx, serve.Options{Pipeline: po, Addr: "127.0.0.1:0", Out: p.out, Ready: ready})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	select {
	case p.base = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	}
	// The server registers the page before it sends the headers, so once
	// Get returns no event can be missed.
	resp, err := http.Get(p.base + "__livereload")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				p.events <- data
			}
		}
	}()
	return p
}

// expectReload waits for the reload event that follows a change.
func (p *preview) expectReload(t testing.TB, after string) {
	t.Helper()
	if ev := <-p.events; ev != "reload" {
		t.Fatalf("event %q after %s, want reload", ev, after)
	}
}

// Editing a brief while serving rebuilds the site and tells the open page
// to reload; the live-reload script is only in preview builds.
func TestServeRebuildsAndReloads(t *testing.T) {
	dir := sitetest.Project(t, "-- content/briefs/2024/a.md --\n"+strings.Replace(brief, "%s", "First title", 1))
	pv := start(t, pipeline.Options{ProjectDir: dir})
	base := pv.base
	first := page(t, base+"briefs/a/")
	if !strings.Contains(first, "First title") || !strings.Contains(first, "/js/livereload") {
		t.Fatalf("first build not served with live reload:\n%.400s", first)
	}
	if !strings.Contains(first, `<meta name=robots content="noindex">`) {
		t.Error("preview pages are not noindex")
	}

	p := filepath.Join(dir, "content", "briefs", "2024", "a.md")
	replace(t, p, []byte(strings.Replace(brief, "%s", "Second title", 1)))
	pv.expectReload(t, "editing a brief")
	if !strings.Contains(page(t, base+"briefs/a/"), "Second title") {
		t.Error("the edit is not served after the reload event")
	}
	// Pages that list the brief were re-rendered too, though only their
	// pre-rendered rows changed.
	if sector := page(t, base+"sectors/energy/"); !strings.Contains(sector, "Second title") || strings.Contains(sector, "First title") {
		t.Error("the sector page still lists the old title")
	}

	// A template edit re-renders the pages that use it.
	footer := filepath.Join(dir, "layouts", "_partials", "footer.html")
	tmpl, err := os.ReadFile(footer)
	if err != nil {
		t.Fatal(err)
	}
	replace(t, footer, append(tmpl, "<p>Footer edited while serving</p>\n"...))
	pv.expectReload(t, "editing a template")
	if !strings.Contains(page(t, base+"briefs/a/"), "Footer edited while serving") {
		t.Error("the template edit is not served after the reload event")
	}
	// A config.toml edit too (Hugo reads it when a session opens).
	cfgFile := filepath.Join(dir, "config.toml")
	cfg, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	replace(t, cfgFile, []byte(strings.Replace(string(cfg), `title = "Threat Briefs"`, `title = "Renamed Briefs"`, 1)))
	pv.expectReload(t, "editing config.toml")
	if !strings.Contains(page(t, base+"briefs/a/"), "Renamed Briefs") {
		t.Error("the config.toml edit is not served after the reload event")
	}

	// A broken edit keeps the last good site and reports the error.
	replace(t, p, []byte("---\ntitle: [\n---\n"))
	if ev := <-pv.events; !strings.HasPrefix(ev, "error:") || !strings.Contains(ev, "content/briefs/2024/a.md") {
		t.Fatalf("event %q, want an error naming the file", ev)
	}
	if !strings.Contains(page(t, base+"briefs/a/"), "Second title") {
		t.Error("the last good build is no longer served")
	}
}

// Editing a brief's date to after today holds it back in the preview as in
// build: its page and the term page only it named are gone (not served
// stale), the brief's URL says why, and the terminal says so; dating it
// back brings it back. Deleting a brief removes its page too.
func TestServeHoldsBackABriefDatedAfterToday(t *testing.T) {
	const other = "---\ntitle: Other brief\ndate: 2024-01-10\nsummary: s\ntlp: clear\n---\nBody.\n"
	dir := sitetest.Project(t, "-- content/briefs/2024/a.md --\n"+strings.Replace(brief, "%s", "First title", 1)+
		"-- content/briefs/2024/other.md --\n"+other)
	now := time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC)
	pv := start(t, pipeline.Options{ProjectDir: dir, Now: func() time.Time { return now }})
	if code, _ := get(t, pv.base+"sectors/energy/"); code != http.StatusOK {
		t.Fatalf("the sector page: %d", code)
	}

	p := filepath.Join(dir, "content", "briefs", "2024", "a.md")
	replace(t, p, []byte(strings.Replace(strings.Replace(brief, "%s", "First title", 1), "2024-05-02", "2026-12-09", 1)))
	pv.expectReload(t, "dating the brief after today")
	const note = "content/briefs/2024/a.md: dated 2026-12-09, after today (2026-12-03, UTC): held back until a build on or after 2026-12-09; --buildFuture publishes it now"
	code, body := get(t, pv.base+"briefs/a/")
	if code != http.StatusNotFound || strings.Contains(body, "First title") {
		t.Errorf("the held-back brief is still served (%d):\n%.300s", code, body)
	}
	if !strings.Contains(body, `<pre class="build-error" role="alert">`+note+"</pre>") {
		t.Errorf("its URL does not say why it is missing:\n%.600s", body)
	}
	if code, _ := get(t, pv.base+"sectors/energy/"); code != http.StatusNotFound {
		t.Errorf("the sector page only the held-back brief named is still served (%d)", code)
	}
	if strings.Contains(page(t, pv.base), "First title") {
		t.Error("the home page still lists the held-back brief")
	}
	if !strings.Contains(pv.out.String(), note+"\n") {
		t.Errorf("the terminal does not say the brief is held back:\n%s", pv.out)
	}

	replace(t, p, []byte(strings.Replace(brief, "%s", "First title", 1)))
	pv.expectReload(t, "dating the brief back")
	if code, body := get(t, pv.base+"briefs/a/"); code != http.StatusOK || !strings.Contains(body, "First title") {
		t.Errorf("the brief is not back (%d)", code)
	}

	if err := os.Remove(filepath.Join(dir, "content", "briefs", "2024", "other.md")); err != nil {
		t.Fatal(err)
	}
	pv.expectReload(t, "deleting a brief")
	if code, _ := get(t, pv.base+"briefs/other/"); code != http.StatusNotFound {
		t.Errorf("a deleted brief is still served (%d)", code)
	}
}

// When the first build fails there is no site: every URL shows the error
// (not a blank page) and reloads once a build succeeds.
func TestServeShowsAFailedFirstBuild(t *testing.T) {
	dir := sitetest.Project(t, "-- content/briefs/2024/a.md --\n---\ntitle: [\n---\n")
	pv := start(t, pipeline.Options{ProjectDir: dir})
	code, body := get(t, pv.base)
	if code != http.StatusNotFound || !strings.Contains(body, "Build failed; nothing to show yet.") || !strings.Contains(body, "content/briefs/2024/a.md") {
		t.Errorf("%d:\n%s", code, body)
	}
	if !strings.Contains(body, `new EventSource("/__livereload")`) {
		t.Error("the error page does not reload when a build succeeds")
	}
	if ev := <-pv.events; !strings.HasPrefix(ev, "error:") {
		t.Errorf("a page that connects is not told the error first: %q", ev)
	}
	replace(t, filepath.Join(dir, "content", "briefs", "2024", "a.md"), []byte(strings.Replace(brief, "%s", "Fixed title", 1)))
	pv.expectReload(t, "fixing the brief")
	if !strings.Contains(page(t, pv.base+"briefs/a/"), "Fixed title") {
		t.Error("the fixed brief is not served")
	}
}

// BenchmarkSaveToReload is the preview's latency as an author sees it, on a
// 1,000-brief library of each corpus shape: from saving a brief (written as
// editors write, renamed into place) until the open page has been told to
// reload and the reloaded brief page, fetched over HTTP, shows the edit.
// It includes the watcher's wait for quiet after the last event (50 ms) and
// excludes the browser's own layout and paint. It also reports the CPU time
// the process spent over the same spans (cpu-s/op: user and system, all
// goroutines), which a machine shared with other work inflates less than
// the wall time. Between saves it waits, off
// the clock, until the brief's STIX bundle, briefs.json and the search
// index's document chunks show the edit (serve rewrites the exports after the reload), as an author
// typing would give it time to.
func BenchmarkSaveToReload(b *testing.B) {
	for _, kind := range []synth.Kind{synth.Shared, synth.Unique} {
		b.Run(string(kind), func(b *testing.B) {
			dir := sitetest.Project(b, "")
			if err := synth.GenerateKind(dir, 1000, 1, kind); err != nil {
				b.Fatal(err)
			}
			pv := start(b, pipeline.Options{ProjectDir: dir})
			const slug = "synthetic-brief-00500"
			file := filepath.Join(dir, "content", "briefs", "2020", slug+".md")
			orig, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			var cpu time.Duration
			b.ResetTimer()
			for i := range b.N {
				cpu -= cpuTime(b)
				title := fmt.Sprintf("Edit %d of the brief", i)
				replace(b, file, bytes.Replace(orig, []byte("title: \""), []byte("title: \""+title+": "), 1))
				pv.expectReload(b, "a save")
				if body := page(b, pv.base+"briefs/"+slug+"/"); !strings.Contains(body, title) {
					b.Fatalf("the reloaded page does not show %q", title)
				}
				b.StopTimer()
				cpu += cpuTime(b)
				for _, export := range []string{"briefs/" + slug + "/stix.json", "briefs.json"} {
					for !strings.Contains(page(b, pv.base+export), title) {
						time.Sleep(20 * time.Millisecond)
					}
				}
				for !searchShows(b, pv.base, title) {
					time.Sleep(20 * time.Millisecond)
				}
				b.StartTimer()
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// searchShows reports whether one of the served search index's document
// chunks (search/d/<n>.js, one every search.DocChunk briefs, as many as
// meta.js counts) holds text. (BenchmarkSaveToReload waited for
// search/index.js, the one-file index before issue 18, and so never
// finished once the index came in pieces.)
func searchShows(tb testing.TB, base, text string) bool {
	// The count is minified JavaScript: 1000 is written 1e3.
	m := regexp.MustCompile(`briefs:([0-9.e]+)`).FindStringSubmatch(page(tb, base+search.MetaPath))
	if m == nil {
		tb.Fatalf("%s names no count of briefs", search.MetaPath)
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		tb.Fatalf("%s: count of briefs %q: %v", search.MetaPath, m[1], err)
	}
	for first := 0; first < int(n); first += search.DocChunk {
		if strings.Contains(page(tb, base+search.DocPath(first)), text) {
			return true
		}
	}
	return false
}
