package feeds_test

import (
	"encoding/xml"
	"slices"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp"
	"github.com/threatbriefs/threatbriefs/generator/internal/feeds"
)

// A term feed's items carry the brief's UUID as a GUID that is not a
// permalink and its actors, sectors and techniques as plain-text
// categories (a name with markup arrives as those characters), the same
// item in the feed of each term the brief names.
func TestRSSItems(t *testing.T) {
	c := exporttest.Check(t, `
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
	items, err := feeds.NewItems(feeds.Site{Title: "T", BaseURL: "https://briefs.test/", Language: "en"}, c.Index, nil)
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		GUID struct {
			IsPermaLink string `xml:"isPermaLink,attr"`
			Value       string `xml:",chardata"`
		} `xml:"guid"`
		Categories []string `xml:"category"`
	}
	for _, kind := range []string{"actors", "sectors", "techniques", "countries"} {
		term := c.Index.Terms[kind][0]
		data, err := feeds.RSS(items, term, kind)
		if err != nil {
			t.Fatal(err)
		}
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
		if it.GUID.Value != "urn:uuid:"+misp.EventUUID("odd") || it.GUID.IsPermaLink != "false" {
			t.Errorf("GUID %+v", it.GUID)
		}
		want := []string{"Tom & <Jerry>", "Energy", "Exploit Public-Facing Application - T1190", "Command and Scripting Interpreter: PowerShell - T1059.001"}
		if !slices.Equal(it.Categories, want) {
			t.Errorf("%s: categories %q, want %q", kind, it.Categories, want)
		}
	}
}
