// Package search writes the data the site's search page indexes: every
// published brief and every term, as a classic script (search/index.js) that
// assigns one object to the global TBSearchData.
//
// Exporter accepts an export.Site and reads only its index, of what is
// published (so TLP rules are the ones the pages follow: an excluded brief is
// not in the index and so not in the search data); it writes search/index.js,
// which the sink minifies as JavaScript. The search itself runs in the
// browser, with MiniSearch (assets/js/vendor/minisearch.js, driven by
// assets/js/search.js), which builds its inverted index from these documents
// when the search page loads.
//
// Why a script and not JSON: the offline edition opens from file://, where a
// page cannot fetch() anything; a <script src> loads from file:// and from
// the web alike, and needs no eval (the site's Content-Security-Policy allows
// neither inline script nor eval). Why documents and not a prebuilt inverted
// index: building MiniSearch's serialized index would need Node at build
// time (the build needs only Go), and the raw documents are smaller, gzipped,
// than an inverted index over them.
//
// The format (version 2) is positional arrays, to stay compact at 10,000
// briefs; a brief names its terms by their position in terms:
//
//	TBSearchData = {
//	  v: 2,
//	  kinds: [[name, singular, weight], ...],          // taxonomy order
//	  terms: [[kind, name, code, slug, briefs, synonyms, summary], ...],
//	  briefs: [[slug, title, summary, date, [term, ...]], ...]  // newest first
//	}
//
// A kind's weight is how much a match on one of its terms counts for the
// briefs naming the term (taxonomy.Kind.SearchWeight). A term's kind is a
// position in kinds; code is the catalogue ID when it differs from
// the name (T1190, CVE-..., the ISO country code, M1051) or ""; briefs is how
// many briefs name the term; synonyms ([]) and summary ("", a profile's) are
// left off the end of a term's array when empty. A term's page is
// <kind>/<slug>/ and a brief's is briefs/<slug>/, relative to the site root.
package search

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// Path is where the script is written, relative to the site root.
const Path = "search/index.js"

// Global is the name of the global variable the script assigns.
const Global = "TBSearchData"

// Version is the version of the format.
const Version = 2

// Data is the search data, as it is serialized.
type Data struct {
	V      int      `json:"v"`
	Kinds  [][3]any `json:"kinds"` // name, singular, weight
	Terms  [][]any  `json:"terms"`
	Briefs [][]any  `json:"briefs"`
}

// Build collects the search data from the index.
func Build(ix *index.Index) *Data {
	d := &Data{V: Version, Kinds: [][3]any{}, Terms: [][]any{}, Briefs: [][]any{}}
	pos := map[*index.Term]int{}
	for ki, k := range ix.Kinds {
		d.Kinds = append(d.Kinds, [3]any{k.Name, k.Singular, k.SearchWeight})
		for _, t := range ix.Terms[k.Name] {
			pos[t] = len(d.Terms)
			code := t.ID
			if code == t.Name {
				code = ""
			}
			rec := []any{ki, t.Name, code, t.Slug, len(t.Entries)}
			var syn []string
			summary := ""
			for _, s := range t.Aliases() { // the profile's synonyms and ATT&CK's aliases
				syn = append(syn, s.Name)
			}
			if p := t.Profile; p != nil {
				summary = p.Summary
			}
			if len(syn) > 0 || summary != "" {
				if syn == nil {
					syn = []string{}
				}
				rec = append(rec, syn)
			}
			if summary != "" {
				rec = append(rec, summary)
			}
			d.Terms = append(d.Terms, rec)
		}
	}
	for _, e := range ix.Entries {
		refs := []int{}
		for _, k := range ix.Kinds {
			for _, t := range e.Terms[k.Name] {
				refs = append(refs, pos[t])
			}
		}
		d.Briefs = append(d.Briefs, []any{e.Brief.Slug, e.Brief.Title, e.Brief.Summary, e.Brief.Date.Format("2006-01-02"), refs})
	}
	return d
}

// Exporter writes the search script.
type Exporter struct{}

// Name is "search".
func (Exporter) Name() string { return "search" }

// Export writes search/index.js of s through out.
func (Exporter) Export(s *export.Site, out export.Sink) error {
	data, err := Script(s.Index)
	if err != nil {
		return err
	}
	return out.Write(Path, data)
}

// Script returns the classic script that assigns the search data of ix to
// the global TBSearchData.
func Script(ix *index.Index) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("window." + Global + "=")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Build(ix)); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	buf.WriteString(";\n")
	return buf.Bytes(), nil
}
