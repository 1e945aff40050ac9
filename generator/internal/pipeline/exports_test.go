package pipeline_test

import (
	"bytes"
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

type linkTag struct{ rel, typ, href string }

// pageLinks returns a page's <link> tags and the hrefs of its <a> tags.
func pageLinks(t *testing.T, data []byte) (heads []linkTag, anchors []string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			switch n.Data {
			case "link":
				heads = append(heads, linkTag{attr["rel"], attr["type"], attr["href"]})
			case "a":
				anchors = append(anchors, attr["href"])
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return heads, anchors
}

// TestBuiltSite builds the exporters' fixture library and the hostile one
// together into a real site (Hugo and every exporter, through the
// pipeline), and checks what only a built site shows: that pages and
// exports agree, and the feeds as published. The exporters' own tests run
// without Hugo, over the same fixtures (package exporttest); this test
// lives here so that they do not link it.
func TestBuiltSite(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	project := sitetest.Project(t, exporttest.FixtureArchive+exporttest.HostileArchive)
	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: project, Destination: dest, BaseURL: exporttest.BaseURL})
	if err != nil {
		t.Fatal(err)
	}
	files := sitetest.Tree(t, dest)
	ix := res.Index
	if len(ix.Entries) != 4 {
		t.Fatalf("%d briefs published, want the fixture's 3 and the hostile one", len(ix.Entries))
	}

	// Every page's head offers the site's feeds; a term page also offers
	// its own; brief and term pages link their exports, and every export
	// they link was written.
	t.Run("pages link feeds and exports", func(t *testing.T) {
		exists := func(href string) bool {
			u, err := url.Parse(href)
			if err != nil {
				return false
			}
			_, ok := files[strings.TrimPrefix(u.Path, "/")]
			return ok
		}
		pages := 0
		for name, data := range files {
			if !strings.HasSuffix(name, ".html") || name == "404.html" || bytes.Contains(data, []byte(`http-equiv=refresh`)) {
				continue // not a page: the 404 page and Hugo's pagination redirects
			}
			pages++
			heads, _ := pageLinks(t, data)
			for _, want := range []linkTag{{"alternate", export.RSSType, "/" + export.SiteRSS}, {"alternate", export.JSONFeedType, "/" + export.SiteJSONFeed}} {
				if !slices.Contains(heads, want) {
					t.Errorf("%s: no <link rel=alternate type=%s href=%s>", name, want.typ, want.href)
				}
			}
			for _, h := range heads {
				if h.rel == "alternate" && !exists(h.href) {
					t.Errorf("%s: alternate %s was not written", name, h.href)
				}
			}
		}
		if pages < 20 {
			t.Fatalf("only %d pages", pages)
		}
		for _, e := range ix.Entries {
			page := "briefs/" + e.Brief.Slug + "/index.html"
			_, anchors := pageLinks(t, files[page])
			for _, f := range export.ForBrief(e) {
				if !slices.Contains(anchors, "/"+f.Path) || !exists("/"+f.Path) {
					t.Errorf("%s does not link %s, or it was not written", page, f.Path)
				}
			}
		}
		shared := 0
		for _, k := range ix.Kinds {
			for _, term := range ix.Terms[k.Name] {
				page := export.TermDir(term) + "index.html"
				heads, anchors := pageLinks(t, files[page])
				for _, f := range export.TermFeeds(term) {
					if !slices.Contains(heads, linkTag{"alternate", f.Type, "/" + f.Path}) {
						t.Errorf("%s: its head does not offer its %s", page, f.Label)
					}
				}
				for _, f := range append(export.ForTerm(term), export.TermFeeds(term)...) {
					if !slices.Contains(anchors, "/"+f.Path) || !exists("/"+f.Path) {
						t.Errorf("%s does not link %s, or it was not written", page, f.Path)
					}
				}
				// A term named by one brief links that brief's STIX
				// bundle and has none of its own.
				if export.SharesBriefSTIX(term) {
					shared++
					if brief := "/" + export.BriefSTIX(term.Entries[0]); !slices.Contains(anchors, brief) || slices.Contains(anchors, "/"+export.TermSTIX(term)) {
						t.Errorf("%s does not link its brief's bundle %s instead of its own", page, brief)
					}
					if !strings.Contains(string(files[page]), ">"+export.SharedSTIXLabel+"</a>") {
						t.Errorf("%s links its brief's bundle without saying so (%q)", page, export.SharedSTIXLabel)
					}
					if _, ok := files[export.TermSTIX(term)]; ok {
						t.Errorf("%s was written, though one brief names %s", export.TermSTIX(term), term.URL)
					}
				}
			}
		}
		if shared == 0 {
			t.Error("no term shares its brief's STIX bundle: this site no longer tests that")
		}
		_, anchors := pageLinks(t, files["index.html"])
		for _, p := range []string{"/" + export.SiteJSONFeed, "/" + export.BriefsJSON, "/" + export.BriefsCSV, "/" + export.SiteSTIX} {
			if !slices.Contains(anchors, p) || !exists(p) {
				t.Errorf("the home page does not link %s, or it was not written", p)
			}
		}
	})

	// The site's feeds (Hugo templates) and every term's (the feeds
	// exporter, minified by the post-process stage), as published: each
	// lists exactly its briefs, newest first, with stable IDs, and says
	// titles and summaries that look like HTML as text.
	t.Run("feeds", func(t *testing.T) {
		exporttest.CheckFeed(t, export.SiteRSS, files[export.SiteRSS], "rss", ix, ix.Entries)
		exporttest.CheckFeed(t, export.SiteJSONFeed, files[export.SiteJSONFeed], "json", ix, ix.Entries)
		n := 2
		for _, k := range ix.Kinds {
			for _, term := range ix.Terms[k.Name] {
				for _, f := range export.TermFeeds(term) {
					exporttest.CheckFeed(t, f.Path, files[f.Path], map[string]string{export.RSSType: "rss", export.JSONFeedType: "json"}[f.Type], ix, term.Entries)
					n++
				}
			}
		}
		if n < 20 {
			t.Errorf("only %d feeds checked", n)
		}
		exporttest.CheckJSONFeedSchema(t, files, n/2)
	})
}
