// Package feeds writes the RSS 2.0 and JSON Feed 1.1 feed of every term: the
// briefs naming it, newest first, with summaries rather than full pages.
//
// Exporter accepts an export.Site (it reads the index and the site's title,
// base URL and language) and writes <kind>/<slug>/index.xml and
// <kind>/<slug>/feed.json for every term (export.TermFeeds). Term feeds are
// written here rather than as Hugo output formats: a library has thousands of
// terms, Hugo would render each feed's items again for every term naming the
// brief (its partial cache holds only 1,000 entries), and the generator
// already holds every item in its index. The site's own feeds (index.xml,
// feed.json at the root) stay Hugo templates; both kinds give a brief the
// same item: its permalink as link (and JSON Feed id), its title, date and
// summary, and in RSS a GUID and categories for the platforms that ingest
// feeds (GUID and Categories, which the stage hands the site feed's
// template).
//
// A brief is an item of the feed of every term it names, so each item is
// encoded (and its RSS minified, through the sink's Minify) once, and the
// feeds are spliced from the items: minifying every feed whole would
// minify each item again in every feed that lists it.
//
// Feed readers read an RSS title and description as HTML, so the RSS feeds
// carry text HTML-escaped (then XML-escaped by encoding/xml): a summary
// saying "<img src=x>" reaches the reader as those characters. JSON Feed
// says which is which (content_text is plain text), so it carries the text
// as it is. A JSON Feed item's text is the brief's summary, in content_text
// (which JSON Feed requires, or content_html) and not again in summary: the
// optional summary would repeat it in every item of every feed (15 MB of
// 10,000 briefs' term feeds), and readers show content_text where an item
// has no summary.
package feeds

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/par"
)

// Limit is how many briefs a feed lists.
const Limit = 50

// Exporter writes every term's feeds.
type Exporter struct{}

// Name is "feeds".
func (Exporter) Name() string { return "feeds" }

// Export writes the RSS feed and the JSON Feed of every term of s through
// out.
func (Exporter) Export(s *export.Site, out export.Sink) error {
	items, err := NewItems(s, func(x []byte) ([]byte, error) { return out.Minify("application/xml", x) })
	if err != nil {
		return err
	}
	for _, k := range s.Index.Kinds {
		for _, t := range s.Index.Terms[k.Name] {
			data, err := RSS(items, t, k.Singular)
			if err != nil {
				return err
			}
			if err := out.WriteMinified(export.TermRSS(t), data); err != nil {
				return err
			}
			if data, err = JSON(items, t, k.Singular); err != nil {
				return err
			}
			if err := out.Write(export.TermJSONFeed(t), data); err != nil {
				return err
			}
		}
	}
	return nil
}

func abs(s *export.Site, path string) string { return strings.TrimSuffix(s.BaseURL, "/") + path }

func title(s *export.Site, t *index.Term, singular string) string {
	return fmt.Sprintf("%s (%s) · %s", t.Name, singular, s.Title)
}

func description(s *export.Site, t *index.Term) string {
	return fmt.Sprintf("Briefs naming %s on %s", t.Name, s.Title)
}

type rssItem struct {
	XMLName     xml.Name `xml:"item"`
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Description string   `xml:"description"`
	Categories  []string `xml:"category"`
}

// InSiteFeed reports whether a brief may be an item of the site's RSS feed,
// which Hugo renders (layouts/home.rss.xml): the Limit newest briefs, in
// Hugo's order, whose tie-breaks between briefs of one date are its own.
// Every brief dated on or after the Limit-th newest may be; the stage gives
// those, and only those, the GUID and categories the feed's items need
// (front matter Hugo decodes for every page it is given to).
func InSiteFeed(ix *index.Index, e *index.Entry) bool {
	if len(ix.Entries) <= Limit {
		return true
	}
	return !e.Brief.Date.Before(ix.Entries[Limit-1].Brief.Date)
}

// GUID is a brief's RSS <guid> (isPermaLink="false"): urn:uuid: and the
// brief's UUID (stix.ReportUUID), the ID of its STIX report and its MISP
// event too, which outlives a change of domain or path.
func GUID(e *index.Entry) string { return "urn:uuid:" + stix.ReportUUID(e.Brief.Slug) }

// Categories are a brief's RSS <category> elements: its terms of every
// kind that is a taxonomy.Kind.FeedCategory (actors, sectors,
// techniques), in the brief's order, each by name, and a term with an ID
// by name and ID ("Exploit Public-Facing Application - T1190", the form
// of misp-galaxy's ATT&CK values). They carry no domain attribute:
// OpenCTI's RSS ingestion reads each category as a string, and parses an
// element with an attribute into an object it cannot trim.
func Categories(ix *index.Index, e *index.Entry) []string {
	var out []string
	for _, k := range ix.Kinds {
		if !k.FeedCategory {
			continue
		}
		for _, t := range e.Terms[k.Name] {
			if t.ID != "" {
				out = append(out, t.Name+" - "+t.ID)
			} else {
				out = append(out, t.Name)
			}
		}
	}
	return out
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type atomLink struct {
	XMLName xml.Name `xml:"atom:link"`
	Href    string   `xml:"href,attr"`
	Rel     string   `xml:"rel,attr"`
	Type    string   `xml:"type,attr"`
}

type rssChannel struct {
	Title         string   `xml:"title"`
	Link          string   `xml:"link"`
	Description   string   `xml:"description"`
	Language      string   `xml:"language"`
	LastBuildDate string   `xml:"lastBuildDate,omitempty"`
	Self          atomLink `xml:"atom:link"`
}

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

const rssDate = "Mon, 02 Jan 2006 15:04:05 -0700"

// Items are the items of a library's briefs, RSS and JSON Feed, each
// encoded once: a brief is an item of the feeds of every term it names,
// the same bytes in each.
type Items struct {
	s      *export.Site
	rss    map[*index.Entry][]byte
	json   map[*index.Entry][]byte
	minify func(xml []byte) ([]byte, error)
}

// NewItems encodes the items of every brief of s. minify, when not nil,
// minifies XML: RSS items are then minified once, here, and RSS minifies
// the rest of each feed, so a feed is minified without minifying its items
// again in every feed that lists them.
func NewItems(s *export.Site, minify func(xml []byte) ([]byte, error)) (*Items, error) {
	ix := s.Index
	if minify == nil {
		minify = func(xml []byte) ([]byte, error) { return xml, nil }
	}
	type encoded struct {
		rss, json []byte
		err       error
	}
	all := make([]encoded, len(ix.Entries))
	par.For(len(ix.Entries), func(i int) {
		e, r := ix.Entries[i], &all[i]
		u := abs(s, e.URL)
		r.rss, r.err = xml.Marshal(rssItem{Title: html.EscapeString(e.Brief.Title), Link: u, GUID: rssGUID{"false", GUID(e)},
			PubDate: e.Brief.Date.Format(rssDate), Description: html.EscapeString(e.Brief.Summary), Categories: Categories(ix, e)})
		if r.err != nil {
			return
		}
		if r.rss, r.err = minify(r.rss); r.err != nil {
			return
		}
		it := jsonItem{ID: u, URL: u, Title: e.Brief.Title, ContentText: e.Brief.Summary,
			DatePublished: e.Brief.Date.Format(jsonDate)}
		if !e.Brief.Updated.IsZero() && !e.Brief.Updated.Equal(e.Brief.Date) {
			it.DateModified = e.Brief.Updated.Format(jsonDate)
		}
		r.json, r.err = export.JSON(it)
	})
	items := &Items{s: s, rss: make(map[*index.Entry][]byte, len(ix.Entries)), json: make(map[*index.Entry][]byte, len(ix.Entries)), minify: minify}
	for i, e := range ix.Entries {
		if all[i].err != nil {
			return nil, fmt.Errorf("feeds: %s: %w", e.URL, all[i].err)
		}
		items.rss[e], items.json[e] = all[i].rss, all[i].json
	}
	return items, nil
}

// splice writes doc, an encoded feed whose list of items is empty and
// ends it (its last end bytes), with the encoded items of t's newest
// briefs in that list, joined by sep.
func splice(doc []byte, end, sep string, t *index.Term, items map[*index.Entry][]byte) ([]byte, error) {
	if !bytes.HasSuffix(doc, []byte(end)) {
		return nil, fmt.Errorf("feeds: %s: the items do not end the feed", t.URL)
	}
	entries := t.Entries[:min(len(t.Entries), Limit)]
	n := len(doc)
	for _, e := range entries {
		item, ok := items[e]
		if !ok {
			return nil, fmt.Errorf("feeds: %s: no item for %s", t.URL, e.URL)
		}
		n += len(sep) + len(item)
	}
	// One byte more than it needs: the minifier's input wants room for a
	// terminating NUL, or it copies the whole feed to add one.
	out := append(make([]byte, 0, n+1), doc[:len(doc)-len(end)]...)
	for i, e := range entries {
		if i > 0 {
			out = append(out, sep...)
		}
		out = append(out, items[e]...)
	}
	return append(out, end...), nil
}

// RSS returns a term's RSS 2.0 feed, its items from items, minified with
// their minifier.
func RSS(items *Items, t *index.Term, singular string) ([]byte, error) {
	s := items.s
	ch := rssChannel{
		Title:       html.EscapeString(title(s, t, singular)),
		Link:        abs(s, t.URL),
		Description: html.EscapeString(description(s, t)),
		Language:    s.Language,
		Self:        atomLink{Href: abs(s, "/"+export.TermRSS(t)), Rel: "self", Type: export.RSSType},
	}
	if len(t.Entries) > 0 {
		ch.LastBuildDate = t.Entries[0].Brief.Date.Format(rssDate)
	}
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="utf-8" standalone="yes"?>`)
	if err := xml.NewEncoder(&buf).Encode(rss{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: ch}); err != nil {
		return nil, fmt.Errorf("feeds: %s: %w", t.URL, err)
	}
	doc, err := items.minify(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("feeds: %s: %w", t.URL, err)
	}
	// The items go last in the channel, which ends the document.
	return splice(doc, "</channel></rss>", "", t, items.rss)
}

type jsonItem struct {
	ID            string `json:"id"`
	URL           string `json:"url"`
	Title         string `json:"title"`
	ContentText   string `json:"content_text"`
	DatePublished string `json:"date_published"`
	DateModified  string `json:"date_modified,omitempty"`
}

type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url"`
	FeedURL     string     `json:"feed_url"`
	Description string     `json:"description"`
	Language    string     `json:"language"`
	Items       []jsonItem `json:"items"`
}

const jsonDate = "2006-01-02T15:04:05Z07:00"

// JSON returns a term's JSON Feed 1.1.
func JSON(items *Items, t *index.Term, singular string) ([]byte, error) {
	s := items.s
	f := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       title(s, t, singular),
		HomePageURL: abs(s, t.URL),
		FeedURL:     abs(s, "/"+export.TermJSONFeed(t)),
		Description: description(s, t),
		Language:    s.Language,
		Items:       []jsonItem{},
	}
	doc, err := export.JSON(f)
	if err != nil {
		return nil, fmt.Errorf("feeds: %s: %w", t.URL, err)
	}
	// The items are the feed object's last member.
	return splice(doc, "]}", ",", t, items.json)
}
