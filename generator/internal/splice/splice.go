// Package splice puts HTML that the generator rendered into the pages Hugo
// writes, after Hugo has written them.
//
// It accepts fragments of HTML, each under a key (Table.Add returns the
// marker that stands for it), and pages as Hugo writes them (Table.Apply
// replaces every marker in a page with its fragment).
//
// Why: the longest parts of the site's pages (the briefs on a term page,
// the chips of a brief, an ATT&CK matrix's cells, a map's countries) are
// rendered by the generator from the templates in layouts/_partials/items/
// (package stage). Given to Hugo in the front matter, each such string
// was decoded from JSON, kept in every copy Hugo makes of a page's
// parameters, pasted by the page's template and scanned by the minifier:
// half of a 1,000-brief build's memory and a fifth of its time. As a
// marker, it costs Hugo some forty bytes, and the page gets its fragment
// as Hugo writes the file (package render). Hugo has no hook for this: a
// page's output passes through its minifier and publisher, neither of
// which takes content from outside.
//
// Fragments must be written as the minifier would write them (the page is
// minified before the fragment goes in): Minifier makes them so, and a test
// of the built site checks it.
package splice

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/html"
)

// A marker is an empty element of a name no HTML has, whose one attribute
// is its key: Hugo's minifier writes it as it is, and no author can write
// one (the Markdown renderer omits raw HTML; every other text is escaped).
const (
	open  = "<tb-slot k="
	close = "></tb-slot>"
)

// Table holds the fragments of one build, by key. It is not safe for
// concurrent Add; Apply may run concurrently once it is complete.
type Table struct {
	m map[string][]byte
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{m: map[string][]byte{}} }

// Add keeps html under name, which must be unique in the table and hold
// no space, quote, '<', '>' or '=' (a staged page's path and the
// fragment's number on it), and returns the marker to put in its place.
// The marker does not change when the fragment does, so the staged page
// does not either: the preview re-renders only the pages whose staged
// bytes changed, and puts the new fragments into the others itself
// (package render's Session).
func (t *Table) Add(name string, html []byte) string {
	t.m[name] = html
	return Marker(name)
}

// Marker is the marker that stands for the fragment called name.
func Marker(name string) string { return open + name + close }

// Merge adds the fragments of o to t. Their names must differ from t's.
func (t *Table) Merge(o *Table) {
	maps.Copy(t.m, o.m)
}

// page is the page a fragment's key names (the name's part before '#').
func page(key string) string {
	if i := strings.LastIndexByte(key, '#'); i >= 0 {
		return key[:i]
	}
	return key
}

// PageSizes is the bytes of the fragments of each page, by the page named
// before '#' in their names.
func (t *Table) PageSizes() map[string]int64 {
	n := map[string]int64{}
	for k, html := range t.m {
		n[page(k)] += int64(len(html))
	}
	return n
}

// Divide moves each fragment into the table of its page's part: out[i]
// holds those whose page (named before '#') part maps to i, for i in
// [0, n); a fragment part maps elsewhere stays in t. One pass over the
// table, however many parts.
func (t *Table) Divide(n int, part func(page string) int) []*Table {
	out := make([]*Table, n)
	for i := range out {
		out[i] = NewTable()
	}
	for k, html := range t.m {
		if i := part(page(k)); i >= 0 && i < n {
			out[i].m[k] = html
			delete(t.m, k)
		}
	}
	return out
}

// Len is the number of fragments in the table.
func (t *Table) Len() int { return len(t.m) }

// Size is the number of bytes of the fragments in the table.
func (t *Table) Size() int64 {
	var n int64
	for _, html := range t.m {
		n += int64(len(html))
	}
	return n
}

// Get returns the fragment a marker stands for, if the table holds it.
func (t *Table) Get(marker string) ([]byte, bool) {
	key, ok := bytes.CutPrefix([]byte(marker), []byte(open))
	if !ok {
		return nil, false
	}
	key, ok = bytes.CutSuffix(key, []byte(close))
	if !ok {
		return nil, false
	}
	html, ok := t.m[string(key)]
	return html, ok
}

// Changed lists the names whose fragments differ between t and next, of
// the names both hold.
func (t *Table) Changed(next *Table) []string {
	var out []string
	for k, html := range next.m {
		if old, ok := t.m[k]; ok && !bytes.Equal(old, html) {
			out = append(out, k)
		}
	}
	return out
}

// Keys lists the names of the markers in page, in order.
func Keys(page []byte) []string {
	var out []string
	for {
		start, end := find(page)
		if start < 0 || end < 0 {
			return out
		}
		out = append(out, string(nameAt(page, start, end)))
		page = page[end:]
	}
}

// find returns where the first marker of page starts and where it ends
// (past its close): start is -1 when there is none, end is -1 when the
// marker is cut short.
func find(page []byte) (start, end int) {
	start = bytes.Index(page, []byte(open))
	if start < 0 {
		return -1, -1
	}
	j := bytes.Index(page[start+len(open):], []byte(close))
	if j < 0 {
		return start, -1
	}
	return start, start + len(open) + j + len(close)
}

// nameAt is the name of the marker that find found at page[start:end].
func nameAt(page []byte, start, end int) []byte { return page[start+len(open) : end-len(close)] }

// Has reports whether page holds a marker.
func Has(page []byte) bool { return bytes.Contains(page, []byte(open)) }

// Apply appends page to dst with every marker replaced by its fragment. A
// marker the table does not hold is an error (and stays in the output).
//
// It finds the markers first and grows dst once, to the output's size: a
// page grows several-fold with its fragments, and growing dst as it went
// (or by a guess) took half of Apply's time, in copies and in memory
// taken fresh for each page.
func (t *Table) Apply(dst, page []byte) ([]byte, error) {
	type slot struct {
		start, end int    // the marker, in page
		html       []byte // what replaces it
	}
	var err error
	var buf [32]slot // pages hold up to a few tens of markers
	slots := buf[:0]
	size := len(page)
	for at := 0; ; {
		start, end := find(page[at:])
		if start < 0 {
			break
		}
		start += at
		if end < 0 {
			err = fmt.Errorf("splice: a marker without its end at byte %d", start)
			break
		}
		end += at
		html, ok := t.m[string(nameAt(page, start, end))]
		if !ok {
			if err == nil {
				err = fmt.Errorf("splice: no fragment %q", nameAt(page, start, end))
			}
			html = page[start:end]
		}
		slots = append(slots, slot{start, end, html})
		size += len(html) - (end - start)
		at = end
	}
	dst = slices.Grow(dst, size)
	at := 0
	for _, sl := range slots {
		dst = append(dst, page[at:sl.start]...)
		dst = append(dst, sl.html...)
		at = sl.end
	}
	return append(dst, page[at:]...), err
}

// HTMLMinifier is Hugo's HTML minifier, configured as Hugo configures it
// (hugo/minifiers/config.go), for whatever the generator writes into or
// beside the pages Hugo minifies.
func HTMLMinifier() *html.Minifier {
	return &html.Minifier{KeepDocumentTags: true, KeepSpecialComments: true, KeepEndTags: true, KeepDefaultAttrVals: true}
}

// Minifier minifies fragments of HTML as Hugo minifies a page. It is safe
// for concurrent use.
type Minifier struct {
	m *minify.M
}

// NewMinifier returns a Minifier.
func NewMinifier() *Minifier {
	m := minify.New()
	m.Add("text/html", HTMLMinifier())
	return &Minifier{m: m}
}

// Minify minifies dst[from:], a fragment of HTML that is whole elements
// (the minifier sees no context around it, so it must need none), in
// place. It skips the minifier for a fragment it would leave as it is
// (mayShrink), which is what the list-item templates write for most rows.
func (m *Minifier) Minify(dst []byte, from int) ([]byte, error) {
	b := dst[from:]
	if !mayShrink(b) {
		return dst, nil
	}
	out, err := m.m.Bytes("text/html", b)
	if err != nil {
		return dst, fmt.Errorf("splice: minify: %w", err)
	}
	return append(dst[:from], out...), nil
}

// mayShrink reports whether the HTML minifier might change b, as written
// by html/template: it might if b has white space other than single
// spaces, a character reference other than &lt; (html/template writes a
// quote or an apostrophe in text as one, the minifier as the character),
// or an attribute value in quotes that needs none. It errs on the side of
// true.
func mayShrink(b []byte) bool {
	// A search for each byte: IndexByte scans many bytes at once, where
	// IndexAny (one pass for all four) tests them one by one, and was
	// most of this function's time.
	for _, c := range []byte("\n\r\t\f") {
		if bytes.IndexByte(b, c) >= 0 {
			return true
		}
	}
	if bytes.Contains(b, []byte("  ")) {
		return true
	}
	for rest := b; ; {
		i := bytes.IndexByte(rest, '&')
		if i < 0 {
			break
		}
		if !bytes.HasPrefix(rest[i:], []byte("&lt;")) {
			return true
		}
		rest = rest[i+1:]
	}
	for rest := b; ; {
		i := bytes.IndexByte(rest, '"')
		if i < 0 {
			return false
		}
		if i == 0 || rest[i-1] != '=' {
			return true // a quote that opens no value
		}
		j := bytes.IndexByte(rest[i+1:], '"')
		if j < 0 {
			return true
		}
		if v := rest[i+1 : i+1+j]; len(v) == 0 || bytes.IndexAny(v, " '=<>`") < 0 {
			return true // the minifier would write it without quotes
		}
		rest = rest[i+1+j+1:]
	}
}
