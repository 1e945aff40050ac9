// Package stage turns the relationship index into the content files Hugo
// renders: one normalized page per brief, one generated page per term, a
// list page per taxonomy, and the home and brief-list pages.
//
// It accepts an *index.Index and the vocabularies, and returns files keyed by
// slash path relative to content/ (and data/), ready for render. Front matter
// is JSON (unambiguous, and the fastest format for Hugo to read). Everything
// a template needs to draw links and counts is computed here, from the index,
// so templates never walk all pages. Author bodies are kept as the index
// holds them (the pipeline has defanged their indicators, see package
// indicator), with Hugo shortcode delimiters escaped: a brief is text, not a
// template. A brief page also carries indicator_domains and
// indicator_emails, its indicators the link render hook must never make
// live (layouts/_partials/indicator-link.html), and, if it may be among
// the site feed's newest briefs (feeds.InSiteFeed), feed: its feed item's
// guid and categories.
package stage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/par"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Files maps slash paths to contents.
type Files map[string][]byte

// Site is the staged site.
type Site struct {
	Content Files // relative to content/
	Data    Files // relative to data/
	// Sources maps a content path to the author's file its body came from
	// (a brief, a profile), for messages about the page.
	Sources map[string]string
}

// Options are facts about the build that pages show.
type Options struct {
	// Edition labels a non-public build ("internal: TLP up to green").
	Edition string
	// MaxTLP is the most restricted label in this build.
	MaxTLP brief.TLP
	// Preview marks a build for the local preview server.
	Preview bool
	// CoocLimit caps how many co-occurring terms of each kind a term page
	// lists (the rest are counted). Zero means 10.
	CoocLimit int
	// RelatedCount is how many related briefs a brief page lists (the
	// preview lists none; see Stage).
	RelatedCount int
}

// Link is a term as pages show it.
type Link struct {
	Name  string `json:"name"`
	URL   string `json:"url"`
	ID    string `json:"id,omitempty"`
	Count int    `json:"count,omitempty"`
	Note  string `json:"note,omitempty"`
}

// Group is a titled list of links.
type Group struct {
	Kind  string `json:"kind,omitempty"`
	Title string `json:"title"`
	Items []Link `json:"items"`
}

// Stage builds the site's content.
func Stage(ix *index.Index, v *vocab.Vocab, o Options) (*Site, error) {
	if o.CoocLimit == 0 {
		o.CoocLimit = 10
	}
	s := &Site{Content: Files{}, Data: Files{}, Sources: map[string]string{}}
	// Pages are independent: build and encode them on every core.
	type page struct {
		path string
		fm   func() map[string]any
		body string
		src  string // the author's file, if any
	}
	// The preview server leaves related briefs out: with them, saving one
	// brief would change (and make Hugo re-render) every brief that lists
	// it or now should.
	ro := index.DefaultRelated()
	ro.Count = o.RelatedCount
	if o.Preview {
		ro.Count = 0
	}
	related := ix.Related(ro)
	var pages []page
	for i, e := range ix.Entries {
		pages = append(pages, page{BriefPath(e), func() map[string]any { return briefPage(e, related[i], ix, v) }, e.Brief.Body, e.Brief.File})
	}
	for _, k := range ix.Kinds {
		for _, t := range ix.Terms[k.Name] {
			body, src := "", ""
			if t.Profile != nil {
				body, src = t.Profile.Body, t.Profile.File
			}
			pages = append(pages, page{k.Name + "/" + t.Slug + ".md", func() map[string]any { return termPage(k, t, ix, v, o) }, body, src})
		}
		pages = append(pages, page{k.Name + "/_index.md", func() map[string]any { return kindPage(k, ix, v) }, "", ""})
	}
	out := make([][]byte, len(pages))
	errs := make([]error, len(pages))
	par.For(len(pages), func(i int) { out[i], errs[i] = encode(pages[i].path, pages[i].fm(), pages[i].body) })
	for i, p := range pages {
		if errs[i] != nil {
			return nil, errs[i]
		}
		s.Content[p.path] = out[i]
		if p.src != "" {
			s.Sources[p.path] = p.src
		}
	}
	// A section per year (see BriefPath), neither rendered nor listed.
	for _, e := range ix.Entries {
		p := path.Dir(BriefPath(e)) + "/_index.md"
		if _, done := s.Content[p]; done {
			continue
		}
		if err := s.add(p, map[string]any{
			"title": path.Base(path.Dir(p)),
			"build": map[string]string{"render": "never", "list": "never"},
		}, ""); err != nil {
			return nil, err
		}
	}
	if err := s.add("briefs/_index.md", map[string]any{
		"title":       "Briefs",
		"description": fmt.Sprintf("All %d published briefs, newest first.", len(ix.Entries)),
		"count":       len(ix.Entries),
	}, ""); err != nil {
		return nil, err
	}
	if err := s.add("_index.md", homePage(ix), ""); err != nil {
		return nil, err
	}
	if err := s.add("search/_index.md", searchPage(ix), ""); err != nil {
		return nil, err
	}

	counts := map[string]int{"briefs": len(ix.Entries)}
	for _, k := range ix.Kinds {
		counts[k.Name] = len(ix.Terms[k.Name])
	}
	build, err := json.Marshal(map[string]any{
		"edition":     o.Edition,
		"max_tlp":     o.MaxTLP,
		"attack":      v.AttackVersion,
		"counts":      counts,
		"kinds":       kindLinks(ix.Kinds),
		"latest_date": latestDate(ix),
		"brief_count": len(ix.Entries),
		"preview":     o.Preview,
	})
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	s.Data["build.json"] = build
	return s, nil
}

// Size is the number of bytes staged, content and data.
func (s *Site) Size() int64 {
	var n int64
	for _, files := range []Files{s.Content, s.Data} {
		for _, data := range files {
			n += int64(len(data))
		}
	}
	return n
}

// BriefPath is where a brief's page is staged: under a section for its
// year. Hugo assembles the pages of a section one after another (sections
// in parallel), decoding each page's front matter as it goes: one section
// of 10,000 briefs kept one core busy and the other idle for about a
// second. The URL stays /briefs/<slug>/ (config.toml [permalinks]), and the
// year sections are neither rendered nor listed.
func BriefPath(e *index.Entry) string {
	return "briefs/" + strconv.Itoa(e.Brief.Date.Year()) + "/" + e.Brief.Slug + ".md"
}

func (s *Site) add(path string, fm map[string]any, body string) error {
	data, err := encode(path, fm, body)
	if err != nil {
		return err
	}
	s.Content[path] = data
	return nil
}

// encode writes a content file: JSON front matter, then the body.
func encode(path string, fm map[string]any, body string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fm); err != nil {
		return nil, fmt.Errorf("stage: %s: %w", path, err)
	}
	buf.WriteByte('\n')
	buf.WriteString(EscapeShortcodes(body))
	return buf.Bytes(), nil
}

// EscapeShortcodes makes Hugo print shortcode delimiters instead of running
// them: "{{<" becomes "{{</*" and ">}}" becomes "*/>}}", Hugo's own escape.
func EscapeShortcodes(body string) string {
	if !strings.Contains(body, "{{") {
		return body
	}
	r := strings.NewReplacer("{{<", "{{</*", ">}}", "*/>}}", "{{%", "{{%/*", "%}}", "*/%}}")
	return r.Replace(body)
}

func kindLinks(ks []taxonomy.Kind) []map[string]string {
	out := make([]map[string]string, len(ks))
	for i, k := range ks {
		out[i] = map[string]string{"name": k.Name, "title": k.Title, "url": k.Name + "/"}
	}
	return out
}

func latestDate(ix *index.Index) string {
	if len(ix.Entries) == 0 {
		return ""
	}
	return date(ix.Entries[0])
}

func link(t *index.Term) Link {
	return Link{Name: t.Name, URL: rel(t.URL), ID: displayID(t)}
}

// rel makes a site path relative to the site root ("/actors/x/" →
// "actors/x/"), the form Hugo's relURL resolves against a base URL with a
// path.
func rel(p string) string { return strings.TrimPrefix(p, "/") }

// displayID is the catalogue ID shown beside a name, where it adds something.
func displayID(t *index.Term) string {
	switch t.Kind {
	case "techniques", "mitigations":
		return t.ID
	}
	return ""
}

func date(e *index.Entry) string { return e.Brief.Date.Format("2006-01-02") }
