// Package batch divides a staged site into parts that Hugo can render one
// after another, so that a large library is never held by Hugo all at once.
//
// It accepts the staged content as package stage writes it: slash paths
// relative to content/, each file one line of JSON front matter, a newline
// and the body. It knows nothing of the kinds of pages; it relies on two
// facts of the staged site (package stage documents them):
//
//   - A regular page (any file not named _index.md: a brief's page, a
//     term's page) is rendered from its own front matter and body alone.
//     No template walks the term pages, and the lists of briefs (the
//     briefs' section and its pager, the home page, the site feeds) read a
//     few keys of each brief's front matter: ListKeys.
//   - A list page (_index.md: the home page, the sections, the kinds' lists)
//     and what Hugo writes for the whole site (the sitemap, robots.txt, the
//     404 page, the site feeds) need every page to be present, but not
//     rendered.
//
// Split therefore returns a site part, which holds every list page and, for
// each regular page, a stub: its list keys and `build: {render: link}`, so
// that Hugo lists it, gives it its URL (for the sitemap and the lists) and
// writes nothing for it; and page parts, which hold the regular pages
// themselves, up to a number of bytes each, with the year sections they
// sit in. Rendered one after another into the same directory (the page
// parts with Hugo's list pages, feeds and sitemap turned off), the parts
// write the same files as one render of the whole site: TestBatchedBuildIs
// ByteIdentical in package pipeline checks it.
//
// Why: Hugo keeps, until its run ends, every page's source, its decoded
// front matter, its page objects and much of its parsed content: about
// five times the staged bytes. Rendered in parts, what Hugo holds at once
// is bounded by the largest part (BENCHMARKS.md, issue 17).
package batch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// ListKeys are the front matter keys a stub keeps: what Hugo needs to list,
// sort and link a page (title, dates, type, weight) and what the lists of
// briefs and the site feeds read of a brief (layouts/_partials/brief-item.html,
// rss-item.xml, jsonfeed-item.html: summary, tlp, card, feed).
// TestListKeysCoverTheListTemplates checks the templates against it.
var ListKeys = []string{"title", "linktitle", "date", "lastmod", "publishdate", "weight", "type", "sitemap", "summary", "tlp", "card", "feed"}

// Part is the content of one render.
type Part struct {
	Content map[string][]byte
	// Pages is true for a part of regular pages only: its render writes
	// their pages and nothing of the whole site.
	Pages bool
	Bytes int64 // the bytes of content it holds, with their extra bytes (Split)
}

// Split divides content into page parts of at most max bytes of regular
// pages each (a page larger than max gets a part of its own) and, last, the
// site part. It returns one part, the whole content, when it holds less
// than twice max bytes: each part is a start of Hugo (its configuration,
// templates and assets) and the site part another, so a site that would
// be split in two page parts and the site part takes three starts of Hugo
// where one would do (a 1,000-brief library of 40 MB staged, with max
// 32 MiB: whole, 6% less wall time for 35 MB more memory; BENCHMARKS.md),
// while the memory its parts would save is at most one part's. A page's
// bytes are its staged bytes and extra[path]: the fragments that go into
// its output (package splice), which wait in memory until it is rendered.
// Split consumes content: each file is deleted from it once a part holds
// it.
func Split(content map[string][]byte, max int64, extra map[string]int64) ([]Part, error) {
	var total int64
	for p, data := range content {
		total += int64(len(data)) + extra[p]
	}
	if total <= max || total/2 < max { // total < 2*max, without overflow
		whole := Part{Content: make(map[string][]byte, len(content)), Bytes: total}
		for p, data := range content {
			whole.Content[p] = data
			delete(content, p)
		}
		return []Part{whole}, nil
	}
	site := Part{Content: map[string][]byte{}}
	var regular []string
	for p := range content {
		if path.Base(p) == "_index.md" {
			continue
		}
		regular = append(regular, p)
	}
	// Pages in path order: a part holds the pages of a few sections
	// (briefs of neighbouring years, the terms of one kind), and the
	// parts are the same from one build to the next.
	slices.Sort(regular)
	var pages []Part
	cur := Part{Content: map[string][]byte{}, Pages: true}
	for _, p := range regular {
		data := content[p]
		stub, err := Stub(data)
		if err != nil {
			return nil, fmt.Errorf("batch: %s: %w", p, err)
		}
		site.Content[p] = stub
		site.Bytes += int64(len(stub))
		size := int64(len(data)) + extra[p]
		if cur.Bytes > 0 && cur.Bytes+size > max {
			pages = append(pages, cur)
			cur = Part{Content: map[string][]byte{}, Pages: true}
		}
		cur.Content[p] = data
		cur.Bytes += size
		delete(content, p)
	}
	if cur.Bytes > 0 {
		pages = append(pages, cur)
	}
	// What is left are the list pages. A page part also gets the sections
	// its pages sit in below the top level (the briefs' year sections,
	// which are neither rendered nor listed), so that each page has the
	// same parent section in its part as in the site.
	for p, data := range content {
		site.Content[p] = data
		site.Bytes += int64(len(data)) + extra[p]
		delete(content, p)
	}
	for i := range pages {
		for p := range pages[i].Content {
			dir := path.Dir(p)
			if !strings.Contains(dir, "/") {
				continue
			}
			idx := dir + "/_index.md"
			if data, ok := site.Content[idx]; ok {
				if _, done := pages[i].Content[idx]; !done {
					pages[i].Content[idx] = data
					pages[i].Bytes += int64(len(data))
				}
			}
		}
	}
	// The site part last: while it renders, with Hugo holding every page's
	// stub, no page part waits in memory.
	return append(pages, site), nil
}

// Stub is the stub of a staged page: its front matter's ListKeys and
// `build: {render: link}`, without its body.
func Stub(data []byte) ([]byte, error) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	var fm map[string]json.RawMessage
	if err := json.Unmarshal(line, &fm); err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	stub := map[string]json.RawMessage{}
	for k, v := range fm {
		if slices.Contains(ListKeys, strings.ToLower(k)) {
			stub[k] = v
		}
	}
	stub["build"] = json.RawMessage(`{"render":"link"}`)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(stub); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
