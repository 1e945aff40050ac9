// Package postprocess writes the files the generator produces itself (as
// opposed to pages Hugo renders) into a built site, minified.
//
// It accepts the relationship index and the directory Hugo wrote. Every file
// is minified: Writer.Write runs it through one tdewolff/minify instance
// configured for the site's media types, so what the generator writes is
// minified the same way Hugo's minifier (the same library) treats rendered
// pages; Writer.WriteCompact writes as they are the exports that are
// minimal by construction (compact encoding/json output), which the
// minifier would leave unchanged (TestCompactOutputIsMinimal). The jobs
// run concurrently. Errors name the job and file, not the stage: the caller
// does.
package postprocess

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	mjson "github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
	"golang.org/x/sync/errgroup"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/navigator"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/tables"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/taxii"
	"github.com/threatbriefs/threatbriefs/generator/internal/feeds"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/search"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// NewMinifier returns a minifier for every media type the site publishes,
// configured as Hugo configures its own (hugo/minifiers/config.go), so files
// the generator writes and pages Hugo renders are minified alike.
func NewMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepSpecialComments: true, KeepEndTags: true, KeepDefaultAttrVals: true})
	m.Add("text/css", &css.Minifier{})
	m.Add("application/javascript", &js.Minifier{Version: 2022})
	m.AddRegexp(regexp.MustCompile(`[/+]json$`), &mjson.Minifier{})
	m.Add("image/svg+xml", &svg.Minifier{KeepNamespaces: []string{"", "x-bind"}})
	m.AddRegexp(regexp.MustCompile(`[/+]xml$`), &xml.Minifier{})
	return m
}

// MediaType returns the media type of a file by its extension, or "".
func MediaType(name string) string {
	switch filepath.Ext(name) {
	case ".html":
		return "text/html"
	case ".css":
		return "text/css"
	case ".js":
		return "application/javascript"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".xml":
		return "application/xml"
	}
	return ""
}

// Writer writes minified files under a site directory. It is safe for
// concurrent use.
type Writer struct {
	Dir  string
	m    *minify.M
	dirs sync.Map // directories made so far (create)
}

// Site is what a post-process job gets: the index of what is published and
// the facts of this build.
type Site struct {
	Index    *index.Index
	Vocab    *vocab.Vocab
	BaseURL  string // absolute, with a trailing slash
	Title    string // the site's title (config.toml)
	Language string // the site's locale, e.g. "en"
	Out      *Writer

	stixOnce  sync.Once
	stixGraph *stix.Graph
	stixErr   error
}

// STIX returns the site's STIX graph, built by the first job that asks:
// the STIX bundles and the TAXII collections hold the same objects, and
// building them once is most of either job's time.
func (s *Site) STIX() (*stix.Graph, error) {
	s.stixOnce.Do(func() { s.stixGraph, s.stixErr = stix.Build(s.Index, s.Vocab, s.BaseURL) })
	return s.stixGraph, s.stixErr
}

// Job writes one kind of file into the built site.
type Job struct {
	Name string
	Run  func(s *Site) error
}

// Jobs returns the post-process jobs. Run runs them concurrently: each
// writes files of its own.
func Jobs() []Job {
	return []Job{
		{Name: "briefs.json", Run: func(s *Site) error {
			return s.Out.StreamCompact("briefs.json", func(w io.Writer) error { return WriteBriefsJSON(w, s.Index, s.BaseURL) })
		}},
		{Name: "feeds", Run: func(s *Site) error {
			fs := feeds.Site{Title: s.Title, BaseURL: s.BaseURL, Language: s.Language}
			// RSS comes out minified: each brief's item is minified once.
			items, err := feeds.NewItems(fs, s.Index, func(x []byte) ([]byte, error) { return s.Out.m.Bytes("application/xml", x) })
			if err != nil {
				return err
			}
			for _, k := range s.Index.Kinds {
				for _, t := range s.Index.Terms[k.Name] {
					data, err := feeds.RSS(items, t, k.Singular)
					if err != nil {
						return err
					}
					if err := s.Out.WriteCompact(export.TermRSS(t), data); err != nil {
						return err
					}
					if data, err = feeds.JSON(items, t, k.Singular); err != nil {
						return err
					}
					if err := s.Out.WriteCompact(export.TermJSONFeed(t), data); err != nil {
						return err
					}
				}
			}
			return nil
		}},
		{Name: search.Path, Run: func(s *Site) error {
			data, err := search.Script(s.Index)
			if err != nil {
				return err
			}
			return s.Out.Write(search.Path, data)
		}},
		// The exports are compact encoding/json output: written as they are.
		{Name: "stix", Run: func(s *Site) error {
			g, err := s.STIX()
			if err != nil {
				return err
			}
			return stix.WriteGraph(g, s.Index, s.Out.Compact())
		}},
		{Name: "taxii", Run: func(s *Site) error {
			g, err := s.STIX()
			if err != nil {
				return err
			}
			return taxii.Write(g, s.Index, s.Title, s.BaseURL, s.Out.Compact())
		}},
		{Name: "misp", Run: func(s *Site) error { return misp.Write(s.Index, s.Vocab, s.BaseURL, s.Title, s.Out.Compact()) }},
		{Name: "navigator", Run: func(s *Site) error { return navigator.Write(s.Index, s.Vocab, s.BaseURL, s.Out.WriteCompact) }},
		{Name: "tables", Run: func(s *Site) error { return tables.Write(s.Index, s.BaseURL, s.Out.WriteCompact) }},
	}
}

// Run runs every job over the site written in dir, all at once: the jobs
// are few (the list above bounds the goroutines) and independent, and on a
// machine of two cores the short ones then fill the gaps of the long ones.
// The first error is returned, wrapped with its job's name.
func Run(dir string, ix *index.Index, v *vocab.Vocab, baseURL, title, language string) error {
	s := &Site{Index: ix, Vocab: v, BaseURL: baseURL, Title: title, Language: language, Out: NewWriter(dir)}
	var eg errgroup.Group
	for _, j := range Jobs() {
		eg.Go(func() error {
			if err := j.Run(s); err != nil {
				return fmt.Errorf("%s: %w", j.Name, err)
			}
			return nil
		})
	}
	return eg.Wait()
}

// NewWriter returns a Writer for dir.
func NewWriter(dir string) *Writer { return &Writer{Dir: dir, m: NewMinifier()} }

// Write minifies data by the file's media type and writes it at rel.
func (w *Writer) Write(rel string, data []byte) error {
	if mt := MediaType(rel); mt != "" {
		// Bytes reads data in place (Minify with a reader copies it first).
		min, err := w.m.Bytes(mt, data)
		if err != nil {
			return fmt.Errorf("minifying %s: %w", rel, err)
		}
		data = min
	}
	return w.WriteCompact(rel, data)
}

// WriteBriefsJSON writes /briefs.json, the machine-readable list of every
// published brief with its resolved terms: compact JSON, one brief encoded
// at a time, so the file is never whole in memory.
func WriteBriefsJSON(w io.Writer, ix *index.Index, baseURL string) error {
	type term struct {
		Name string `json:"name"`
		ID   string `json:"id,omitempty"`
		URL  string `json:"url"`
	}
	type claim struct {
		Actor      string `json:"actor"`
		URL        string `json:"url"`
		By         string `json:"by"`
		Confidence string `json:"confidence"`
		Score      int    `json:"score"`
	}
	type seen struct {
		Name      string `json:"name"`
		URL       string `json:"url"`
		FirstSeen string `json:"first_seen,omitempty"`
		LastSeen  string `json:"last_seen,omitempty"`
	}
	type source struct {
		Publisher string `json:"publisher"`
		Title     string `json:"title,omitempty"`
		URL       string `json:"url,omitempty"`
	}
	type ioc struct {
		Type  string `json:"type"`
		Value string `json:"value"` // refanged: this file is for machines
		Note  string `json:"note,omitempty"`
	}
	type item struct {
		Slug    string            `json:"slug"`
		Title   string            `json:"title"`
		Date    string            `json:"date"`
		Summary string            `json:"summary"`
		Updated string            `json:"updated,omitempty"`
		TLP     string            `json:"tlp"`
		URL     string            `json:"url"`
		STIX    string            `json:"stix"`
		Terms   map[string][]term `json:"terms"`
		Claims  []claim           `json:"claims,omitempty"`
		Seen    []seen            `json:"campaigns_seen,omitempty"`
		Sources []source          `json:"sources,omitempty"`
		IOCs    []ioc             `json:"iocs,omitempty"`
	}
	base := strings.TrimRight(baseURL, "/")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // a JSON file, not HTML: & < > as they are
	buf.WriteString(`{"briefs":[`)
	for i, e := range ix.Entries {
		it := item{Slug: e.Brief.Slug, Title: e.Brief.Title, Date: e.Brief.Date.Format("2006-01-02"),
			Summary: e.Brief.Summary, TLP: string(e.Brief.TLP), URL: base + e.URL, Terms: map[string][]term{}}
		for _, k := range ix.Kinds {
			for _, t := range e.Terms[k.Name] {
				it.Terms[k.Name] = append(it.Terms[k.Name], term{Name: t.Name, ID: t.ID, URL: base + t.URL})
			}
		}
		if !e.Brief.Updated.IsZero() {
			it.Updated = e.Brief.Updated.Format("2006-01-02")
		}
		it.STIX = base + "/" + export.BriefSTIX(e)
		for _, c := range e.Claims {
			it.Claims = append(it.Claims, claim{Actor: c.Actor.Name, URL: base + c.Actor.URL, By: c.By, Confidence: string(c.Confidence), Score: c.Confidence.Score()})
		}
		for _, c := range e.Campaigns {
			it.Seen = append(it.Seen, seen{Name: c.Term.Name, URL: base + c.Term.URL, FirstSeen: c.FirstSeen, LastSeen: c.LastSeen})
		}
		for _, src := range e.Sources {
			it.Sources = append(it.Sources, source{Publisher: src.Term.Name, Title: src.Title, URL: src.URL})
		}
		for _, x := range e.Brief.IOCs {
			it.IOCs = append(it.IOCs, ioc{Type: x.Type, Value: x.Value, Note: x.Note})
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(it); err != nil {
			return fmt.Errorf("briefs.json: %w", err)
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		if _, err := w.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("briefs.json: %w", err)
		}
		buf.Reset()
	}
	buf.WriteString("]}")
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("briefs.json: %w", err)
	}
	return nil
}
