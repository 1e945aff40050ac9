package stix

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// Graph is every STIX object of a site, each encoded once, with what each
// refers to. A bundle is the concatenation of some of the encoded objects:
// nothing is encoded twice, however many bundles hold it.
type Graph struct {
	nodes   []node                 // in bundle order: by type (typeRank), then by ID
	terms   map[*index.Term]int32  // actors' and campaigns'
	reports map[*index.Entry]int32 // briefs'
}

// node is one encoded object.
type node struct {
	raw     []byte // the object's JSON, as every bundle holds it
	id      string
	version int64   // Unix time of its modified (or, never modified, created) property
	refs    []int32 // the objects it refers to: a bundle holding it holds them
	rels    []int32 // the relationships whose source or target it is
	hops    []int32 // an actor's: what its campaigns use and target (see hops)
	// A relationship's type and ends.
	rel      string
	src, dst int32
}

// encode orders, indexes and encodes the objects a builder made.
func encode(b *builder) (*Graph, error) {
	type ranked struct {
		rank int
		it   *item
	}
	all := make([]ranked, 0, len(b.items))
	for _, it := range b.items {
		typ := "relationship"
		if it.o != nil {
			typ = it.o.Type
		}
		all = append(all, ranked{typeRank[typ], it})
	}
	slices.SortFunc(all, func(x, y ranked) int { return cmp.Or(cmp.Compare(x.rank, y.rank), strings.Compare(x.it.id, y.it.id)) })
	g := &Graph{nodes: make([]node, len(all)), terms: map[*index.Term]int32{}, reports: make(map[*index.Entry]int32, len(b.reports))}
	for i, r := range all {
		r.it.ord = int32(i)
	}
	for e, it := range b.reports {
		g.reports[e] = it.ord
	}
	for t, it := range b.terms {
		if export.HasSTIX(t) { // its own bundle or not: the tests compare a brief's with what it would hold
			g.terms[t] = it.ord
		}
	}
	// What only building needed can go before encoding needs memory.
	b.rels, b.terms, b.reports = nil, nil, nil
	// Each node's refs, and each node's relationships, are slices of one
	// array apiece, counted first: a few allocations instead of one or two
	// for every one of some 160,000 objects.
	levels := brief.TLPLevels()
	var marking [8]int32 // by TLP rank
	for rank, t := range levels {
		if m, ok := TLPMarkingID(t); ok && b.items[m] != nil {
			marking[rank] = b.items[m].ord
		}
	}
	nrefs, deg := 0, make([]int32, len(all)+1)
	for _, r := range all {
		if it := r.it; it.o == nil {
			nrefs += 4 // source, target, claimant, marking
			deg[it.src.ord+1]++
			deg[it.dst.ord+1]++
		} else {
			nrefs += 3 + len(it.o.ObjectRefs) + len(it.o.ObjectMarkingRefs) // Object.refs
		}
	}
	for i := 1; i < len(deg); i++ {
		deg[i] += deg[i-1] // deg[i] is now where node i's relationships start
	}
	refs, rels := make([]int32, 0, nrefs), make([]int32, deg[len(all)])
	next := deg[:len(all)]
	for i, r := range all {
		it, n, start := r.it, &g.nodes[i], len(refs)
		n.id = it.id
		if it.o == nil { // a relationship
			n.version = it.last
			n.rel, n.src, n.dst = it.rel, it.src.ord, it.dst.ord
			refs = append(refs, n.src, n.dst)
			if it.claimant != nil {
				refs = append(refs, it.claimant.ord)
			}
			if _, ok := TLPMarkingID(levels[it.tlp]); ok {
				refs = append(refs, marking[it.tlp])
			}
			rels[next[n.src]], next[n.src] = int32(i), next[n.src]+1
			rels[next[n.dst]], next[n.dst] = int32(i), next[n.dst]+1
		} else {
			v, err := time.Parse(stamp, cmp.Or(it.o.Modified, it.o.Created))
			if err != nil {
				return nil, fmt.Errorf("stix: %s: %w", it.id, err)
			}
			n.version = v.Unix()
			for _, ref := range it.o.refs() {
				to, ok := b.items[ref]
				if !ok {
					return nil, fmt.Errorf("stix: %s refers to %s, which was never made", it.id, ref)
				}
				refs = append(refs, to.ord)
			}
			if h := it.hops; h != nil {
				n.hops = make([]int32, len(h.rels))
				for k, rel := range h.rels {
					n.hops[k] = rel.ord
				}
			}
		}
		n.refs = refs[start:len(refs):len(refs)]
	}
	// next[i] is now where node i's relationships end, and node i-1's end
	// where node i's start.
	for i := range g.nodes {
		lo := int32(0)
		if i > 0 {
			lo = next[i-1]
		}
		g.nodes[i].rels = rels[lo:next[i]:next[i]]
	}

	// Encode in as many contiguous runs as there are processors. Each
	// object is copied from a scratch buffer into a block of a few
	// megabytes that many objects' raw slices share: no growing buffer
	// copied over and over, and little slack.
	const blockSize = 4 << 20
	workers := max(1, min(runtime.GOMAXPROCS(0), len(all)))
	chunk := (len(all) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(len(all), w*chunk), min(len(all), (w+1)*chunk)
		wg.Go(func() {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // the bundles are JSON files, not HTML
			var block []byte
			for i := lo; i < hi; i++ {
				it := all[i].it
				buf.Reset()
				if it.o == nil {
					if err := encodeRelationship(&buf, enc, it, levels); err != nil {
						errs[w] = err
						return
					}
				} else {
					if err := enc.Encode(it.o); err != nil {
						errs[w] = fmt.Errorf("stix: %s: %w", it.id, err)
						return
					}
					buf.Truncate(buf.Len() - 1) // Encode's newline
				}
				if len(block)+buf.Len() > cap(block) {
					block = make([]byte, 0, max(blockSize, buf.Len()))
				}
				start := len(block)
				block = append(block, buf.Bytes()...)
				g.nodes[i].raw = block[start:len(block):len(block)]
			}
		})
	}
	wg.Wait()
	if err := cmp.Or(errs...); err != nil {
		return nil, err
	}
	return g, nil
}

// encodeRelationship writes a relationship as encoding/json writes the
// equivalent Object (same properties, same order; checkEncoding in
// stix_test.go holds every encoded object to that), without building one: a library of 10,000 briefs has
// some 150,000 of them, and an Object each, encoded by reflection, was a
// third of the STIX export's time and most of its garbage. Its identifiers,
// timestamps and relationship type need no escaping; the description goes
// through enc, which writes to the same buffer.
func encodeRelationship(buf *bytes.Buffer, enc *json.Encoder, it *item, levels []brief.TLP) error {
	buf.WriteString(`{"type":"relationship","spec_version":"` + SpecVersion + `","id":"`)
	buf.WriteString(it.id)
	if it.claimant != nil {
		buf.WriteString(`","created_by_ref":"`)
		buf.WriteString(it.claimant.id)
	}
	buf.WriteString(`","created":"`)
	buf.Write(time.Unix(it.first, 0).UTC().AppendFormat(buf.AvailableBuffer(), stamp))
	buf.WriteString(`","modified":"`)
	buf.Write(time.Unix(it.last, 0).UTC().AppendFormat(buf.AvailableBuffer(), stamp))
	buf.WriteByte('"')
	if it.description != "" {
		buf.WriteString(`,"description":`)
		if err := enc.Encode(it.description); err != nil {
			return fmt.Errorf("stix: %s: %w", it.id, err)
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteString(`,"relationship_type":"`)
	buf.WriteString(it.rel)
	buf.WriteString(`","source_ref":"`)
	buf.WriteString(it.src.id)
	buf.WriteString(`","target_ref":"`)
	buf.WriteString(it.dst.id)
	buf.WriteByte('"')
	if it.claimant != nil {
		buf.WriteString(`,"confidence":`)
		buf.Write(strconv.AppendInt(buf.AvailableBuffer(), int64(it.confidence), 10))
	}
	if m, ok := TLPMarkingID(levels[it.tlp]); ok {
		buf.WriteString(`,"object_marking_refs":["` + m + `"]`)
	}
	buf.WriteByte('}')
	return nil
}

// bundler assembles bundles from a graph's encoded objects. It is not safe
// for concurrent use: each goroutine has its own.
type bundler struct {
	g     *Graph
	seen  []uint32 // seen[i] == gen: node i is in the bundle being made
	ends  []uint32 // ends[i] == gen: an actor's bundle relates to node i
	gen   uint32
	list  []int32
	stack []int32
	buf   bytes.Buffer
}

func (g *Graph) bundler() *bundler {
	return &bundler{g: g, seen: make([]uint32, len(g.nodes)), ends: make([]uint32, len(g.nodes))}
}

func (b *bundler) reset() {
	b.gen++
	b.list = b.list[:0]
}

// add puts node i in the bundle, with everything it refers to,
// transitively, so every *_ref of a bundle resolves inside it.
func (b *bundler) add(i int32) {
	b.stack = append(b.stack[:0], i)
	for len(b.stack) > 0 {
		j := b.stack[len(b.stack)-1]
		b.stack = b.stack[:len(b.stack)-1]
		if b.seen[j] == b.gen {
			continue
		}
		b.seen[j] = b.gen
		b.list = append(b.list, j)
		b.stack = append(b.stack, b.g.nodes[j].refs...)
	}
}

// bytes returns the bundle of the nodes added since reset, in the graph's
// order. The result is valid until the next call.
func (b *bundler) bytes(key string) []byte {
	slices.Sort(b.list)
	b.buf.Reset()
	b.buf.WriteString(`{"type":"bundle","id":"` + ID("bundle", key) + `","objects":[`)
	for k, j := range b.list {
		if k > 0 {
			b.buf.WriteByte(',')
		}
		b.buf.Write(b.g.nodes[j].raw)
	}
	b.buf.WriteString("]}")
	return b.buf.Bytes()
}

// brief returns the bundle of one brief: its report and everything the
// report refers to.
func (b *bundler) brief(e *index.Entry) ([]byte, error) {
	r, ok := b.g.reports[e]
	if !ok {
		return nil, fmt.Errorf("stix: %s has no report", e.URL)
	}
	b.reset()
	b.add(r)
	return b.bytes("briefs/" + e.Brief.Slug), nil
}

// term returns the bundle of an actor or a campaign: its object, every
// relationship to or from it (attributions with their claimants, what it
// uses and targets, its origin, the indicators of it) and the objects at
// their other ends. The reports stay in the briefs' bundles: each would
// bring everything its brief names, and an actor's bundle would grow with
// every actor it was ever named beside.
//
// In the campaign-centric graph what an actor does is recorded on its
// campaigns, so an actor's bundle goes one hop further (see twoHops).
func (b *bundler) term(t *index.Term) ([]byte, error) {
	i, ok := b.g.terms[t]
	if !ok {
		return nil, fmt.Errorf("stix: %s has no bundle", t.URL)
	}
	b.reset()
	b.add(i)
	for _, r := range b.g.nodes[i].rels {
		b.add(r)
	}
	if t.Kind == "actors" {
		b.twoHops(i)
	}
	return b.bytes(t.Kind + "/" + t.Slug), nil
}

// twoHops adds to an actor's bundle what the campaigns attributed to it use
// and target in the briefs that name it, once for each thing used or
// targeted: by the relationship of the newest such brief, unless the actor
// has its own (from a brief naming it with neither a campaign nor a claim).
//
// Not every relationship of every campaign: that would repeat each
// technique once per campaign (an actor named in a thousand briefs, each
// with an activity of its own, would have a bundle of megabytes saying the
// same things), and a campaign named by briefs about other actors would
// bring what those briefs report, which is no evidence about this actor.
// For the same reason the campaigns' indicators stay in their own bundles
// (and the briefs' and the site's). The campaign's bundle holds all of its
// relationships.
func (b *bundler) twoHops(actor int32) {
	g := b.g
	for _, r := range g.nodes[actor].rels {
		if n := &g.nodes[r]; n.src == actor && (n.rel == "uses" || n.rel == "targets") {
			b.ends[n.dst] = b.gen
		}
	}
	for _, r := range g.nodes[actor].hops {
		if end := g.nodes[r].dst; b.ends[end] != b.gen {
			b.ends[end] = b.gen
			b.add(r)
		}
	}
}

// WriteSite writes the bundle of every object.
func (g *Graph) WriteSite(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(`{"type":"bundle","id":"` + ID("bundle", "site") + `","objects":[`)
	for k := range g.nodes {
		if k > 0 {
			bw.WriteByte(',')
		}
		bw.Write(g.nodes[k].raw)
	}
	bw.WriteString("]}")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("stix: %w", err)
	}
	return nil
}

// Len is the number of objects in the graph.
func (g *Graph) Len() int { return len(g.nodes) }

// Object returns the graph's object i (in bundle order, 0 <= i < Len):
// its JSON as every bundle holds it (valid as long as the graph), its ID
// and its version, the value of its modified property (created, for an
// object never modified), as a TAXII manifest lists it.
func (g *Graph) Object(i int) (raw []byte, id string, version time.Time) {
	n := &g.nodes[i]
	return n.raw, n.id, time.Unix(n.version, 0).UTC()
}

// Select returns, in bundle order, the objects that the bundles of the
// given briefs hold together: each brief's report and everything it refers
// to, transitively, each once.
func (g *Graph) Select(entries []*index.Entry) ([]int, error) {
	b := g.bundler()
	b.reset()
	for _, e := range entries {
		r, ok := g.reports[e]
		if !ok {
			return nil, fmt.Errorf("stix: %s has no report", e.URL)
		}
		b.add(r)
	}
	slices.Sort(b.list)
	out := make([]int, len(b.list))
	for k, j := range b.list {
		out[k] = int(j)
	}
	return out, nil
}

// graphKey is the key of the site's graph among the values exporters
// share (export.Shared).
type graphKey struct{}

// SiteGraph returns the STIX graph of s, built once per build by the first
// exporter that asks: the STIX bundles and the TAXII collections hold the
// same objects, and building them is most of either exporter's time.
func SiteGraph(s *export.Site) (*Graph, error) {
	return export.Shared(s, graphKey{}, func(s *export.Site) (*Graph, error) { return Build(s.Index, s.Vocab, s.BaseURL) })
}

// Exporter writes the STIX bundles: the site's (streamed), then each
// brief's and each term's that has one of its own (export.OwnSTIX), on as
// many goroutines as there are processors, from the site's graph
// (SiteGraph).
type Exporter struct{}

// Name is "stix".
func (Exporter) Name() string { return "stix" }

// Export writes every bundle of s through out.
func (Exporter) Export(s *export.Site, out export.Sink) error {
	g, err := SiteGraph(s)
	if err != nil {
		return err
	}
	return WriteGraph(g, s.Index, out)
}

// WriteGraph writes every bundle of a built graph to out: the site's
// (streamed), then each brief's and each actor's and campaign's that has
// one of its own (export.OwnSTIX), on as many goroutines as there are
// processors.
func WriteGraph(g *Graph, ix *index.Index, out export.Sink) error {
	if err := out.Stream(export.SiteSTIX, g.WriteSite); err != nil {
		return err
	}
	var terms []*index.Term
	for _, k := range ix.Kinds {
		for _, t := range ix.Terms[k.Name] {
			if export.OwnSTIX(t) {
				terms = append(terms, t)
			}
		}
	}
	n := len(ix.Entries) + len(terms)
	var next atomic.Int64
	eg, ctx := errgroup.WithContext(context.Background())
	for range max(1, runtime.GOMAXPROCS(0)) {
		eg.Go(func() error {
			b := g.bundler()
			for ctx.Err() == nil {
				k := int(next.Add(1) - 1)
				if k >= n {
					return nil
				}
				var rel string
				var data []byte
				var err error
				if k < len(ix.Entries) {
					e := ix.Entries[k]
					rel = export.BriefSTIX(e)
					data, err = b.brief(e)
				} else {
					t := terms[k-len(ix.Entries)]
					rel = export.TermSTIX(t)
					data, err = b.term(t)
				}
				if err == nil {
					err = out.Write(rel, data)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	return eg.Wait()
}
