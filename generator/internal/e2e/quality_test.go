package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/threatbriefs/threatbriefs/generator/internal/offline"
)

// page is one of the pages the quality checks cover, as a path under the
// site root (a directory; offline, its index.html) and a query string.
type page struct{ name, path, query string }

func qualityPages(t *testing.T, s *sites) []page {
	volt := termWithSynonym(t, s.Result.Index, "actors", "Vanguard Panda")
	return []page{
		{"home", "", ""},
		{"brief", strings.TrimPrefix(volt.Entries[0].URL, "/"), ""},
		{"actor", strings.TrimPrefix(volt.URL, "/"), ""},
		{"techniques", "techniques/", ""},
		{"full-matrix", "techniques/matrix/", ""},
		{"search", "search/", "?q=volt"},
	}
}

type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// TestAccessibility runs axe-core (every rule it runs by default, best
// practices included) on the home page, a brief, an actor, the techniques
// list, the full ATT&CK matrix and the search page with results: on the served site in the light
// and the dark colour scheme, and on the offline edition. There must be no
// violation.
func TestAccessibility(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	axe, err := os.ReadFile(axePath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("axe-sees-violations", func(t *testing.T) {
		tb := newTab(t)
		tb.do(chromedp.Navigate(`data:text/html,<!doctype html><title>t</title><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main>`))
		ids := map[string]bool{}
		for _, v := range runAxe(tb, axe) {
			ids[v.ID] = true
		}
		if !ids["image-alt"] || !ids["html-has-lang"] {
			t.Errorf("axe found %v on a page with an image without alt and no lang; the check is not working", ids)
		}
	})
	s := exampleSites(t)
	runs := []struct {
		ed     edition
		scheme string
	}{
		{editions(s)[0], "light"},
		{editions(s)[0], "dark"},
		{editions(s)[1], "light"},
		{editions(s)[1], "dark"},
	}
	for _, run := range runs {
		t.Run(run.ed.name+"-"+run.scheme, func(t *testing.T) {
			t.Parallel()
			tb := newTab(t)
			tb.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
				_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: run.scheme}},
				})
				return chromedp.Void{}, err
			})
			for _, p := range qualityPages(t, s) {
				u := run.ed.root + p.path
				if p.path == "" || strings.HasSuffix(p.path, "/") {
					u += run.ed.index
				}
				tb.do(chromedp.Navigate(u + p.query))
				if p.name == "search" {
					tb.waitFor(`document.querySelectorAll('#search-results .result').length > 0 && ` + showsResultsFor("volt"))
				}
				// The page's own requests and errors; then axe's, which
				// are not the page's (offline, axe tries to read the
				// stylesheets with XMLHttpRequest, which file:// refuses).
				tb.checkClean(run.ed.allowed...)
				tb.reset()
				vs := runAxe(tb, axe)
				for _, v := range vs {
					t.Errorf("%s (%s): axe %s [%s]: %s\n    %s", p.name, u, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n    "))
				}
				tb.reset()
			}
		})
	}
}

// runAxe injects axe-core into the page and returns its violations. It is
// injected over the DevTools protocol, which the page's CSP does not
// govern; the page itself runs no eval.
func runAxe(tb *tab, axe []byte) []violation {
	tb.t.Helper()
	eval[chromedp.Void](tb, string(axe))
	return eval[[]violation](tb, `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || '', help: v.help,
  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\n').slice(1, 2).join('')),
})))`)
}

// TestHTMLIsValid runs the Nu Html Checker (vnu.jar) over the same pages,
// served and offline, and over a brief exported as one standalone file:
// it must report no error.
func TestHTMLIsValid(t *testing.T) {
	t.Parallel()
	java, vnu := javaPath(t), vnuPath(t)
	s := exampleSites(t)
	var files []string
	for _, p := range qualityPages(t, s) {
		for _, dir := range []string{s.Served, s.Offline} {
			f := filepath.Join(dir, filepath.FromSlash(p.path))
			if p.path == "" || strings.HasSuffix(p.path, "/") {
				f = filepath.Join(f, "index.html")
			}
			files = append(files, f)
		}
	}
	volt := termWithSynonym(t, s.Result.Index, "actors", "Vanguard Panda")
	standalone, err := offline.Standalone(s.Served, strings.TrimPrefix(volt.Entries[0].URL, "/")+"index.html", s.URL)
	if err != nil {
		t.Fatal(err)
	}
	sf := filepath.Join(t.TempDir(), "standalone-brief.html")
	if err := os.WriteFile(sf, standalone, 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, sf)

	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, java, append([]string{"-jar", vnu, "--errors-only", "--format", "json"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	runErr := cmd.Run() // exits 1 when it reports errors: read the report first
	var report struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int
		}
	}
	if err := json.Unmarshal(stderr.Bytes(), &report); err != nil {
		t.Fatalf("vnu.jar: %v; output: %s", runErr, stderr.String())
	}
	for _, m := range report.Messages {
		if m.Type == "error" || m.Type == "non-document-error" {
			t.Errorf("%s:%d: %s (%q)", strings.TrimPrefix(m.URL, "file:"), m.LastLine, m.Message, m.Extract)
		}
	}
	if runErr != nil && len(report.Messages) == 0 {
		t.Fatalf("vnu.jar failed: %v", runErr)
	}
	t.Logf("vnu %s checked %d files", vnuVersion(stderr.Bytes()), len(files))
}

func vnuVersion(out []byte) string {
	var v struct{ Version string }
	_ = json.Unmarshal(out, &v)
	return fmt.Sprint(v.Version)
}
