package export_test

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// asHTML reads s as a feed reader reads an RSS title or description: as
// HTML. It returns the text and the elements found.
func asHTML(t *testing.T, s string) (text string, elements []string) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			elements = append(elements, n.Data)
		case html.TextNode:
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return b.String(), elements
}

// checkFeedText checks that a parsed feed says its plain texts (titles,
// descriptions, summaries) as text. RSS readers read titles and
// descriptions as HTML: read that way, each must hold no element and say
// exactly the brief's title and summary. JSON Feed's summary and
// content_text are plain text: each must be the summary as it is.
func checkFeedText(t *testing.T, name string, f *gofeed.Feed, summaries, titles map[string]string) {
	t.Helper()
	text := func(what, s string) string {
		if f.FeedType != "rss" {
			return s
		}
		txt, elements := asHTML(t, s)
		if len(elements) > 0 {
			t.Errorf("%s: the %s %q, read as HTML, holds the elements %v", name, what, s, elements)
		}
		return txt
	}
	text("feed title", f.Title)
	text("feed description", f.Description)
	for _, it := range f.Items {
		if got := text("item title", it.Title); got != titles[it.Link] {
			t.Errorf("%s: item %s: the title says %q, want %q", name, it.Link, got, titles[it.Link])
		}
		if got := text("item description", it.Description); got != summaries[it.Link] {
			t.Errorf("%s: item %s: the description says %q, want the summary %q", name, it.Link, got, summaries[it.Link])
		}
	}
}

// Summaries, titles, source and actor names that look like HTML reach every
// feed (the site's, made by Hugo, and each term's) as text.
func TestFeedsCarryTextNotMarkup(t *testing.T) {
	s := exporttest.Project(t, `
-- content/actors/bold-co/_index.md --
---
title: "<b>Bold</b> & Co"
summary: "<script>alert('profile')</script>"
---
-- content/briefs/2024/xss.md --
---
title: "<i>Italic</i> & \"quotes\" 'n' AT&amp;T"
date: 2024-05-03
summary: "<img src=x onerror=alert('summary')> &amp; <a href=https://evil.example>more</a>"
tlp: clear
sources:
  - name: "<b>Bold Source</b>"
    url: https://example.org/
actors: ["<b>Bold</b> & Co"]
---
Body.
`)
	files := s.Files(t)
	xss := "https://briefs.test/briefs/xss/"
	b := s.Result.Index.Entries[0].Brief
	summaries, titles := map[string]string{xss: b.Summary}, map[string]string{xss: b.Title}
	names := []string{"index.xml", "feed.json"}
	for _, k := range s.Result.Index.Kinds {
		for _, term := range s.Result.Index.Terms[k.Name] {
			for _, f := range export.TermFeeds(term) {
				names = append(names, f.Path)
			}
		}
	}
	for _, want := range []string{"actors/bold-co/index.xml", "sources/b-bold-source-b/index.xml"} {
		if !slices.Contains(names, want) {
			t.Errorf("no feed %s among %v", want, names)
		}
	}
	for _, name := range names {
		f := parseFeed(t, files, name)
		if len(f.Items) != 1 || f.Items[0].Link != xss {
			t.Fatalf("%s: items %v", name, f.Items)
		}
		checkFeedText(t, name, f, summaries, titles)
		if f.FeedType == "json" && f.Items[0].Description != "<img src=x onerror=alert('summary')> &amp; <a href=https://evil.example>more</a>" {
			t.Errorf("%s: the JSON Feed summary is %q, not the summary as written", name, f.Items[0].Description)
		}
	}
	checkJSONFeedSchema(t, files)
}

// checkJSONFeedSchema validates every JSON Feed of a site (feed.json files:
// the site's, written by Hugo, and each term's) against the JSON Feed
// schema in ../shared/schemas/jsonfeed. It runs as a subtest, which skips
// without the schemas (and fails under CI=true).
func checkJSONFeedSchema(t *testing.T, files map[string][]byte) {
	t.Run("JSON Feed schema", func(t *testing.T) {
		sch, ok := sitetest.LoadSchemas(t, sitetest.SharedSchemas(t, "jsonfeed")).Compile(t, "feed.json")
		if !ok {
			t.Fatal("no feed.json schema")
		}
		if sitetest.Validate(t, sch, []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"url":"https://x.test/","content_text":"x"}]}`)) == nil {
			t.Fatal("the schema accepts an item without an id: it checks nothing")
		}
		n := 0
		for name, data := range files {
			if path.Base(name) != "feed.json" {
				continue
			}
			n++
			if err := sitetest.Validate(t, sch, data); err != nil {
				t.Errorf("%s does not match the JSON Feed schema: %v", name, err)
			}
		}
		if n < 2 {
			t.Errorf("only %d JSON Feeds validated", n)
		}
	})
}
