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
// same item: its permalink as id and GUID, its title, date and summary.
//
// Feed readers read an RSS title and description as HTML, so the RSS feeds
// carry text HTML-escaped (then XML-escaped by encoding/xml): a summary
// saying "<img src=x>" reaches the reader as those characters. JSON Feed
// says which is which (summary and content_text are plain text), so it
// carries the text as it is.
package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
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
	for _, k := range s.Index.Kinds {
		for _, t := range s.Index.Terms[k.Name] {
			data, err := RSS(s, t, k.Singular)
			if err != nil {
				return err
			}
			if err := out.Write(export.TermRSS(t), data); err != nil {
				return err
			}
			if data, err = JSON(s, t, k.Singular); err != nil {
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
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	GUID        rssGUID `xml:"guid"`
	PubDate     string  `xml:"pubDate"`
	Description string  `xml:"description"`
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
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

const rssDate = "Mon, 02 Jan 2006 15:04:05 -0700"

// RSS returns a term's RSS 2.0 feed.
func RSS(s *export.Site, t *index.Term, singular string) ([]byte, error) {
	ch := rssChannel{
		Title:       html.EscapeString(title(s, t, singular)),
		Link:        abs(s, t.URL),
		Description: html.EscapeString(description(s, t)),
		Language:    s.Language,
		Self:        atomLink{Href: abs(s, "/"+export.TermRSS(t)), Rel: "self", Type: export.RSSType},
	}
	for i, e := range t.Entries {
		if i == Limit {
			break
		}
		if i == 0 {
			ch.LastBuildDate = e.Brief.Date.Format(rssDate)
		}
		u := abs(s, e.URL)
		ch.Items = append(ch.Items, rssItem{Title: html.EscapeString(e.Brief.Title), Link: u, GUID: rssGUID{"true", u},
			PubDate: e.Brief.Date.Format(rssDate), Description: html.EscapeString(e.Brief.Summary)})
	}
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="utf-8" standalone="yes"?>`)
	if err := xml.NewEncoder(&buf).Encode(rss{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: ch}); err != nil {
		return nil, fmt.Errorf("feeds: %s: %w", t.URL, err)
	}
	return buf.Bytes(), nil
}

type jsonItem struct {
	ID            string `json:"id"`
	URL           string `json:"url"`
	Title         string `json:"title"`
	Summary       string `json:"summary"`
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
func JSON(s *export.Site, t *index.Term, singular string) ([]byte, error) {
	f := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       title(s, t, singular),
		HomePageURL: abs(s, t.URL),
		FeedURL:     abs(s, "/"+export.TermJSONFeed(t)),
		Description: description(s, t),
		Language:    s.Language,
		Items:       []jsonItem{},
	}
	for i, e := range t.Entries {
		if i == Limit {
			break
		}
		u := abs(s, e.URL)
		it := jsonItem{ID: u, URL: u, Title: e.Brief.Title, Summary: e.Brief.Summary, ContentText: e.Brief.Summary,
			DatePublished: e.Brief.Date.Format(jsonDate)}
		if !e.Brief.Updated.IsZero() && !e.Brief.Updated.Equal(e.Brief.Date) {
			it.DateModified = e.Brief.Updated.Format(jsonDate)
		}
		f.Items = append(f.Items, it)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("feeds: %s: %w", t.URL, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
