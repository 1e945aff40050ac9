package feeds_test

import (
	"encoding/xml"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/feeds"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// feedType is gofeed's name of a feed's format, by media type.
var feedType = map[string]string{export.RSSType: "rss", export.JSONFeedType: "json"}

// checkTermFeeds checks every term's feeds, RSS and JSON Feed: each lists
// exactly the term's briefs, newest first, with stable IDs and their
// summaries as text; the JSON Feeds match the schema; nothing else was
// written. It returns the parsed feeds by path.
func checkTermFeeds(t *testing.T, s *export.Site, files map[string][]byte) map[string]*gofeed.Feed {
	t.Helper()
	out := map[string]*gofeed.Feed{}
	for _, k := range s.Index.Kinds {
		for _, term := range s.Index.Terms[k.Name] {
			for _, f := range export.TermFeeds(term) {
				data, ok := files[f.Path]
				if !ok {
					t.Errorf("no feed %s", f.Path)
					continue
				}
				out[f.Path] = exporttest.CheckFeed(t, f.Path, data, feedType[f.Type], s.Index, term.Entries)
			}
		}
	}
	if len(out) != len(files) {
		t.Errorf("%d term feeds checked, %d files written", len(out), len(files))
	}
	exporttest.CheckJSONFeedSchema(t, files, len(out)/2)
	return out
}

func TestTermFeeds(t *testing.T) {
	t.Parallel()
	for name, s := range exporttest.Libraries(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := checkTermFeeds(t, s, exporttest.Export(t, s, feeds.Exporter{})); len(got) < 20 {
				t.Errorf("only %d term feeds", len(got))
			}
		})
	}
}

// An actor's feeds list the public briefs naming it, not the amber one, and
// say where they and the actor's page are.
func TestActorFeed(t *testing.T) {
	t.Parallel()
	s := exporttest.Fixture(t, "")
	files := exporttest.Export(t, s, feeds.Exporter{})
	wren, _ := s.Index.Term("actors", "copper-wren")
	f := exporttest.CheckFeed(t, "feed.json", files["actors/copper-wren/feed.json"], "json", s.Index, wren.Entries)
	if len(f.Items) != 2 || f.Items[0].Link != "https://briefs.test/briefs/slate-heron/" || f.Items[1].Link != "https://briefs.test/briefs/harbor-lure/" {
		t.Errorf("Copper Wren's JSON Feed: %v", f.Items)
	}
	if f.FeedLink != "https://briefs.test/actors/copper-wren/feed.json" || f.Link != "https://briefs.test/actors/copper-wren/" {
		t.Errorf("feed links: %q %q", f.FeedLink, f.Link)
	}
	if f.Title != "Copper Wren (actor) · Threat Briefs" {
		t.Errorf("feed title %q", f.Title)
	}
	if f.Items[0].UpdatedParsed == nil || f.Items[0].UpdatedParsed.Format("2006-01-02") != "2024-06-20" {
		t.Errorf("the updated brief has no date_modified: %v", f.Items[0].Updated)
	}
	rss := exporttest.CheckFeed(t, "index.xml", files["actors/copper-wren/index.xml"], "rss", s.Index, wren.Entries)
	if rss.Link != "https://briefs.test/actors/copper-wren/" || rss.Language != "en" {
		t.Errorf("RSS link %q, language %q", rss.Link, rss.Language)
	}
}

// Summaries, titles, source and actor names that look like HTML reach every
// term's feeds as text.
func TestFeedsCarryTextNotMarkup(t *testing.T) {
	t.Parallel()
	s := exporttest.Library(t, exporttest.HostileArchive, "")
	files := exporttest.Export(t, s, feeds.Exporter{})
	for _, want := range []string{"actors/bold-co/index.xml", "sources/b-bold-source-b/index.xml"} {
		if files[want] == nil {
			t.Errorf("no feed %s", want)
		}
	}
	for name, f := range checkTermFeeds(t, s, files) {
		if f.FeedType == "json" && f.Items[0].Content != "<img src=x onerror=alert('summary')> &amp; <a href=https://evil.example>more</a>" {
			t.Errorf("%s: the JSON Feed content_text is %q, not the summary as written", name, f.Items[0].Content)
		}
	}
}

// A feed lists the newest feeds.Limit briefs naming its term.
func TestFeedsListTheNewest(t *testing.T) {
	t.Parallel()
	term := &index.Term{Slug: "energy", URL: "/sectors/energy/"}
	term.Kind, term.Name = "sectors", "Energy"
	for i := range feeds.Limit + 5 { // newest first, as the index orders them
		slug := fmt.Sprintf("brief-%02d", i)
		term.Entries = append(term.Entries, &index.Entry{URL: "/briefs/" + slug + "/",
			Brief: &brief.Brief{Slug: slug, Title: "Brief " + slug, Summary: "About " + slug, Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -i)}})
	}
	ix := &index.Index{Kinds: taxonomy.Kinds(), Entries: term.Entries, Terms: map[string][]*index.Term{"sectors": {term}}}
	s := &export.Site{Index: ix, BaseURL: exporttest.BaseURL, Title: exporttest.Title, Language: exporttest.Language}
	files := exporttest.Export(t, s, feeds.Exporter{})
	for _, f := range export.TermFeeds(term) {
		if got := exporttest.CheckFeed(t, f.Path, files[f.Path], feedType[f.Type], s.Index, term.Entries); len(got.Items) != feeds.Limit {
			t.Errorf("%s lists %d briefs, want %d", f.Path, len(got.Items), feeds.Limit)
		}
	}
}

// A term feed's items carry the brief's UUID as a GUID that is not a
// permalink and its actors, sectors and techniques as plain-text
// categories (a name with markup arrives as those characters), the same
// item in the feed of each term the brief names.
func TestRSSItems(t *testing.T) {
	t.Parallel()
	s := exporttest.Library(t, `
-- content/briefs/2024/odd.md --
---
title: "Odd names"
date: 2024-05-01
summary: "s"
tlp: clear
actors: ["Tom & <Jerry>"]
sectors: [Energy]
countries: [NL]
techniques: [T1190, T1059.001]
---
Body.
`, "")
	files := exporttest.Export(t, s, feeds.Exporter{})
	type item struct {
		GUID struct {
			IsPermaLink string `xml:"isPermaLink,attr"`
			Value       string `xml:",chardata"`
		} `xml:"guid"`
		Categories []string `xml:"category"`
	}
	for _, kind := range []string{"actors", "sectors", "techniques", "countries"} {
		term := s.Index.Terms[kind][0]
		data := files[export.TermRSS(term)]
		var rss struct {
			Items []item `xml:"channel>item"`
		}
		if err := xml.Unmarshal(data, &rss); err != nil {
			t.Fatalf("%s: %v\n%s", kind, err, data)
		}
		if len(rss.Items) != 1 {
			t.Fatalf("%s: %d items", kind, len(rss.Items))
		}
		it := rss.Items[0]
		if it.GUID.Value != "urn:uuid:"+stix.ReportUUID("odd") || it.GUID.IsPermaLink != "false" {
			t.Errorf("GUID %+v", it.GUID)
		}
		want := []string{"Tom & <Jerry>", "Energy", "Exploit Public-Facing Application - T1190", "Command and Scripting Interpreter: PowerShell - T1059.001"}
		if !slices.Equal(it.Categories, want) {
			t.Errorf("%s: categories %q, want %q", kind, it.Categories, want)
		}
	}
}
