// Package tables writes the tabular exports: the list of every published
// brief as /briefs.json (with its resolved terms, claims, campaigns,
// sources and indicators, for machines) and /briefs.csv (one row per brief,
// for spreadsheets), and /<kind>/<slug>/index.json (one term with its
// briefs, related terms and exports).
//
// Its two exporters accept an export.Site (they read the index and the base
// URL): Briefs writes briefs.json and briefs.csv, Terms every term's
// index.json; the JSON is compact. In the CSV a multi-valued cell lists a
// brief's terms separated by "; ", each by its catalogue ID where it has one
// (T1190, M1051, CVE-2024-3400, US) and by name otherwise; attribution
// claims read "Actor (by Claimant, confidence)". A cell a spreadsheet would
// run as a formula (one beginning with =, +, -, @, a tab or a carriage
// return) is written with a leading apostrophe, as OWASP's CSV-injection
// guidance recommends. briefs.json carries indicators refanged: it is for
// machines.
package tables

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// CSVHeader is the first row of briefs.csv: the brief's own columns, a
// column for each kind flagged CSV (taxonomy.Kind.CSV, named by the kind)
// and the number of indicators.
func CSVHeader(ks taxonomy.Table) []string {
	out := []string{"slug", "title", "date", "updated", "tlp", "summary", "url", "attribution"}
	for _, k := range ks {
		if k.CSV {
			out = append(out, k.Name)
		}
	}
	return append(out, "iocs")
}

// BriefsCSV returns briefs.csv: the header and one row per brief, newest
// first.
func BriefsCSV(ix *index.Index, baseURL string) ([]byte, error) {
	base := strings.TrimRight(baseURL, "/")
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(CSVHeader(ix.Kinds)); err != nil {
		return nil, fmt.Errorf("tables: briefs.csv: %w", err)
	}
	for _, e := range ix.Entries {
		b := e.Brief
		updated := ""
		if !b.Updated.IsZero() {
			updated = b.Updated.Format("2006-01-02")
		}
		var claims []string
		for _, c := range e.Claims {
			claims = append(claims, fmt.Sprintf("%s (by %s, %s)", c.Actor.Name, c.By, c.Confidence))
		}
		row := []string{b.Slug, b.Title, b.Date.Format("2006-01-02"), updated, string(b.TLP), b.Summary, base + e.URL,
			strings.Join(claims, "; ")}
		for _, k := range ix.Kinds {
			if !k.CSV {
				continue
			}
			var names []string
			for _, t := range e.Terms[k.Name] {
				names = append(names, cmp.Or(t.ID, t.Name))
			}
			row = append(row, strings.Join(names, "; "))
		}
		row = append(row, strconv.Itoa(len(b.IOCs)))
		for i := range row {
			row[i] = Neutralize(row[i])
		}
		if err := w.Write(row); err != nil {
			return nil, fmt.Errorf("tables: briefs.csv: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("tables: briefs.csv: %w", err)
	}
	return buf.Bytes(), nil
}

// Neutralize keeps a spreadsheet from reading a cell as a formula.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// TermRef is a term as the JSON exports name it.
type TermRef struct {
	Name  string `json:"name"`
	ID    string `json:"id,omitempty"`
	URL   string `json:"url"`
	Count int    `json:"count,omitempty"`
}

// BriefRef is a brief as a term's index.json names it: enough to list it
// and follow it. The full record (summary, terms, claims, IOCs) is the
// brief's entry in /briefs.json; repeating it in the index.json of every
// term the brief names made those files ten times the size of briefs.json
// (a country named in 2,800 of 10,000 briefs had 1.3 MB).
type BriefRef struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
	Date  string `json:"date"`
	URL   string `json:"url"`
}

// Related is the terms of one kind named with a term, most often first:
// at most RelatedLimit of them, and how many more there are.
type Related struct {
	Kind  string    `json:"kind"`
	Terms []TermRef `json:"terms"`
	More  int       `json:"more,omitempty"`
}

// RelatedLimit is how many co-occurring terms of each kind a term's
// index.json lists, most often named together first; More counts the rest,
// as the term's page does with its shorter lists. The rest are a long tail
// of terms named together once or twice: listed in full they were two
// thirds of every index.json on a library of 10,000 briefs (a country
// co-occurs with nearly every term there is), and briefs.json, which gives
// every brief's terms, holds them all.
const RelatedLimit = 50

// Claim is an attribution claim about an actor.
type Claim struct {
	By         string `json:"by"`
	Confidence string `json:"confidence"`
	Score      int    `json:"score"`
	Brief      string `json:"brief"`
}

// Synonym is another name of a term and who uses it.
type Synonym struct {
	Name string `json:"name"`
	By   string `json:"by,omitempty"`
}

// TermDoc is the content of a term's index.json. Its briefs come last
// (see termJSON).
type TermDoc struct {
	Kind       string        `json:"kind"`
	Slug       string        `json:"slug"`
	Name       string        `json:"name"`
	ID         string        `json:"id,omitempty"`
	AttackID   string        `json:"attack_id,omitempty"` // the ATT&CK group or software an actor or malware is
	URL        string        `json:"url"`
	Summary    string        `json:"summary,omitempty"`
	Synonyms   []Synonym     `json:"synonyms,omitempty"`
	Origin     string        `json:"origin,omitempty"`
	Motivation string        `json:"motivation,omitempty"`
	FirstSeen  string        `json:"first_seen,omitempty"`
	LastSeen   string        `json:"last_seen,omitempty"`
	Tactics    []string      `json:"tactics,omitempty"`
	STIXSector string        `json:"stix_sector,omitempty"`
	Count      int           `json:"count"`
	Claims     []Claim       `json:"claims,omitempty"`
	Related    []Related     `json:"related"`
	Exports    []export.File `json:"exports"`
	Briefs     []BriefRef    `json:"briefs,omitempty"` // written by termJSON, never empty
}

// TermJSON returns a term's index.json.
func TermJSON(ix *index.Index, t *index.Term, baseURL string) ([]byte, error) {
	w := newTermWriter(ix, baseURL)
	return w.termJSON(nil, t)
}

// termWriter writes terms' index.json, each brief's reference encoded once
// however many terms list it (a library of 10,000 briefs has some 190,000
// references in its terms' files, and encoding each again was most of this
// export's time), and each term's URL made once however many terms name it
// as related.
type termWriter struct {
	ix   *index.Index
	base string
	refs map[*index.Entry][]byte
	urls map[*index.Term]string
	buf  bytes.Buffer
	enc  *json.Encoder
	// scratch holds the references of the term being written.
	scratch [][]byte
}

func newTermWriter(ix *index.Index, baseURL string) *termWriter {
	w := &termWriter{ix: ix, base: strings.TrimRight(baseURL, "/"), refs: map[*index.Entry][]byte{}, urls: map[*index.Term]string{}}
	w.enc = json.NewEncoder(&w.buf)
	w.enc.SetEscapeHTML(false) // JSON files, not HTML
	return w
}

// ref returns a brief's reference, encoded.
func (w *termWriter) ref(e *index.Entry) ([]byte, error) {
	if r, ok := w.refs[e]; ok {
		return r, nil
	}
	w.buf.Reset()
	if err := w.enc.Encode(BriefRef{Slug: e.Brief.Slug, Title: e.Brief.Title, Date: e.Brief.Date.Format("2006-01-02"), URL: w.base + e.URL}); err != nil {
		return nil, fmt.Errorf("tables: %s: %w", e.URL, err)
	}
	r := bytes.Clone(bytes.TrimSuffix(w.buf.Bytes(), []byte("\n")))
	w.refs[e] = r
	return r, nil
}

// url returns a term's absolute URL.
func (w *termWriter) url(t *index.Term) string {
	u, ok := w.urls[t]
	if !ok {
		u = w.base + t.URL
		w.urls[t] = u
	}
	return u
}

// termJSON appends a term's index.json to dst: the document without its
// briefs, then them, encoded already, as its last property.
func (w *termWriter) termJSON(dst []byte, t *index.Term) ([]byte, error) {
	base := w.base
	d := TermDoc{Kind: t.Kind, Slug: t.Slug, Name: t.Name, ID: t.ID, URL: base + t.URL, Count: len(t.Entries),
		Tactics: t.Tactics, STIXSector: t.STIX, FirstSeen: t.FirstSeen, LastSeen: t.LastSeen,
		Related: []Related{}}
	if p := t.Profile; p != nil {
		d.Summary, d.Origin, d.Motivation = p.Summary, p.Origin, p.Motivation
		d.FirstSeen = cmp.Or(p.FirstSeen, d.FirstSeen)
	}
	if t.Attack != nil {
		d.AttackID = t.Attack.ID
	}
	for _, s := range t.Aliases() { // the profile's synonyms, then ATT&CK's aliases
		d.Synonyms = append(d.Synonyms, Synonym{Name: s.Name, By: s.By})
	}
	for _, c := range t.Claims {
		d.Claims = append(d.Claims, Claim{By: c.By, Confidence: string(c.Confidence), Score: c.Confidence.Score(), Brief: base + c.Entry.URL})
	}
	for _, k := range w.ix.Kinds {
		cs := t.Cooc[k.Name]
		if len(cs) == 0 {
			continue
		}
		r := Related{Kind: k.Name, More: max(0, len(cs)-RelatedLimit)}
		for _, c := range cs[:min(len(cs), RelatedLimit)] {
			r.Terms = append(r.Terms, TermRef{Name: c.Term.Name, ID: c.Term.ID, URL: w.url(c.Term), Count: c.N})
		}
		d.Related = append(d.Related, r)
	}
	for _, f := range slices.Concat(export.ForTerm(t), export.TermFeeds(t)) {
		f.Path = base + "/" + f.Path
		d.Exports = append(d.Exports, f)
	}
	refs := w.scratch[:0]
	n := 0
	for _, e := range t.Entries {
		r, err := w.ref(e)
		if err != nil {
			return nil, err
		}
		refs = append(refs, r)
		n += len(r) + 1
	}
	w.scratch = refs
	w.buf.Reset()
	if err := w.enc.Encode(d); err != nil {
		return nil, fmt.Errorf("tables: %s: %w", export.TermJSON(t), err)
	}
	head := bytes.TrimSuffix(w.buf.Bytes(), []byte("}\n")) // reopen the object
	out := slices.Grow(dst, len(head)+len(`,"briefs":[]}`)+n)
	out = append(append(out, head...), `,"briefs":[`...)
	for i, r := range refs {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, r...)
	}
	return append(out, "]}"...), nil
}

// Briefs writes the list of every published brief: briefs.json (streamed)
// and briefs.csv.
type Briefs struct{}

// Name is "briefs".
func (Briefs) Name() string { return "briefs" }

// Export writes /briefs.json and /briefs.csv of s through out.
func (Briefs) Export(s *export.Site, out export.Sink) error {
	if err := out.Stream(export.BriefsJSON, func(w io.Writer) error { return BriefsJSON(w, s.Index, s.BaseURL) }); err != nil {
		return err
	}
	data, err := BriefsCSV(s.Index, s.BaseURL)
	if err != nil {
		return err
	}
	return out.Write(export.BriefsCSV, data)
}

// Terms writes every term's index.json.
type Terms struct{}

// Name is "terms".
func (Terms) Name() string { return "terms" }

// Export writes the index.json of every term of s through out (one buffer
// serves every file: a sink is done with the data when Write returns).
func (Terms) Export(s *export.Site, out export.Sink) error {
	w := newTermWriter(s.Index, s.BaseURL)
	var data []byte
	var err error
	for _, k := range s.Index.Kinds {
		for _, t := range s.Index.Terms[k.Name] {
			if data, err = w.termJSON(data[:0], t); err != nil {
				return err
			}
			if err := out.Write(export.TermJSON(t), data); err != nil {
				return err
			}
		}
	}
	return nil
}
