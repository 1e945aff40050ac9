package stage

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"reflect"
	"strconv"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/fasttmpl"
	"github.com/threatbriefs/threatbriefs/generator/internal/splice"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// Pre-rendered lists.
//
// The longest lists on the site (the briefs on a term page, the terms a term
// is seen with, the terms of a brief) are staged as one string of HTML list
// items each rather than as data for a template to loop over. A 10,000-brief
// library has some 200,000 such items: as front matter, Hugo keeps each as a
// map (copied again when it lower-cases keys) and runs a template loop over
// it, which made them most of the memory and much of the time of a build.
// As one string, each list cost Hugo little to paste, but Hugo still
// decoded it from JSON, kept it in every copy it makes of a page's
// parameters and minified it: with the matrices, maps and charts, half of
// a 1,000-brief build's memory. So a list is staged as a marker, and
// package render puts the list in its place as Hugo writes the page
// (package splice, lists.fragment). (Files the templates read with
// os.ReadFile instead would be held in memory once, but the 140,000 reads
// of a 10,000-brief library cost more time than that saved.)
//
// The markup stays in layouts/: the items are rendered here, with Go's
// html/template, from the templates in layouts/_partials/items/ (Items),
// each over a typed row, so a designer changes a list item there and
// nowhere else. Those templates are Hugo partials too (Hugo's template
// syntax is Go's): a brief card's chips in lists are rendered by Hugo from
// the same items/chip.html. They use only what both provide: Go's builtins,
// relURL and partial. Here relURL makes a URL relative to the page: the
// pages with most pre-rendered lists are two levels deep (/briefs/<slug>/,
// /<kind>/<slug>/), so "../../" reaches the site root whatever the base
// URL's path, online or offline; a kind's list page, one level deep, gets
// items of its own (loadItems with "../").
//
// html/template takes some 5 µs an item (it calls the escapers of every
// action by reflection): 20 times what writing the items by hand in Go
// cost, a few seconds of CPU on a large library. So the templates are
// compiled (package fasttmpl, which writes what html/template would, and
// checks that it does), and the same item, which recurs on many pages (a
// brief in the timeline of each of its terms, a term in the chips of each
// brief naming it), is rendered once per worker and reused (lists).

// ItemsDir is where the list-item templates are, under layouts/.
const ItemsDir = "_partials/items"

// The list-item templates, by the name a partial call gives them.
const (
	itemBrief     = "items/brief.html"      // BriefRow
	itemRelated   = "items/related.html"    // BriefRow
	itemChip      = "items/chip.html"       // Link
	itemCampaign  = "items/campaign.html"   // CampaignRow
	itemClaim     = "items/claim.html"      // ClaimRow
	itemTermClaim = "items/term-claim.html" // TermClaimRow
	itemSource    = "items/source.html"     // SourceRow
	itemIOC       = "items/ioc.html"        // IOCRow
	// An ATT&CK matrix (matrix.go).
	itemMatrixTactic = "items/matrix-tactic.html" // TacticColumn
	itemMatrixCell   = "items/matrix-cell.html"   // MatrixCell
	// An activity chart (activity.go).
	itemActivityBar = "items/activity-bar.html" // Bar
	itemActivityRow = "items/activity-row.html" // Bar
	// A victim-country map (countrymap.go).
	itemMapCountry = "items/map-country.html" // MapCountry
	itemMapRow     = "items/map-row.html"     // MapCountry
)

const up = "../../"

// Rows: what the list-item templates are given (their fields are what the
// templates can use; dates come formatted as pages show them).

// BriefRow is a brief in a list.
type BriefRow struct {
	URL     string // relative to the site root
	Title   string
	Date    string // YYYY-MM-DD, for <time datetime>
	Shown   string // "2 May 2024"
	Summary string // in items/related.html only
}

// CampaignRow is a campaign in a timeline.
type CampaignRow struct {
	Name, URL string
	First     string // "Aug 2024", "2023" or "" (undated)
	Last      string // shown only when the campaign spans months; else ""
}

// Meter is a claim's confidence.
type Meter struct {
	Level brief.Confidence
	Step  int // 1 low, 2 moderate, 3 high; 0 for anything else
}

// ClaimRow is a brief's attribution claim.
type ClaimRow struct {
	By         string // who makes the claim
	Actor, URL string // the actor and its page
	Confidence Meter
}

// TermClaimRow is a claim about an actor, with the brief that reports it.
type TermClaimRow struct {
	By         string
	Confidence Meter
	URL        string // the brief's page
	Title      string
	Date       string // YYYY-MM-DD
	Shown      string // "2 May 2024"
}

// SourceRow is a cited document.
type SourceRow struct {
	Name  string // the publisher
	URL   string // the publisher's page
	Title string // the document's title, or ""
	Link  string // the document's http(s) address, or ""
}

// IOCRow is an indicator, defanged.
type IOCRow struct {
	Type, Value, Note string
}

// Items renders list items with the templates of layouts/_partials/items/.
// It is safe for concurrent use.
type Items struct {
	t    *template.Template
	fast map[string]*fasttmpl.Template // by name, the templates compiled
	min  *splice.Minifier
}

// inSVG are the list-item templates whose items are drawn inside an <svg>
// (not HTML, for the minifier).
var inSVG = map[string]bool{itemActivityBar: true, itemMapCountry: true}

// rowTypes says what each list-item template is given.
var rowTypes = map[string]reflect.Type{
	itemBrief:               reflect.TypeFor[BriefRow](),
	itemRelated:             reflect.TypeFor[BriefRow](),
	itemChip:                reflect.TypeFor[Link](),
	itemCampaign:            reflect.TypeFor[CampaignRow](),
	itemClaim:               reflect.TypeFor[ClaimRow](),
	itemTermClaim:           reflect.TypeFor[TermClaimRow](),
	itemSource:              reflect.TypeFor[SourceRow](),
	itemIOC:                 reflect.TypeFor[IOCRow](),
	"items/confidence.html": reflect.TypeFor[Meter](),
	itemMatrixTactic:        reflect.TypeFor[TacticColumn](),
	itemMatrixCell:          reflect.TypeFor[MatrixCell](),
	itemActivityBar:         reflect.TypeFor[Bar](),
	itemActivityRow:         reflect.TypeFor[Bar](),
	itemMapCountry:          reflect.TypeFor[MapCountry](),
	itemMapRow:              reflect.TypeFor[MapCountry](),
}

// LoadItems parses the list-item templates from layouts, a project's
// layouts/ directory, and compiles those it can (package fasttmpl): the
// rest run in html/template, slower, with the same result. Their relURL
// makes a URL relative to a page two levels deep.
func LoadItems(layouts fs.FS) (*Items, error) { return loadItems(layouts, up) }

// loadItems is LoadItems for pages that reach the site root by the
// relative path up ("../../", "../" or "").
func loadItems(layouts fs.FS, up string) (*Items, error) {
	it := &Items{fast: map[string]*fasttmpl.Template{}, min: splice.NewMinifier()}
	funcs := template.FuncMap{
		"relURL":  func(s string) string { return up + s },
		"partial": it.partial,
	}
	t := template.New("items").Funcs(funcs)
	names, err := fs.Glob(layouts, ItemsDir+"/*.html")
	if err == nil && len(names) == 0 {
		err = fs.ErrNotExist
	}
	if err != nil {
		return nil, fmt.Errorf("layouts/%s: %w", ItemsDir, err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(layouts, name)
		if err != nil {
			return nil, fmt.Errorf("layouts/%s: %w", name, err)
		}
		if _, err := t.New("items/" + path.Base(name)).Parse(string(data)); err != nil {
			return nil, fmt.Errorf("layouts/%s: %w", name, err)
		}
	}
	it.t = t
	for name, typ := range rowTypes {
		if t.Lookup(name) == nil {
			return nil, fmt.Errorf("layouts/_partials/%s: %w", name, fs.ErrNotExist)
		}
		f, err := fasttmpl.Compile(t, funcs, name, typ)
		switch {
		case err == nil:
			it.fast[name] = f
		case !errors.Is(err, fasttmpl.ErrUnsupported):
			return nil, fmt.Errorf("layouts/_partials/%s: %w", name, err)
		}
	}
	return it, nil
}

// Render writes one item: the template called name (a path under
// layouts/_partials/, "items/chip.html") over row.
func (it *Items) Render(w io.Writer, name string, row any) error {
	if f, ok := it.fast[name]; ok && reflect.TypeOf(row) == rowTypes[name] {
		return f.Execute(w, row)
	}
	if err := it.t.ExecuteTemplate(w, name, row); err != nil {
		return fmt.Errorf("layouts/_partials/%s: %w", name, err)
	}
	return nil
}

// appendItem appends one item to dst.
//
// The item goes into the page after Hugo has minified it (package
// splice), so an HTML item is minified here; an item drawn inside an
// <svg> is written minified by its template (TestInlineSVGIsMinified).
func (it *Items) appendItem(dst []byte, name string, row any) ([]byte, error) {
	start := len(dst)
	if f, ok := it.fast[name]; ok {
		dst = f.Append(dst, row)
	} else {
		b := bytes.NewBuffer(dst)
		if err := it.Render(b, name, row); err != nil {
			return b.Bytes(), err
		}
		dst = b.Bytes()
	}
	if inSVG[name] {
		return dst, nil
	}
	return it.min.Minify(dst, start)
}

// partial is Hugo's partial function, for one list-item template to call
// another.
func (it *Items) partial(name string, data any) (template.HTML, error) {
	var b strings.Builder
	err := it.t.ExecuteTemplate(&b, name, data)
	return template.HTML(b.String()), err
}

// lists renders the lists of the pages one worker stages, keeping the
// first error. Items that recur are rendered once (memo). A finished list
// goes into the worker's fragment table (see fragment), under the path of
// the page being staged (page) and its number on that page (n).
type lists struct {
	items   *Items
	err     error
	frags   *splice.Table
	page    string
	n       int
	buf     []byte
	briefs  map[BriefRow]string
	related map[BriefRow]string
	chips   map[Link]string
	// Scratch buffers of the matrices (matrix.go), reused page after page.
	matrixArena, matrixCols, matrixCells, matrixSubs []byte
}

// append appends one item to dst, keeping the first error.
func (l *lists) append(dst []byte, name string, row any) []byte {
	if l.err != nil {
		return dst
	}
	out, err := l.items.appendItem(dst, name, row)
	if err != nil {
		l.err = err
		return dst
	}
	return out
}

// lists returns the renderer of one worker's lists, which keeps them in
// frags.
func (it *Items) lists(frags *splice.Table) *lists {
	return &lists{items: it, frags: frags, briefs: map[BriefRow]string{}, related: map[BriefRow]string{}, chips: map[Link]string{}}
}

// startPage makes the lists rendered next those of the page staged at
// path.
func (l *lists) startPage(path string) { l.page, l.n = path, 0 }

// fragment keeps a copy of a finished list (or matrix) in the fragment
// table and returns the marker that stands for it in the page's front
// matter: Hugo writes the marker and package render puts the HTML in its
// place (package splice says why). An empty list is "", for a template's
// {{ with }}.
func (l *lists) fragment(html []byte) template.HTML {
	if len(html) == 0 {
		return ""
	}
	l.n++
	return template.HTML(l.frags.Add(l.page+"#"+strconv.Itoa(l.n), bytes.Clone(html)))
}

// render renders the items of a list, each with the template called name,
// one after another; memo, if not nil, keeps what it rendered by row.
func render[R comparable](l *lists, name string, memo map[R]string, rows []R) template.HTML {
	if l.err != nil {
		return ""
	}
	buf := l.buf[:0]
	for _, r := range rows {
		if s, ok := memo[r]; ok {
			buf = append(buf, s...)
			continue
		}
		start := len(buf)
		var err error
		if buf, err = l.items.appendItem(buf, name, r); err != nil {
			l.err = err
			return ""
		}
		if memo != nil {
			memo[r] = string(buf[start:])
		}
	}
	l.buf = buf
	return l.fragment(buf)
}

func meter(c brief.Confidence) Meter {
	m := Meter{Level: c}
	switch c {
	case brief.ConfidenceLow:
		m.Step = 1
	case brief.ConfidenceModerate:
		m.Step = 2
	case brief.ConfidenceHigh:
		m.Step = 3
	}
	return m
}
