package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/svg"
	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
	"github.com/threatbriefs/threatbriefs/generator/internal/verify"
)

// TestExampleSiteHasNoBrokenLinks builds the repository's own content and
// crawls it over HTTP from the home page, following every internal link,
// script, stylesheet and icon: every one must answer 200, and every brief
// and term page must be reachable.
func TestExampleSiteHasNoBrokenLinks(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: sitetest.RepoRoot(t), Destination: dest, BaseURL: "http://example.test/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Published) < 9 {
		t.Fatalf("the example site has %d briefs; the foundation asks for at least 9", len(res.Published))
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dest)))
	defer srv.Close()

	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	var broken []string
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			broken = append(broken, p)
			continue
		}
		if !strings.HasSuffix(p, "/") && !strings.HasSuffix(p, ".html") {
			continue
		}
		for _, ref := range refs(string(body)) {
			u, err := url.Parse(ref)
			if err != nil {
				broken = append(broken, p+" -> "+ref)
				continue
			}
			if u.Host != "" && u.Host != "example.test" || u.Scheme == "mailto" || u.Path == "" {
				continue
			}
			target := u.Path
			if !strings.HasPrefix(target, "/") {
				base, _ := url.Parse(p)
				target = base.ResolveReference(u).Path
			}
			if !seen[target] {
				seen[target] = true
				queue = append(queue, target)
			}
		}
	}
	if len(broken) > 0 {
		t.Errorf("broken links: %v", broken)
	}
	for _, e := range res.Index.Entries {
		if !seen[e.URL] {
			t.Errorf("brief %s is not reachable from the home page", e.URL)
		}
	}
	for kind, terms := range res.Index.Terms {
		for _, term := range terms {
			if !seen[term.URL] {
				t.Errorf("%s term %s is not reachable", kind, term.URL)
			}
		}
	}
	t.Logf("crawled %d URLs; %d pages rendered", len(seen), res.Pages)

	// On every page, verify's fast scanner finds exactly the links the
	// HTML tokenizer finds, noscript content included (a reader without
	// scripts follows those links, so verify checks them).
	pages := 0
	for name, data := range sitetest.Tree(t, dest) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		if got, want := verify.PageLinks(data), sitetest.TokenizerLinks(data); !slices.Equal(got, want) {
			t.Errorf("%s:\nverify.PageLinks %q\ntokenizer        %q", name, got, want)
		}
	}
	if pages < 100 {
		t.Errorf("only %d pages compared", pages)
	}
}

func refs(doc string) []string {
	var out []string
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" || string(k) == "src" {
					out = append(out, string(v))
				}
				if !more {
					break
				}
			}
		}
	}
}

// The page-weight budgets of issue 8, on the example site: a brief page is at
// most 40 KB of HTML and reading needs no JavaScript (only the search page
// loads a script). Issue 15's: a term page, with its matrix, map and chart,
// is at most 64 KB of HTML, and the full ATT&CK matrix, its own page
// (every technique, whatever the briefs name), at most 128 KB (107 KB at
// 1,000 synthetic briefs). All CSS together is at most 24 KB (20 KB until
// the matrix, map, chart and search-filter styles came; BENCHMARKS.md).
func TestPageWeightBudgets(t *testing.T) {
	dest := examplePublic(t)
	css, terms, fullMatrix := 0, 0, 0
	for name, data := range sitetest.Tree(t, dest) {
		switch {
		case strings.HasSuffix(name, ".css"):
			css += len(data)
		case strings.HasPrefix(name, "briefs/") && strings.HasSuffix(name, "/index.html") && strings.Count(name, "/") == 2:
			if len(data) > 40<<10 {
				t.Errorf("%s is %d bytes; the budget is 40 KB", name, len(data))
			}
		case name == "techniques/matrix/index.html":
			fullMatrix = len(data)
			if len(data) > 128<<10 {
				t.Errorf("%s is %d bytes; the budget of the full ATT&CK matrix is 128 KB", name, len(data))
			}
		case !strings.HasPrefix(name, "briefs/") && strings.HasSuffix(name, "/index.html") && strings.Count(name, "/") == 2:
			terms++
			if len(data) > 64<<10 {
				t.Errorf("%s is %d bytes; the budget of a term page is 64 KB", name, len(data))
			}
		}
		if strings.HasSuffix(name, ".html") && !strings.HasPrefix(name, "search/") && strings.Contains(string(data), "<script") {
			t.Errorf("%s loads a script; reading must not need JavaScript", name)
		}
	}
	if fullMatrix == 0 {
		t.Error("no full ATT&CK matrix page, techniques/matrix/, to weigh")
	}
	if terms < 100 {
		t.Errorf("%d term pages weighed; the example site has more", terms)
	}
	if css > 24<<10 {
		t.Errorf("the CSS is %d bytes; the budget is 24 KB", css)
	}
}

// TestPagesAreWholeAndMinified checks what package splice puts into the
// pages after Hugo has minified them (the lists the generator renders):
// every marker of the example site's pages was replaced, and Hugo's HTML
// minifier (with no SVG minifier, as the build runs it) would not change a
// byte of any page, so the fragments went in minified.
func TestPagesAreWholeAndMinified(t *testing.T) {
	dest := examplePublic(t)
	m := minify.New()
	m.Add("text/html", splice.HTMLMinifier())
	pages := 0
	for name, data := range sitetest.Tree(t, dest) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		if splice.Has(data) {
			t.Errorf("%s: a fragment's marker is left in the page", name)
		}
		out, err := m.Bytes("text/html", data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(out, data) {
			i := 0
			for i < len(out) && i < len(data) && out[i] == data[i] {
				i++
			}
			t.Errorf("%s: the minifier changes it (%d bytes to %d) at byte %d: %.120q", name, len(data), len(out), i, data[max(0, i-40):])
		}
	}
	if pages < 150 {
		t.Errorf("%d pages checked; the example site has more", pages)
	}
}

// TestInlineSVGIsMinified holds every SVG the example site serves, inline
// in its pages (the views, the logo) and as files (the map's outlines, the
// icon), to being written minified already: the build turns Hugo's SVG
// minifier off (package render), so what the layouts, the stage and
// assets/images/ write is what is served. None may be longer than the
// SVG minifier (Hugo's, with its defaults, keeping comments: world.svg
// says where its outlines come from) makes it: a difference of form at the
// same length is allowed (it writes 600 as 6e2), and an inline SVG may be
// shorter (it quotes every attribute, where HTML's syntax need not).
func TestInlineSVGIsMinified(t *testing.T) {
	dest := examplePublic(t)
	m := minify.New()
	m.Add("image/svg+xml", &svg.Minifier{KeepComments: true, KeepNamespaces: []string{"", "x-bind"}})
	check := func(name string, written []byte, params map[string]string) {
		t.Helper()
		var out bytes.Buffer
		if err := m.MinifyMimetype([]byte("image/svg+xml"), &out, bytes.NewReader(written), params); err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if out.Len() < len(written) {
			t.Errorf("%s: an SVG of %d bytes minifies to %d:\n%.600s\nminified:\n%.600s", name, len(written), out.Len(), written, out.Bytes())
		}
	}
	inline, files := 0, 0
	for name, data := range sitetest.Tree(t, dest) {
		switch {
		case strings.HasSuffix(name, ".svg"):
			files++
			check(name, data, nil)
		case strings.HasSuffix(name, ".html"):
			for rest := data; ; {
				i := bytes.Index(rest, []byte("<svg"))
				if i < 0 {
					break
				}
				j := bytes.Index(rest[i:], []byte("</svg>"))
				if j < 0 {
					t.Fatalf("%s: an <svg> without its end", name)
				}
				inline++
				check(name, rest[i:i+j+len("</svg>")], map[string]string{"inline": "1"})
				rest = rest[i+j:]
			}
		}
	}
	// The logo on every page, and a map, an activity chart and campaign bars.
	if inline < 300 || files < 2 {
		t.Errorf("%d inline SVGs and %d SVG files checked; the example site has more", inline, files)
	}
}
