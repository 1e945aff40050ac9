package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pelletier/go-toml/v2"

	"github.com/threatbriefs/threatbriefs/generator/internal/offline"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// The browser and the built example site are shared by every test of the
// package: starting Chromium and building twice for each test would
// multiply the suite's time for nothing. The tests run in parallel, each in
// a tab of its own: while one waits for the browser, another's page renders
// or the Nu Html Checker runs. Each has its own lock, so the browser starts
// and the tests that need no built site run while the sites build.
var (
	shared struct {
		sync.Mutex
		browser context.Context
		stop    []func()
	}
	built struct {
		sync.Mutex
		sites *sites
		err   error
	}
)

// atExit runs f after every test, in the reverse order of the calls.
func atExit(f func()) {
	shared.Lock()
	defer shared.Unlock()
	shared.stop = append(shared.stop, f)
}

func TestMain(m *testing.M) {
	code := m.Run()
	shared.Lock()
	for i := len(shared.stop) - 1; i >= 0; i-- {
		shared.stop[i]()
	}
	shared.Unlock()
	os.Exit(code)
}

// missing skips the test, or fails it under CI, because a tool is absent.
func missing(t testing.TB, what, install string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing, and CI=true: browser tests must run in CI, not skip. %s", what, install)
	}
	t.Skipf("skipping: %s is missing. %s (under CI=true this fails)", what, install)
}

func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("THREATBRIEFS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "Chromium", "Install it with: apt-get install -y chromium (or set THREATBRIEFS_CHROMIUM).")
	return ""
}

// toolsDir is where npm installed axe-core and vnu-jar.
func toolsDir(t testing.TB) string {
	if d := os.Getenv("THREATBRIEFS_BROWSER_TOOLS"); d != "" {
		return d
	}
	return filepath.Join(sitetest.RepoRoot(t), ".ci", "browser-tools", "node_modules")
}

func npmTool(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(toolsDir(t), filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missing(t, p, "Install the test tools with: npm ci --ignore-scripts --prefix .ci/browser-tools (or set THREATBRIEFS_BROWSER_TOOLS to a node_modules holding axe-core and vnu-jar).")
	}
	return p
}

func axePath(t testing.TB) string { return npmTool(t, "axe-core/axe.min.js") }
func vnuPath(t testing.TB) string { return npmTool(t, "vnu-jar/build/dist/vnu.jar") }

func javaPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("java")
	if err != nil {
		missing(t, "Java (for the Nu Html Checker)", "Install it with: apt-get install -y default-jre-headless.")
	}
	return p
}

// browser returns the shared headless Chromium, started on first use with
// the flags the issue asks for and a fresh profile directory.
func browser(t testing.TB) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	shared.Lock()
	defer shared.Unlock()
	if shared.browser != nil {
		return shared.browser
	}
	profile, err := os.MkdirTemp("", "threatbriefs-chromium-*")
	if err != nil {
		t.Fatal(err)
	}
	alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		// BenchmarkSearch serves the library over HTTP/2, which Chromium
		// speaks only over TLS; its test server's certificate is self-signed.
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000),
	)
	ctx, stopBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		stopBrowser()
		stopAlloc()
		os.RemoveAll(profile)
		t.Fatalf("starting Chromium (%s): %v", exe, err)
	}
	shared.browser = ctx
	shared.stop = append(shared.stop, func() { stopBrowser(); stopAlloc(); os.RemoveAll(profile) }) // shared is locked
	return ctx
}

// tab is one browser tab that records every request it makes and every
// error it reports.
type tab struct {
	t        testing.TB
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	errors   []string
}

func newTab(t testing.TB) *tab {
	t.Helper()
	tb := &tab{t: t}
	ctx, cancel := chromedp.NewContext(browser(t), chromedp.WithListener(tb.listen))
	t.Cleanup(cancel)
	tb.ctx = ctx
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatal(err)
	}
	return tb
}

// listen runs in chromedp's read loop: it only records.
func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			tb.errors = append(tb.errors, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		tb.errors = append(tb.errors, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, msg))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			tb.errors = append(tb.errors, fmt.Sprintf("%s error: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	}
}

// hangGuard bounds each browser action, so that a browser that stopped
// answering fails the test with what it was doing rather than at go test's
// -timeout. It is not a speed budget: actions take milliseconds to seconds,
// and the guard allows for a machine that is very busy.
const hangGuard = 5 * time.Minute

// do runs actions, failing the test if the browser hangs.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, hangGuard)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) into T.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, hangGuard)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %.80q: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds. It survives
// navigations: while a new page loads, evaluating fails, and it tries again.
func (tb *tab) waitFor(cond string) {
	tb.t.Helper()
	deadline := time.Now().Add(hangGuard)
	var lastErr error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, hangGuard)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		cancel()
		if err == nil && ok {
			return
		}
		lastErr = err
		time.Sleep(25 * time.Millisecond)
	}
	href, _ := chromedp.Run(tb.ctx, chromedp.Location())
	tb.t.Fatalf("waiting for %s on %s: timed out (last error: %v)", cond, href, lastErr)
}

// checkClean fails the test for any error the tab reported and any request
// that did not start with one of the allowed prefixes.
func (tb *tab) checkClean(allowed ...string) {
	tb.t.Helper()
	for _, p := range tb.problems(allowed...) {
		tb.t.Error(p)
	}
}

// reset forgets what the tab recorded so far.
func (tb *tab) reset() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.requests, tb.errors = nil, nil
}

func (tb *tab) problems(allowed ...string) []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, e := range tb.errors {
		out = append(out, "browser reported: "+e)
	}
	if len(tb.requests) == 0 {
		out = append(out, "no request was recorded: the network listener is not working")
	}
	for _, r := range tb.requests {
		ok := false
		for _, a := range allowed {
			ok = ok || strings.HasPrefix(r, a)
		}
		if !ok {
			out = append(out, fmt.Sprintf("request outside %v: %s", allowed, r))
		}
	}
	return out
}

// sites is the example site built twice: for the web (served by an
// httptest server with the production headers) and as the offline edition.
type sites struct {
	Result     *pipeline.Result // the served build
	Served     string           // its directory
	URL        string           // the server's root, with a trailing slash
	Offline    string           // the unpacked offline edition
	OfflineURL string           // file:// URL of its root, with a trailing slash
	Edition    *offline.Edition
}

func exampleSites(t testing.TB) *sites {
	t.Helper()
	built.Lock()
	defer built.Unlock()
	if built.sites == nil && built.err == nil {
		built.sites, built.err = buildSites(t)
	}
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.sites
}

func buildSites(t testing.TB) (*sites, error) {
	root := sitetest.RepoRoot(t)
	tmp, err := os.MkdirTemp("", "threatbriefs-e2e-*")
	if err != nil {
		return nil, err
	}
	atExit(func() { os.RemoveAll(tmp) })
	s := &sites{Served: filepath.Join(tmp, "public")}

	headers, err := netlifyHeaders(root)
	if err != nil {
		return nil, err
	}
	files := http.FileServer(http.Dir(s.Served))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		files.ServeHTTP(w, r)
	}))
	atExit(srv.Close)
	s.URL = srv.URL + "/"

	ctx := context.Background()
	s.Result, err = pipeline.Build(ctx, pipeline.Options{ProjectDir: root, Destination: s.Served, BaseURL: s.URL})
	if err != nil {
		return nil, fmt.Errorf("building the example site: %w", err)
	}
	s.Offline = filepath.Join(tmp, "offline", "threat-briefs")
	if err := os.MkdirAll(filepath.Dir(s.Offline), 0o755); err != nil {
		return nil, err
	}
	s.Edition, err = offline.WriteDir(ctx, pipeline.Options{ProjectDir: root}, s.Offline)
	if err != nil {
		return nil, fmt.Errorf("exporting the offline edition: %w", err)
	}
	s.OfflineURL = "file://" + filepath.ToSlash(s.Offline) + "/"
	return s, nil
}

// netlifyHeaders reads the headers netlify.toml sets for every path, so the
// served site runs under the production Content-Security-Policy.
func netlifyHeaders(root string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(root, "netlify.toml"))
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Headers []struct {
			For    string
			Values map[string]string
		}
	}
	if err := toml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("netlify.toml: %w", err)
	}
	for _, h := range cfg.Headers {
		if h.For == "/*" {
			// Served exactly as on Netlify. (Chromium does not upgrade
			// loopback requests under upgrade-insecure-requests, and
			// ignores Strict-Transport-Security over plain HTTP.)
			out := h.Values
			if out["Content-Security-Policy"] == "" {
				return nil, fmt.Errorf("netlify.toml sets no Content-Security-Policy for /*")
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("netlify.toml has no headers for /*")
}
