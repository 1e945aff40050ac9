package search_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/search"
)

const library = `
-- content/actors/sand-heron/_index.md --
---
title: Sand Heron
summary: "A fictional actor."
synonyms:
  - name: Dune Crane
    by: Example Vendor
  - name: Sand Heron
    by: Example Vendor
---
-- content/briefs/2025/new.md --
---
title: "Newer brief"
date: 2025-03-04
summary: "Edge gateways exploited."
tlp: clear
actors: [Dune Crane]
countries: [NL]
techniques: [T1190, T1505.003]
vulnerabilities: [CVE-2024-3400]
iocs:
  - {type: ipv4, value: 203.0.113.7}
  - {type: url, value: "hxxps://evil-c2[.]example[.]net/gate.php"}
---
-- content/briefs/2024/old.md --
---
title: "Older brief about Ivanti Zero-days"
date: 2024-01-02
summary: "Mail read at the Café."
tlp: clear
actors: [Sand Heron]
---
-- content/briefs/2025/secret.md --
---
title: "Secret amber brief"
date: 2025-05-05
summary: "Must not be searchable."
tlp: amber
actors: [Sand Heron]
---
`

// reader reads the pieces as the search page does (assets/js/search/):
// it is the format's second implementation, in Go, so that the format is
// tested without a browser.
type reader struct {
	t     *testing.T
	files map[string][]byte
	meta  struct {
		V      int
		Briefs int
		Kinds  [][]any
		Keys   []string
		Tails  []string
		Terms  []int
		Docs   int
		Day0   int64
		Days   []int64
		TLPs   []string
		TLP    string
	}
}

var pieceRe = regexp.MustCompile(`(?s)^(?:` + regexp.QuoteMeta(search.MetaPrefix) + `)?TBSearch\.add\("([^"]+)",(.*)\);\n$`)

func (r *reader) load(path string, v any) {
	r.t.Helper()
	data, ok := r.files[path]
	if !ok {
		r.t.Fatalf("no piece %s", path)
	}
	m := pieceRe.FindSubmatch(data)
	if m == nil {
		r.t.Fatalf("%s is not a classic script handing its data to TBSearch.add: %.80s", path, data)
	}
	if want := strings.TrimSuffix(strings.TrimPrefix(path, search.Dir), ".js"); string(m[1]) != want {
		r.t.Errorf("%s names itself %q, want %q", path, m[1], want)
	}
	if err := json.Unmarshal(m[2], v); err != nil {
		r.t.Fatalf("%s: %v", path, err)
	}
}

func newReader(t *testing.T, files map[string][]byte) *reader {
	r := &reader{t: t, files: files}
	r.load(search.MetaPath, &r.meta)
	if r.meta.V != search.Version {
		t.Fatalf("meta version %d", r.meta.V)
	}
	return r
}

// key is the shard a token is in: the longest key it starts with.
func (r *reader) key(tok string) string {
	best := ""
	for _, k := range r.meta.Keys {
		if strings.HasPrefix(tok, k) && len(k) > len(best) {
			best = k
		}
	}
	return best
}

type hit struct {
	n, mask int
}

// lookup returns the terms and briefs a token occurs in.
func (r *reader) lookup(tok string) (terms, briefs []hit) {
	k := r.key(tok)
	if k == "" {
		return nil, nil
	}
	var shard map[string][2][]int
	r.load(search.ShardPath(k), &shard)
	p, ok := shard[tok]
	if !ok {
		return nil, nil
	}
	unpack := func(packed []int, bits int) []hit {
		var out []hit
		prev := -1
		for _, x := range packed {
			prev += x >> bits
			out = append(out, hit{prev, x & (1<<bits - 1)})
		}
		return out
	}
	return unpack(p[0], 4), unpack(p[1], 3)
}

// term returns the record of term n.
func (r *reader) term(n int) []any {
	i, _ := slices.BinarySearch(r.meta.Terms, n+1)
	first := r.meta.Terms[i-1]
	var chunk [][]any
	r.load(search.TermPath(first), &chunk)
	return chunk[n-first]
}

func (r *reader) brief(n int) []any {
	first := n - n%r.meta.Docs
	var chunk [][]any
	r.load(search.DocPath(first), &chunk)
	return chunk[n-first]
}

// find describes what tok finds: "term Name (fields)" and "brief slug
// (fields)".
func (r *reader) find(tok string) []string {
	terms, briefs := r.lookup(tok)
	var out []string
	for _, h := range terms {
		out = append(out, fmt.Sprintf("term %s (%d)", r.term(h.n)[1], h.mask))
	}
	for _, h := range briefs {
		out = append(out, fmt.Sprintf("brief %s (%d)", r.brief(h.n)[0], h.mask))
	}
	return out
}

func TestIndexFindsWhatIsPublished(t *testing.T) {
	t.Parallel()
	files := exporttest.Export(t, exporttest.Library(t, library, ""), search.Exporter{})
	for p, data := range files {
		if strings.Contains(string(data), "ecret") {
			t.Errorf("%s holds the amber brief", p)
		}
		for _, live := range []string{"203.0.113.7", "evil-c2.example.net", "https://"} {
			if strings.Contains(string(data), live) {
				t.Errorf("%s holds the indicator %s in its live form", p, live)
			}
		}
	}
	r := newReader(t, files)
	if r.meta.Briefs != 2 {
		t.Fatalf("%d briefs, want 2", r.meta.Briefs)
	}
	for _, c := range []struct{ tok, want string }{
		{"dune", "term Sand Heron (2)"},  // a synonym
		{"heron", "term Sand Heron (1)"}, // the name; its briefs come through the term
		{"t1190", "term Exploit Public-Facing Application (4)"},
		{"1190", "term Exploit Public-Facing Application (4)"}, // without its T
		{"t1505.003", "term Server Software Component: Web Shell (4)"},
		{"1505.003", "term Server Software Component: Web Shell (4)"},
		{"cve-2024-3400", "term CVE-2024-3400 (1)"},
		{"3400", "term CVE-2024-3400 (1)"},
		{"nl", "term Netherlands (4)"},
		{"netherlands", "term Netherlands (1)"},
		{"fictional", "term Sand Heron (8)"}, // the profile's summary
		{"gateways", "brief new (2)"},
		{"ivanti", "brief old (1)"},
		{"zero", "brief old (1)"},
		{"cafe", "brief old (2)"}, // accents folded
		{"203[.]0[.]113[.]7", "brief new (4)"},
		{"hxxps[:]//evil-c2[.]example[.]net/gate[.]php", "brief new (4)"},
	} {
		got := strings.Join(r.find(c.tok), " | ")
		if got != c.want {
			t.Errorf("%q finds %q, want %q", c.tok, got, c.want)
		}
	}
	for _, stop := range []string{"the", "at"} {
		if len(r.find(stop)) > 0 {
			t.Errorf("the stop word %q is indexed", stop)
		}
	}

	// A term's briefs and a brief's indicators, as the results show them.
	actor := r.term(r.findTerm("dune"))
	if got := fmt.Sprint(actor[4]); got != "[1 1]" { // briefs 0 and 1, delta coded from -1
		t.Errorf("Sand Heron's briefs are %s, want [1 1]", got)
	}
	if got := fmt.Sprintln(actor[5], actor[6]); got != "[Dune Crane] A fictional actor.\n" {
		t.Errorf("Sand Heron's synonyms and summary: %s", got)
	}
	if got := fmt.Sprint(r.brief(0)); got != "[new Newer brief Edge gateways exploited. [203[.]0[.]113[.]7 hxxps://evil-c2[.]example[.]net/gate.php]]" {
		t.Errorf("the newer brief's document: %s", got)
	}
	if got := fmt.Sprint(r.brief(1)); got != "[old Older brief about Ivanti Zero-days Mail read at the Café.]" {
		t.Errorf("the older brief's document: %s", got)
	}
	// Dates and labels, for the filters.
	if r.meta.Day0 != 20151 || fmt.Sprint(r.meta.Days) != "[0 427]" { // 2025-03-04, 2024-01-02
		t.Errorf("day0 %d, days %v", r.meta.Day0, r.meta.Days)
	}
	if fmt.Sprintln(r.meta.TLPs, r.meta.TLP) != "[clear] 00\n" {
		t.Errorf("tlps %v, tlp %q", r.meta.TLPs, r.meta.TLP)
	}
	// The filters are the kinds with a Filter parameter.
	var filters []string
	for _, k := range r.meta.Kinds {
		if k[5] != "" {
			filters = append(filters, fmt.Sprint(k[0], "=", k[5]))
		}
	}
	if got := strings.Join(filters, " "); got != "actors=actor sectors=sector countries=country techniques=technique malware=malware" {
		t.Errorf("filters: %s", got)
	}
}

// named returns the terms a token names with their briefs and labels, as
// its shard carries them for ranking and for saying why a brief matched:
// "term: briefs label" (the briefs as BriefList wrote them).
func (r *reader) named(tok string) []string {
	var shard map[string][]json.RawMessage
	r.load(search.ShardPath(r.key(tok)), &shard)
	p := shard[tok]
	if len(p) < 3 {
		return nil
	}
	var pairs []json.RawMessage
	if err := json.Unmarshal(p[2], &pairs); err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for i := 0; i+2 < len(pairs); i += 3 {
		var n int
		json.Unmarshal(pairs[i], &n)
		out = append(out, fmt.Sprintf("%s: %s %s", r.term(n)[1], pairs[i+1], pairs[i+2]))
	}
	return out
}

// TestShardsCarryTheNamedTermsBriefs: a token in a term's name, synonym or
// ID carries that term's briefs in its shard, so that the page ranks a
// query's briefs from its shards alone, and its label (kind, name, code and
// the synonyms the token is in, with their positions), so that it says
// which terms a brief matched through without loading term chunks; a
// token only in a term's summary does not (it finds the term, not its
// briefs).
func TestShardsCarryTheNamedTermsBriefs(t *testing.T) {
	t.Parallel()
	r := newReader(t, exporttest.Export(t, exporttest.Library(t, library, ""), search.Exporter{}))
	for tok, want := range map[string]string{
		"dune":          `Sand Heron: [1,1] [0,"Sand Heron","",[0,"Dune Crane"]]`, // a synonym: briefs 0 and 1
		"heron":         `Sand Heron: [1,1] [0,"Sand Heron",""]`,                  // not in the synonym
		"t1190":         `Exploit Public-Facing Application: [1] [4,"Exploit Public-Facing Application","T1190"]`,
		"1190":          `Exploit Public-Facing Application: [1] [4,"Exploit Public-Facing Application","T1190"]`,
		"cve-2024-3400": `CVE-2024-3400: [1] [6,"CVE-2024-3400",""]`,
		"nl":            `Netherlands: [1] [3,"Netherlands","NL"]`,
		"fictional":     "",
		"gateways":      "",
	} {
		if got := strings.Join(r.named(tok), " | "); got != want {
			t.Errorf("%q carries %q, want %q", tok, got, want)
		}
	}
}

// TestBriefList: a few briefs are written as differences, many as a
// bitmap, whichever is shorter, and both read back as the same briefs.
func TestBriefList(t *testing.T) {
	t.Parallel()
	read := func(raw json.RawMessage) []int {
		var ds []int
		if json.Unmarshal(raw, &ds) == nil {
			var out []int
			n := -1
			for _, d := range ds {
				n += d
				out = append(out, n)
			}
			return out
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatalf("%s is neither a list nor a string", raw)
		}
		bits, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for i, b := range bits {
			for j := range 8 {
				if b&(1<<j) != 0 {
					out = append(out, i*8+j)
				}
			}
		}
		return out
	}
	sparse := []int{3, 900, 4000}
	var dense []int
	for n := 5; n < 3000; n += 2 {
		dense = append(dense, n)
	}
	if got := string(search.BriefList(sparse)); got != "[4,897,3100]" {
		t.Errorf("sparse briefs written as %s, want their differences", got)
	}
	raw := search.BriefList(dense)
	if raw[0] != '"' {
		t.Errorf("dense briefs written as a list of %d bytes, not a bitmap", len(raw))
	}
	if len(raw) > 3000/6+8 {
		t.Errorf("a bitmap of 3,000 briefs takes %d bytes", len(raw))
	}
	for _, c := range [][]int{sparse, dense, {0}, {}} {
		if got := read(search.BriefList(c)); !slices.Equal(got, c) && len(c) > 0 {
			t.Errorf("%v reads back as %v", c, got)
		}
	}
}

func (r *reader) findTerm(tok string) int {
	terms, _ := r.lookup(tok)
	if len(terms) != 1 {
		r.t.Fatalf("%q finds %d terms", tok, len(terms))
	}
	return terms[0].n
}

// closeAtStart returns the words of the tail pieces that a query word with
// a typo in its first two letters may stand for, as the page looks them
// up: the pieces of the longest tail keys its characters from the second,
// third and fourth start with.
func (r *reader) closeAtStart(word string) []string {
	var out []string
	cs := []rune(word)
	seen := map[string]bool{}
	for i := 1; i <= 3 && i < len(cs); i++ {
		best := ""
		for _, k := range r.meta.Tails {
			if strings.HasPrefix(string(cs[i:]), k) && len(k) > len(best) {
				best = k
			}
		}
		if best == "" || seen[best] {
			continue
		}
		seen[best] = true
		var words []string
		r.load(search.TailPath(best), &words)
		out = append(out, words...)
	}
	return out
}

// TestTailPiecesHoldWordsWithATypoInTheirFirstTwoLetters: a wrong, missing
// or extra letter in a word's first two, or the two swapped, leaves the
// word in a tail piece the page loads for the typo; numbers, IDs and
// indicators are in none, and every word of the index in one.
func TestTailPiecesHoldWordsWithATypoInTheirFirstTwoLetters(t *testing.T) {
	t.Parallel()
	files := exporttest.Export(t, exporttest.Library(t, library, ""), search.Exporter{})
	r := newReader(t, files)
	for typo, want := range map[string]string{
		"xateways":  "gateways", // the first letter wrong
		"gbteways":  "gateways", // the second
		"ateways":   "gateways", // the first missing
		"gteways":   "gateways", // the second
		"xgateways": "gateways", // one too many, first
		"gxateways": "gateways", // second
		"agteways":  "gateways", // the two swapped
		"hfron":     "heron",
		"fune":      "dune",
		"xcafe":     "cafe",
		"xatewazs":  "gateways", // and another typo further on (8 letters: two)
	} {
		if got := r.closeAtStart(typo); !slices.Contains(got, want) {
			t.Errorf("%q: the tail pieces the page loads hold %v, not %q", typo, got, want)
		}
	}
	var all []string
	for _, k := range r.meta.Tails {
		var words []string
		r.load(search.TailPath(k), &words)
		all = append(all, words...)
	}
	for _, w := range all {
		if strings.ContainsAny(w, "0123456789[") || len([]rune(w)) < 3 {
			t.Errorf("the tail pieces hold %q", w)
		}
	}
	for _, w := range []string{"gateways", "heron", "dune", "cafe", "exploited", "fictional"} {
		if n := strings.Count(" "+strings.Join(all, " ")+" ", " "+w+" "); n != 1 {
			t.Errorf("%q is in %d tail pieces, want 1", w, n)
		}
	}
}
