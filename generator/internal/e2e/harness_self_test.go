package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHarnessSeesProblems proves the checks the browser tests rely on can
// fail: a page under the site's CSP with an inline script (blocked, and
// reported), a script that throws, and a request to another origin (a
// second local server) must all be caught.
func TestHarnessSeesProblems(t *testing.T) {
	t.Parallel()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
	}))
	defer other.Close()
	page := fmt.Sprintf(`<!doctype html><html lang="en"><head><title>x</title>
<link rel="stylesheet" href="%s/elsewhere.css"><script src="/throws.js"></script></head>
<body><script>document.title = 'inline ran'</script><p>x</p></body></html>`, other.URL)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src *")
		switch r.URL.Path {
		case "/throws.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, "throw new Error('thrown on purpose')")
		default:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page)
		}
	}))
	defer srv.Close()

	tb := newTab(t)
	tb.do(chromedp.Navigate(srv.URL + "/"))
	tb.waitFor(`document.readyState === 'complete'`)
	got := strings.Join(tb.problems(srv.URL+"/"), "\n")
	for _, want := range []string{"thrown on purpose", "Content Security Policy", "request outside", other.URL} {
		if !strings.Contains(got, want) {
			t.Errorf("the harness did not report %q; it reported:\n%s", want, got)
		}
	}
	if title := eval[string](tb, `document.title`); title == "inline ran" {
		t.Error("the inline script ran despite the CSP")
	}
}
