// Package search writes the site's search index, built and split by the
// generator so that the search page (assets/js/search/) loads only the
// pieces a query needs and indexes nothing itself.
//
// Exporter accepts an export.Site and reads only its index, of what is
// published (so TLP rules are the ones the pages follow: an excluded brief is
// not in the index and so not in the search data). It writes, under search/:
//
//	meta.js        what every search needs: the kinds, the shard and tail
//	               keys, where term chunks start, every brief's date and
//	               TLP label
//	s/<key>.js     a shard of the inverted index: every token starting with
//	               key, with the terms and briefs it occurs in, and where,
//	               and the briefs of the terms it names
//	w/<key>.js     a tail piece: the words (not numbers, IDs or indicators)
//	               whose tail, what follows their first two characters,
//	               starts with key, for a typo in a word's first two
//	               letters (tails)
//	t/<n>.js       a chunk of terms, from the term numbered n: name, ID,
//	               slug, synonyms, profile summary and the briefs naming it
//	d/<n>.js       a chunk of DocChunk briefs, from the brief numbered n:
//	               slug, title, summary and indicators (defanged), to show
//
// Why pieces, and why written by hand: at 10,000 briefs the whole index is
// megabytes, and a reader looking for "T1190" should fetch a few kilobytes.
// Pagefind splits its index the same way but loads the pieces with fetch()
// and WebAssembly, which a page opened from file:// (the offline edition)
// cannot do; rustdoc and mdBook load theirs as classic scripts, which work
// from file:// and under the site's Content-Security-Policy (script-src
// 'self', no eval), and so do these. No library writes such an index from
// Go, and the format is small.
//
// Every piece is a classic script that hands its data to the page:
//
//	TBSearch.add("s/vo", {...});
//
// (meta.js first makes sure TBSearch exists: MetaPrefix).
//
// Numbering: briefs are numbered by their position in the index (newest
// first), terms kind after kind in taxonomy order, each kind's terms in the
// index's order. Tokens are the words of Words (the page tokenizes the query
// the same way), plus a catalogue ID's other forms (indexWords) and each
// indicator value whole, refanged and in lower case (IndicatorToken; the
// page refangs the query).
//
// A shard is {token: [terms, briefs]}, or {token: [terms, briefs, named]}
// for a token in the name, a synonym or the ID of terms: named is [term,
// briefs, label, term, briefs, label, ...], each such term's number, the
// briefs naming it (BriefList) and its label, [kind, name, code,
// [position, synonym], ...] with only the synonyms the token is a word of
// and their positions in the term chunk's list of them, so that the page
// ranks a query's briefs from its shards alone and says which terms a
// brief matched through (a line under most results of a common word) with
// no term chunk: it loads those only for the terms it shows as results.
// Terms and
// briefs are lists of packed integers, in increasing number: (number -
// previous number) shifted left by the width of the field mask, or'ed with
// the mask of the fields the token occurs in (terms: TermName, TermAlias,
// TermCode, TermSummary; briefs: BriefTitle, BriefSummary, BriefIndicator). The previous number of
// the first is -1. A shard's key is the first two characters of its tokens;
// a shard bigger than MaxShard is split into longer keys (the tokens as
// long as the key stay in it, and those of the smallest longer keys while
// it keeps within MaxShard or they are under minShard), and meta lists the
// keys, so a token belongs
// to the longest listed key it starts with. A key is written in a file name
// as is when it is made of a-z and 0-9, otherwise each other character's
// UTF-8 bytes as _xx.
//
// A tail piece is a list of words, tail after tail. Its key is the first
// two characters of the tails, split into longer keys as shards are, and
// meta lists the keys (tails). The page loads tail pieces only when a
// query word matches nothing, not even with a typo after its first two
// letters: a typo there leaves the tail of the word meant equal to the
// query word's from its second, third or fourth character, so at most
// three pieces hold the word, which the page then looks up in its shard.
//
// A term chunk is a list of [kind, name, code, slug, briefs, synonyms,
// summary]: kind a position in meta's kinds, code the catalogue ID when it
// differs from the name (T1190, CVE-..., the ISO code) or "", briefs the
// briefs naming the term (BriefList: delta coded from -1, or a bitmap for
// terms named by many); synonyms and summary are left off the end when
// empty.
//
// meta is {v, briefs, kinds, keys, tails, terms, docs, day0, days, tlps,
// tlp}: keys are the shards' keys, tails the tail pieces'; kinds are [name, singular, weight, first term, term count, filter
// parameter]; terms the first term number of each term chunk; docs the
// briefs per document chunk (DocChunk); day0 the first brief's date in days
// since 1970-01-01 and days, for every brief, how many days older it is
// than the one before; tlp one digit per brief, its label's position in
// tlps.
package search

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
)

// Dir is where the pieces are written, relative to the site root.
const Dir = "search/"

// MetaPath is the piece every search loads first.
const MetaPath = Dir + "meta.js"

// Version is the version of the format.
const Version = 6

// DocChunk is how many briefs a document chunk holds.
const DocChunk = 8

// MaxShard is the size in bytes above which a shard is split into longer
// keys; MaxTermChunk is the size a term chunk grows to.
const (
	MaxShard     = 24 << 10
	MaxTermChunk = 24 << 10
)

// minShard is the size under which a longer key's tokens are not worth a
// shard (and a request) of their own when a shard is split.
const minShard = MaxShard / 16

// Field masks of a term posting.
const (
	TermName = 1 << iota
	TermAlias
	TermCode
	TermSummary
	termBits = 4
)

// Field masks of a brief posting.
const (
	BriefTitle = 1 << iota
	BriefSummary
	BriefIndicator
	briefBits = 3
)

// Meta is meta.js.
type Meta struct {
	V      int      `json:"v"`
	Briefs int      `json:"briefs"`
	Kinds  [][]any  `json:"kinds"` // name, singular, weight, first term, count, filter
	Keys   []string `json:"keys"`
	Tails  []string `json:"tails"`
	Terms  []int    `json:"terms"`
	Docs   int      `json:"docs"`
	Day0   int64    `json:"day0"`
	Days   []int64  `json:"days"`
	TLPs   []string `json:"tlps"`
	TLP    string   `json:"tlp"`
}

// Postings are where one token occurs: packed term and brief postings,
// and the briefs of each term the token names (Named).
type Postings struct {
	Terms  []int
	Briefs []int
	Named  []NamedTerm
}

// NamedTerm is a term whose name, synonym or ID holds a token, the briefs
// naming that term (a BriefList, JSON-encoded) and its label: [kind, name,
// code, [position, synonym], ...], the synonyms the token is a word of.
type NamedTerm struct {
	Term   int
	Briefs json.RawMessage
	Label  []any
}

// MarshalJSON writes [terms, briefs], and [terms, briefs, named] when the
// token names terms: named is [term, briefs, label, term, briefs, label,
// ...].
func (p *Postings) MarshalJSON() ([]byte, error) {
	if len(p.Named) == 0 {
		return json.Marshal([2][]int{nonNil(p.Terms), nonNil(p.Briefs)})
	}
	named := make([]any, 0, 2*len(p.Named))
	for _, t := range p.Named {
		named = append(named, t.Term, t.Briefs, t.Label)
	}
	return json.Marshal([3]any{nonNil(p.Terms), nonNil(p.Briefs), named})
}

// size estimates the postings' size in a shard, for splitting shards.
func (p *Postings) size(tok string) int {
	n := len(tok) + 8 + 5*(len(p.Terms)+len(p.Briefs))
	for _, t := range p.Named {
		n += 6 + len(t.Briefs) + recordSize(t.Label)
	}
	return n
}

// minBitmap is the fewest briefs BriefList may write as a bitmap: a short
// list is as quick to read either way.
const minBitmap = 32

// BriefList encodes increasing brief numbers as the shorter of two forms:
// their differences, the first from -1 (a JSON array), or, for minBitmap
// briefs or more, a bitmap, bit n%8 of byte n/8 set for brief n, trailing
// zero bytes left off, in standard base64 (a JSON string). The bitmap is for the
// terms that thousands of briefs name: a string the page decodes with atob
// rather than an array literal of thousands of numbers for it to parse.
func BriefList(nums []int) json.RawMessage {
	ds, _ := json.Marshal(nonNil(deltas(nums)))
	if len(nums) < minBitmap {
		return ds
	}
	bits := make([]byte, nums[len(nums)-1]/8+1)
	for _, n := range nums {
		bits[n/8] |= 1 << (n % 8)
	}
	if enc := base64.StdEncoding.EncodedLen(len(bits)) + 2; enc < len(ds) {
		return json.RawMessage(strconv.Quote(base64.StdEncoding.EncodeToString(bits)))
	}
	return ds
}

func nonNil(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// Index is the search index of a site, in pieces.
type Index struct {
	Meta   Meta
	Shards map[string]map[string]*Postings // key → token → postings
	Tails  map[string]map[string][]string  // key → tail → words
	Terms  [][][]any                       // term chunks
	Docs   [][][]any                       // document chunks
}

// occurrences collects, for each token, the fields of each numbered thing
// it occurs in.
type occurrences map[string]map[int]int

func (o occurrences) add(tok string, n, mask int) {
	m := o[tok]
	if m == nil {
		m = map[int]int{}
		o[tok] = m
	}
	m[n] |= mask
}

func (o occurrences) addText(text string, n, mask int) {
	for _, w := range indexWords(text) {
		o.add(w, n, mask)
	}
}

// packed returns the postings of one token, numbers increasing.
func packed(m map[int]int, bits int) []int {
	nums := make([]int, 0, len(m))
	for n := range m {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	out := make([]int, len(nums))
	prev := -1
	for i, n := range nums {
		out[i] = (n-prev)<<bits | m[n]
		prev = n
	}
	return out
}

// deltas codes increasing numbers as differences from the previous one,
// the first from -1.
func deltas(nums []int) []int {
	out := make([]int, len(nums))
	prev := -1
	for i, n := range nums {
		out[i] = n - prev
		prev = n
	}
	return out
}

// Build builds the search index of ix.
func Build(ix *index.Index) *Index {
	out := &Index{Meta: Meta{V: Version, Briefs: len(ix.Entries), Docs: DocChunk, Kinds: [][]any{}, Days: []int64{}}}
	termOcc, briefOcc, iocOcc := occurrences{}, occurrences{}, occurrences{}

	// Terms.
	briefNum := make(map[*index.Entry]int, len(ix.Entries))
	for i, e := range ix.Entries {
		briefNum[e] = i
	}
	var chunk [][]any
	size := 0
	flush := func() {
		if len(chunk) > 0 {
			out.Terms = append(out.Terms, chunk)
		}
		chunk, size = nil, 0
	}
	var termBriefs [][]int // by term number
	var labels []termLabel // by term number
	n := 0
	for ki, k := range ix.Kinds {
		terms := ix.Terms[k.Name]
		out.Meta.Kinds = append(out.Meta.Kinds, []any{k.Name, k.Singular, k.SearchWeight, n, len(terms), k.Filter})
		for _, t := range terms {
			code := t.ID
			if code == t.Name {
				code = ""
			}
			var syn []string
			var synWords [][]string
			for _, s := range t.Aliases() { // the profile's synonyms and ATT&CK's aliases
				ws := indexWords(s.Name)
				syn, synWords = append(syn, s.Name), append(synWords, ws)
				for _, w := range ws {
					termOcc.add(w, n, TermAlias)
				}
			}
			summary := ""
			if t.Profile != nil {
				summary = t.Profile.Summary
			}
			termOcc.addText(t.Name, n, TermName)
			termOcc.addText(code, n, TermCode)
			termOcc.addText(summary, n, TermSummary)
			nums := make([]int, len(t.Entries))
			for i, e := range t.Entries {
				nums[i] = briefNum[e]
			}
			slices.Sort(nums)
			termBriefs = append(termBriefs, nums)
			labels = append(labels, termLabel{ki, t.Name, code, syn, synWords})
			var briefs any = deltas(nums)
			if list := BriefList(nums); list[0] == '"' {
				briefs = list
			}
			rec := []any{ki, t.Name, code, t.Slug, briefs}
			if len(syn) > 0 || summary != "" {
				rec = append(rec, nonNilStrings(syn))
			}
			if summary != "" {
				rec = append(rec, summary)
			}
			if size >= MaxTermChunk {
				flush()
			}
			if len(chunk) == 0 {
				out.Meta.Terms = append(out.Meta.Terms, n)
			}
			chunk = append(chunk, rec)
			size += recordSize(rec)
			n++
		}
	}
	flush()

	// Briefs.
	tlps := map[brief.TLP]int{}
	var tlp strings.Builder
	var prevDay int64
	for i, e := range ix.Entries {
		b := e.Brief
		briefOcc.addText(b.Title, i, BriefTitle)
		briefOcc.addText(b.Summary, i, BriefSummary)
		var iocs []string
		for _, ioc := range b.IOCs {
			iocOcc.add(IndicatorToken(ioc.Value), i, BriefIndicator)
			iocs = append(iocs, indicator.Defang(ioc.Type, ioc.Value))
		}
		rec := []any{b.Slug, b.Title, b.Summary}
		if len(iocs) > 0 {
			rec = append(rec, iocs)
		}
		if i%DocChunk == 0 {
			out.Docs = append(out.Docs, nil)
		}
		out.Docs[len(out.Docs)-1] = append(out.Docs[len(out.Docs)-1], rec)

		y, m, d := b.Date.Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		if i == 0 {
			out.Meta.Day0 = day
		}
		out.Meta.Days = append(out.Meta.Days, (prevDay-day)*boolInt(i > 0))
		prevDay = day
		if _, ok := tlps[b.TLP]; !ok {
			tlps[b.TLP] = len(out.Meta.TLPs)
			out.Meta.TLPs = append(out.Meta.TLPs, string(b.TLP))
		}
		tlp.WriteString(strconv.Itoa(tlps[b.TLP]))
	}
	out.Meta.TLP = tlp.String()
	if out.Meta.TLPs == nil {
		out.Meta.TLPs = []string{}
	}

	// The words, by their tails, for typos in their first two letters
	// (before the indicators join the brief occurrences: they are not
	// words).
	out.Tails = tails(termOcc, briefOcc)
	out.Meta.Tails = sortedKeys(out.Tails)
	for tok, m := range iocOcc {
		for n, mask := range m {
			briefOcc.add(tok, n, mask)
		}
	}

	// The inverted index, in shards.
	postings := map[string]*Postings{}
	lists := make([]json.RawMessage, len(termBriefs))
	for tok, m := range termOcc {
		p := &Postings{Terms: packed(m, termBits)}
		for t, mask := range m {
			if mask&(TermName|TermAlias|TermCode) == 0 {
				continue
			}
			if lists[t] == nil {
				lists[t] = BriefList(termBriefs[t])
			}
			p.Named = append(p.Named, NamedTerm{t, lists[t], labels[t].forToken(tok)})
		}
		slices.SortFunc(p.Named, func(a, b NamedTerm) int { return a.Term - b.Term })
		postings[tok] = p
	}
	for tok, m := range briefOcc {
		p := postings[tok]
		if p == nil {
			p = &Postings{}
			postings[tok] = p
		}
		p.Briefs = packed(m, briefBits)
	}
	out.Shards = shard(postings)
	out.Meta.Keys = sortedKeys(out.Shards)
	return out
}

// sortedKeys returns m's keys in order, and an empty list (meta writes
// []) rather than nil when there are none.
func sortedKeys[V any](m map[string]V) []string {
	return append([]string{}, slices.Sorted(maps.Keys(m))...)
}

// termLabel is what a result says of a term it matched through: its
// kind, name, code and synonyms, and the words of each synonym (as the
// index has them: indexWords, tokenized once).
type termLabel struct {
	kind       int
	name, code string
	synonyms   []string
	words      [][]string
}

// forToken is the label as the shard of tok carries it: [kind, name, code,
// [position, synonym], ...], with the synonyms tok is a word of (the page
// shows a synonym only when a word of the query matched it, and merges
// the labels of a query's tokens in the positions' order).
func (l termLabel) forToken(tok string) []any {
	out := []any{l.kind, l.name, l.code}
	for i, s := range l.synonyms {
		if slices.Contains(l.words[i], tok) {
			out = append(out, []any{i, s})
		}
	}
	return out
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// recordSize estimates a record's size in JSON, for cutting chunks.
func recordSize(rec []any) int {
	b, _ := json.Marshal(rec)
	return len(b)
}

// prefix returns the first n characters of s (all of s when shorter).
func prefix(s string, n int) string {
	i := 0
	for range n {
		if i >= len(s) {
			break
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s[:i]
}

// shard splits the postings into shards by key: the first two characters,
// and longer where a shard would be bigger than MaxShard.
func shard(postings map[string]*Postings) map[string]map[string]*Postings {
	return split(postings, func(tok string, p *Postings) int { return p.size(tok) })
}

// split groups items by key, as shard does: the first two characters of
// their names, and longer where a group would be bigger than MaxShard by
// size.
func split[V any](items map[string]V, sizeOf func(string, V) int) map[string]map[string]V {
	out := map[string]map[string]V{}
	var place func(key string, toks map[string]V)
	place = func(key string, toks map[string]V) {
		n := utf8.RuneCountInString(key)
		size := 0
		longer := 0
		for tok, p := range toks {
			size += sizeOf(tok, p)
			if utf8.RuneCountInString(tok) > n {
				longer++
			}
		}
		if size <= MaxShard || longer == 0 {
			out[key] = toks
			return
		}
		keep := map[string]V{}
		keepSize := 0
		children := map[string]map[string]V{}
		sizes := map[string]int{}
		for tok, p := range toks {
			if utf8.RuneCountInString(tok) == n {
				keep[tok] = p
				keepSize += sizeOf(tok, p)
				continue
			}
			c := prefix(tok, n+1)
			if children[c] == nil {
				children[c] = map[string]V{}
			}
			children[c][tok] = p
			sizes[c] += sizeOf(tok, p)
		}
		// The smallest children stay in key's shard while it keeps within
		// MaxShard, and those under minShard whatever its size (their keys
		// are not listed, so their tokens belong to key): otherwise one big
		// token ("badger", naming hundreds of actors) leaves dozens of
		// shards of a few hundred bytes beside it, every one of which a
		// prefix query loads, at a request each.
		small := make([]string, 0, len(children))
		for c := range children {
			small = append(small, c)
		}
		slices.SortFunc(small, func(a, b string) int { return cmp.Or(sizes[a]-sizes[b], strings.Compare(a, b)) })
		for _, c := range small {
			if sizes[c] >= minShard && keepSize+sizes[c] > MaxShard {
				break
			}
			maps.Copy(keep, children[c])
			keepSize += sizes[c]
			delete(children, c)
		}
		if len(keep) > 0 {
			out[key] = keep
		}
		for c, ts := range children {
			place(c, ts)
		}
	}
	first := map[string]map[string]V{}
	for tok, p := range items {
		k := prefix(tok, 2)
		if first[k] == nil {
			first[k] = map[string]V{}
		}
		first[k][tok] = p
	}
	for k, ts := range first {
		place(k, ts)
	}
	return out
}

// minTail is the fewest characters a word has to be in a tail piece: a
// query word is looked up with typos from 4 characters, and a word one
// typo from it has at least 3.
const minTail = 3

// tails groups the words of the index (not the indicators), of minTail
// characters or more and with no digit (numbers and IDs are left to the
// shards, which keeps the pieces small), by their tails: what follows
// their first two characters. A query word with a typo in its first two
// characters (a wrong, missing or extra character, or the two swapped)
// has the tail of the word it stands for from its second, third or
// fourth character, so the page finds the word among those of at most
// three tails, without a request for every character that might have
// been meant; it keeps those within its typo limit. The tails are split
// into pieces by their first two characters as shards are (split).
func tails(occs ...occurrences) map[string]map[string][]string {
	byTail := map[string][]string{}
	seen := map[string]bool{}
	for _, o := range occs {
		for w := range o {
			if seen[w] || utf8.RuneCountInString(w) < minTail || strings.ContainsAny(w, "0123456789") {
				continue
			}
			seen[w] = true
			tail := w[len(prefix(w, 2)):]
			byTail[tail] = append(byTail[tail], w)
		}
	}
	for _, ws := range byTail {
		slices.Sort(ws)
	}
	return split(byTail, func(tail string, ws []string) int {
		n := 0
		for _, w := range ws {
			n += len(w) + 3
		}
		return n
	})
}

// FileKey is how a shard key is written in a file name: as is when made of
// a-z and 0-9, otherwise each other character's UTF-8 bytes as _xx.
func FileKey(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%02x", c)
		}
	}
	return b.String()
}

// ShardPath, TailPath, TermPath and DocPath are where the pieces are
// written.
func ShardPath(key string) string { return Dir + "s/" + FileKey(key) + ".js" }
func TailPath(key string) string  { return Dir + "w/" + FileKey(key) + ".js" }
func TermPath(first int) string   { return Dir + "t/" + strconv.Itoa(first) + ".js" }
func DocPath(first int) string    { return Dir + "d/" + strconv.Itoa(first) + ".js" }

// MetaPrefix opens meta.js. The search page loads meta.js and its script
// at once, both async, so meta.js may run first: it then leaves its data in
// TBSearch.early, where the script (assets/js/search/pieces.js) finds it.
// Every other piece is asked for by the script, so runs after it.
const MetaPrefix = "self.TBSearch||(TBSearch={early:[],add(n,d){this.early.push([n,d])}});"

// piece is the classic script that hands data to the page under name (the
// piece's path under search/, without .js).
func piece(path string, data any) ([]byte, error) {
	name := strings.TrimSuffix(strings.TrimPrefix(path, Dir), ".js")
	var buf bytes.Buffer
	if path == MetaPath {
		buf.WriteString(MetaPrefix)
	}
	buf.WriteString("TBSearch.add(" + strconv.Quote(name) + ",")
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return nil, fmt.Errorf("search: %s: %w", path, err)
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	buf.WriteString(");\n")
	return buf.Bytes(), nil
}

// Files returns every piece of the index by its path under the site root.
func (x *Index) Files() (map[string][]byte, error) {
	files := map[string][]byte{}
	add := func(path string, data any) error {
		b, err := piece(path, data)
		files[path] = b
		return err
	}
	if err := add(MetaPath, &x.Meta); err != nil {
		return nil, err
	}
	for k, toks := range x.Shards {
		if err := add(ShardPath(k), toks); err != nil {
			return nil, err
		}
	}
	for k, byTail := range x.Tails {
		if err := add(TailPath(k), tailWords(byTail)); err != nil {
			return nil, err
		}
	}
	for i, c := range x.Terms {
		if err := add(TermPath(x.Meta.Terms[i]), c); err != nil {
			return nil, err
		}
	}
	for i, c := range x.Docs {
		if err := add(DocPath(i*DocChunk), c); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// tailWords is a tail piece's data: its words, tail after tail.
func tailWords(byTail map[string][]string) []string {
	out := []string{}
	for _, t := range sortedKeys(byTail) {
		out = append(out, byTail[t]...)
	}
	return out
}

// Exporter writes the search index.
type Exporter struct{}

// Name is "search".
func (Exporter) Name() string { return "search" }

// Export writes the pieces of the search index of s through out.
func (Exporter) Export(s *export.Site, out export.Sink) error {
	files, err := Build(s.Index).Files()
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		if err := out.Write(p, files[p]); err != nil {
			return err
		}
	}
	return nil
}
