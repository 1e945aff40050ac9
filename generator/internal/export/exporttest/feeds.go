package exporttest

import (
	"bytes"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/feeds"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// CheckFeed parses data, the feed file called name, with gofeed (which
// detects the format) and checks that it is a feed of wantType ("rss" or
// "json") listing exactly the permalinks of entries (the briefs it is
// about, newest first) up to feeds.Limit, each with a date, and its
// brief's title and summary as text (see CheckFeedText). A JSON Feed item
// has its permalink as its stable ID; an RSS item has the brief's UUID
// (feeds.GUID) and its categories (feeds.Categories over ix). It returns
// the parsed feed.
func CheckFeed(t testing.TB, name string, data []byte, wantType string, ix *index.Index, entries []*index.Entry) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if f.FeedType != wantType {
		t.Errorf("%s: a %s feed, want %s", name, f.FeedType, wantType)
	}
	if wantType == "json" && f.FeedVersion != "https://jsonfeed.org/version/1.1" {
		t.Errorf("%s: JSON Feed version %q", name, f.FeedVersion)
	}
	base := strings.TrimSuffix(BaseURL, "/")
	summaries, titles := map[string]string{}, map[string]string{}
	byLink := map[string]*index.Entry{}
	var want []string
	for i, e := range entries {
		summaries[base+e.URL], titles[base+e.URL] = e.Brief.Summary, e.Brief.Title
		byLink[base+e.URL] = e
		if i < feeds.Limit {
			want = append(want, base+e.URL)
		}
	}
	CheckFeedText(t, name, f, summaries, titles)
	var got []string
	for _, it := range f.Items {
		got = append(got, it.Link)
		if e := byLink[it.Link]; wantType == "rss" && e != nil {
			if want := feeds.GUID(e); it.GUID != want {
				t.Errorf("%s: item %s has GUID %q, want %q", name, it.Link, it.GUID, want)
			}
			if want := feeds.Categories(ix, e); !slices.Equal(it.Categories, want) {
				t.Errorf("%s: item %s has categories %q, want %q", name, it.Link, it.Categories, want)
			}
		} else if it.GUID != it.Link {
			t.Errorf("%s: item %s has id %q; the permalink is its stable id", name, it.Link, it.GUID)
		}
		if wantType == "json" && it.Content != summaries[it.Link] {
			t.Errorf("%s: item %s carries more than its summary", name, it.Link)
		}
		if wantType == "json" && it.Description != "" {
			t.Errorf("%s: item %s repeats its content_text in summary", name, it.Link)
		}
		if it.PublishedParsed == nil {
			t.Errorf("%s: item %s has no parseable date", name, it.Link)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s lists\n%v\nwant\n%v", name, got, want)
	}
	return f
}

// CheckFeedText checks that a parsed feed says its plain texts (titles,
// descriptions, summaries) as text. RSS readers read titles and
// descriptions as HTML: read that way, each must hold no element, and an
// item's must say exactly its brief's title and summary (by permalink in
// titles and summaries). A JSON Feed item's content_text is plain text: it
// must be the summary as it is.
func CheckFeedText(t testing.TB, name string, f *gofeed.Feed, summaries, titles map[string]string) {
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
		desc := it.Description // RSS: the description; JSON Feed: content_text
		if f.FeedType == "json" {
			desc = it.Content
		}
		if got := text("item description", desc); got != summaries[it.Link] {
			t.Errorf("%s: item %s: the description says %q, want the summary %q", name, it.Link, got, summaries[it.Link])
		}
	}
}

// asHTML reads s as a feed reader reads an RSS title or description: as
// HTML. It returns the text and the elements found.
func asHTML(t testing.TB, s string) (text string, elements []string) {
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

// CheckJSONFeedSchema validates every JSON Feed among files (feed.json
// files, by path) against the JSON Feed schema in ../shared/schemas/jsonfeed.
// It runs as a subtest, which skips without the schemas (and fails under
// CI=true), and fails if fewer than atLeast feeds were validated.
func CheckJSONFeedSchema(t *testing.T, files map[string][]byte, atLeast int) {
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
		if n < atLeast {
			t.Errorf("only %d JSON Feeds validated, want at least %d", n, atLeast)
		}
	})
}
