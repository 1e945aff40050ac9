package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/feeds"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// feedLimit is how many briefs a feed lists (as the RSS templates do).
const feedLimit = 50

// parseFeed parses one feed file with gofeed, which detects its format.
func parseFeed(t *testing.T, files map[string][]byte, name string) *gofeed.Feed {
	t.Helper()
	data, ok := files[name]
	if !ok {
		t.Fatalf("no feed %s", name)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// wantItems is what a feed of these briefs must list: permalinks, newest
// first, at most feedLimit.
func wantItems(entries []*index.Entry) []string {
	var out []string
	for i, e := range entries {
		if i == feedLimit {
			break
		}
		out = append(out, strings.TrimSuffix(exporttest.BaseURL, "/")+e.URL)
	}
	return out
}

// checkFeeds parses the site's feeds and every term's, RSS and JSON Feed,
// and checks each lists exactly the right briefs with stable IDs and
// summaries.
func checkFeeds(t *testing.T, s *exporttest.Site) {
	t.Helper()
	files := s.Files(t)
	ix := s.Result.Index
	summaries, titles := map[string]string{}, map[string]string{}
	entries := map[string]*index.Entry{}
	for _, e := range ix.Entries {
		summaries[strings.TrimSuffix(exporttest.BaseURL, "/")+e.URL] = e.Brief.Summary
		titles[strings.TrimSuffix(exporttest.BaseURL, "/")+e.URL] = e.Brief.Title
		entries[strings.TrimSuffix(exporttest.BaseURL, "/")+e.URL] = e
	}
	check := func(name, wantType string, want []string) {
		f := parseFeed(t, files, name)
		if f.FeedType != wantType {
			t.Errorf("%s: a %s feed, want %s", name, f.FeedType, wantType)
		}
		checkFeedText(t, name, f, summaries, titles)
		if wantType == "json" && f.FeedVersion != "https://jsonfeed.org/version/1.1" {
			t.Errorf("%s: JSON Feed version %q", name, f.FeedVersion)
		}
		var got []string
		for _, it := range f.Items {
			got = append(got, it.Link)
			// A JSON Feed item's id is its permalink; an RSS item's GUID is
			// the brief's UUID, and it has the brief's categories.
			if e := entries[it.Link]; wantType == "rss" && e != nil {
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
			if it.PublishedParsed == nil {
				t.Errorf("%s: item %s has no parseable date", name, it.Link)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s lists\n%v\nwant\n%v", name, got, want)
		}
	}
	site := wantItems(ix.Entries)
	check("index.xml", "rss", site)
	check("feed.json", "json", site)
	n := 0
	for _, k := range ix.Kinds {
		for _, term := range ix.Terms[k.Name] {
			want := wantItems(term.Entries)
			for _, f := range export.TermFeeds(term) {
				check(f.Path, map[string]string{export.RSSType: "rss", export.JSONFeedType: "json"}[f.Type], want)
				n++
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d term feeds checked", n)
	}
	checkJSONFeedSchema(t, files)
}

func TestFixtureFeeds(t *testing.T) {
	s := exporttest.Fixture(t, "")
	checkFeeds(t, s)
	// The actor's feeds list both public briefs naming it and not the
	// amber one.
	f := parseFeed(t, s.Files(t), "actors/copper-wren/feed.json")
	if len(f.Items) != 2 || f.Items[0].Link != "https://briefs.test/briefs/slate-heron/" || f.Items[1].Link != "https://briefs.test/briefs/harbor-lure/" {
		t.Errorf("Copper Wren's JSON Feed: %v", f.Items)
	}
	if f.FeedLink != "https://briefs.test/actors/copper-wren/feed.json" || f.Link != "https://briefs.test/actors/copper-wren/" {
		t.Errorf("feed links: %q %q", f.FeedLink, f.Link)
	}
	if f.Items[0].UpdatedParsed == nil || f.Items[0].UpdatedParsed.Format("2006-01-02") != "2024-06-20" {
		t.Errorf("the updated brief has no date_modified: %v", f.Items[0].Updated)
	}
}

func TestExampleSiteFeeds(t *testing.T) {
	checkFeeds(t, exporttest.Example(t))
}

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

// Every page's head offers the site's feeds; a term page also offers its
// own; brief and term pages link their exports, and every export they link
// was written.
func TestPagesLinkFeedsAndExports(t *testing.T) {
	s := exporttest.Fixture(t, "")
	files := s.Files(t)
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
		for _, want := range []linkTag{{"alternate", export.RSSType, "/index.xml"}, {"alternate", export.JSONFeedType, "/feed.json"}} {
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
	ix := s.Result.Index
	for _, e := range ix.Entries {
		page := "briefs/" + e.Brief.Slug + "/index.html"
		_, anchors := pageLinks(t, files[page])
		for _, f := range export.ForBrief(e) {
			if !slices.Contains(anchors, "/"+f.Path) || !exists("/"+f.Path) {
				t.Errorf("%s does not link %s, or it was not written", page, f.Path)
			}
		}
	}
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
		}
	}
	_, anchors := pageLinks(t, files["index.html"])
	for _, p := range []string{"/feed.json", "/briefs.json", "/briefs.csv", "/stix/bundle.json"} {
		if !slices.Contains(anchors, p) || !exists(p) {
			t.Errorf("the home page does not link %s, or it was not written", p)
		}
	}
}

// Two builds of the same content write the same bytes.
func TestExportsAreReproducible(t *testing.T) {
	a := exporttest.Fixture(t, "").Files(t)
	b := exporttest.Fixture(t, "").Files(t)
	if d := sitetest.SameTree(a, b); d != "" {
		t.Errorf("two builds differ: %s", d)
	}
	n := 0
	for name := range a {
		for _, suffix := range []string{"stix.json", "navigator.json", "index.json", "feed.json", "index.xml", "briefs.csv", "briefs.json", "bundle.json"} {
			if strings.HasSuffix(name, suffix) {
				n++
				break
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d export files compared", n)
	}
	// The exports are minified JSON.
	for name, data := range a {
		if strings.HasSuffix(name, ".json") && bytes.Contains(data, []byte("\n ")) {
			t.Errorf("%s is indented", name)
		}
	}
}

// briefs.json lists every brief with its claims, campaigns, sources, IOCs
// (machine-usable, refanged) and its STIX bundle.
func TestBriefsJSON(t *testing.T) {
	s := exporttest.Fixture(t, "")
	var doc struct {
		Briefs []struct {
			Slug    string `json:"slug"`
			Updated string `json:"updated"`
			STIX    string `json:"stix"`
			Claims  []struct {
				Actor, By, Confidence string
				Score                 int
			} `json:"claims"`
			Seen []struct {
				Name      string
				FirstSeen string `json:"first_seen"`
				LastSeen  string `json:"last_seen"`
			} `json:"campaigns_seen"`
			Sources []struct{ Publisher, Title, URL string } `json:"sources"`
			IOCs    []struct{ Type, Value string }           `json:"iocs"`
		} `json:"briefs"`
	}
	if err := json.Unmarshal(s.Files(t)["briefs.json"], &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Briefs) != 3 {
		t.Fatalf("%d briefs", len(doc.Briefs))
	}
	h := doc.Briefs[1]
	got := fmt.Sprintf("%s %s %+v %+v %+v %d", h.Slug, h.STIX, h.Claims, h.Seen, h.Sources, len(h.IOCs))
	want := "harbor-lure https://briefs.test/briefs/harbor-lure/stix.json [{Actor:Copper Wren By:Example CERT Confidence:high Score:85}] " +
		"[{Name:Harbor Lure FirstSeen:2024-01 LastSeen:2024-02}] [{Publisher:Example CERT Title:Advisory EX-2024-01 URL:https://cert.example/advisories/ex-2024-01}] 9"
	if got != want {
		t.Errorf("briefs.json harbor-lure:\n%s\nwant\n%s", got, want)
	}
	if doc.Briefs[0].Updated != "2024-06-20" {
		t.Errorf("updated %q", doc.Briefs[0].Updated)
	}
	if !slices.ContainsFunc(h.IOCs, func(i struct{ Type, Value string }) bool { return i.Value == "198.51.100.7" }) {
		t.Error("briefs.json does not carry the refanged IOC value")
	}
}
