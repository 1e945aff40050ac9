// Package index builds the immutable relationship index of a set of briefs.
//
// It accepts validated briefs (already filtered to what will be published)
// and a resolver. Every name is resolved once to a canonical term of its
// kind; each term gets a unique slug and URL, the briefs that name it (newest
// first), the terms it co-occurs with in each other kind (with counts), and,
// for actors, the attribution claims made about it. The cost is linear in
// the number of term mentions: co-occurrence is counted per brief, over the
// terms that brief names, never by comparing briefs with each other.
package index

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/par"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/slug"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// Index is the whole relationship graph. Nothing in it changes after Build.
type Index struct {
	Kinds   taxonomy.Table
	Entries []*Entry           // newest first, then by slug
	Terms   map[string][]*Term // kind → terms sorted by name (techniques, countries... by ID)
	bySlug  map[string]map[string]*Term
	byKey   map[string]map[string]*Term
	entries map[string]*Entry // by brief slug
}

// Entry is one brief and its resolved terms.
type Entry struct {
	Brief     *brief.Brief
	URL       string             // /briefs/<slug>/
	Terms     map[string][]*Term // kind → terms in the order the brief gives them
	all       []*Term            // every term of every kind, for counting co-occurrence
	pos       int32              // position in Index.Entries
	Claims    []Claim
	Campaigns []CampaignRef
	Sources   []SourceRef
}

// SourceRef is a cited publication with its publisher resolved.
type SourceRef struct {
	Term  *Term
	Title string
	URL   string
}

// Claim is an attribution claim with its actor resolved.
type Claim struct {
	Actor      *Term
	By         string
	Confidence brief.Confidence
	Entry      *Entry
}

// CampaignRef is a campaign as one brief dates it.
type CampaignRef struct {
	Term      *Term
	FirstSeen string
	LastSeen  string
}

// Term is one canonical term with everything that links to it.
type Term struct {
	resolve.Term
	// KindDef is the entry of the term's kind (resolve.Term's Kind is its
	// name) in the index's table.
	KindDef *taxonomy.Kind
	Slug    string
	URL     string   // /<kind>/<slug>/
	Entries []*Entry // briefs naming it, newest first
	// Cooc maps each kind to the other terms of that kind named in the same
	// briefs, most frequent first.
	Cooc map[string][]Count
	// Claims made about an actor, newest brief first.
	Claims []Claim
	// FirstSeen and LastSeen span the months briefs give (campaigns).
	FirstSeen, LastSeen string

	order string // sortKey, computed once: sorting co-occurrence lists compares it millions of times
	id    int    // position among all terms, for counting co-occurrence in an array
}

// Count is a co-occurring term and the number of briefs naming both.
type Count struct {
	Term *Term
	N    int
}

// Build resolves and links the briefs, whose terms are of the kinds ks.
func Build(briefs []brief.Brief, r *resolve.Resolver, ks taxonomy.Table) *Index {
	ix := &Index{
		Kinds:   slices.Clone(ks),
		Terms:   map[string][]*Term{},
		bySlug:  map[string]map[string]*Term{},
		byKey:   map[string]map[string]*Term{},
		entries: map[string]*Entry{},
	}
	for _, k := range ix.Kinds {
		ix.byKey[k.Name] = map[string]*Term{}
		ix.bySlug[k.Name] = map[string]*Term{}
	}

	// Entries, newest first: every later list is built in this order, so it
	// needs no sorting of its own.
	for i := range briefs {
		b := &briefs[i]
		e := &Entry{Brief: b, URL: "/briefs/" + b.Slug + "/", Terms: map[string][]*Term{}}
		ix.Entries = append(ix.Entries, e)
		ix.entries[b.Slug] = e
	}
	slices.SortStableFunc(ix.Entries, func(a, b *Entry) int {
		return cmp.Or(b.Brief.Date.Compare(a.Brief.Date), cmp.Compare(a.Brief.Slug, b.Brief.Slug))
	})
	for i, e := range ix.Entries {
		e.pos = int32(i)
	}

	// Resolve every name; remember every spelling so a term without a
	// profile or vocabulary entry is shown as most authors write it.
	spellings := map[*Term]map[string]int{}
	actors, _ := ks.WithRole(taxonomy.Attributed)
	campaigns, _ := ks.WithRole(taxonomy.Dated)
	sources, _ := ks.WithRole(taxonomy.Cited)
	for _, e := range ix.Entries {
		for i := range ix.Kinds {
			k := &ix.Kinds[i]
			seen := map[*Term]bool{}
			for _, ref := range k.Refs(e.Brief) {
				rt, _ := r.Resolve(*k, ref.Value)
				t := ix.byKey[k.Name][rt.Key]
				if t == nil {
					t = &Term{Term: rt, KindDef: k, Cooc: map[string][]Count{}}
					ix.byKey[k.Name][rt.Key] = t
					spellings[t] = map[string]int{}
				}
				spellings[t][rt.Name]++
				if !seen[t] {
					seen[t] = true
					e.Terms[k.Name] = append(e.Terms[k.Name], t)
					e.all = append(e.all, t)
					t.Entries = append(t.Entries, e)
				}
			}
		}
		// The structured fields name the kinds of their roles (a table
		// without such a kind leaves them out).
		for _, c := range e.Brief.Attribution {
			if actors.Name == "" {
				break
			}
			rt, _ := r.Resolve(actors, c.Actor)
			t := ix.byKey[actors.Name][rt.Key]
			cl := Claim{Actor: t, By: c.By, Confidence: c.Confidence, Entry: e}
			e.Claims = append(e.Claims, cl)
			t.Claims = append(t.Claims, cl)
		}
		for _, src := range e.Brief.Sources {
			if sources.Name == "" {
				break
			}
			rt, _ := r.Resolve(sources, src.Name)
			e.Sources = append(e.Sources, SourceRef{Term: ix.byKey[sources.Name][rt.Key], Title: src.Title, URL: src.URL})
		}
		for _, c := range e.Brief.Campaigns {
			if campaigns.Name == "" {
				break
			}
			rt, _ := r.Resolve(campaigns, c.Name)
			t := ix.byKey[campaigns.Name][rt.Key]
			e.Campaigns = append(e.Campaigns, CampaignRef{Term: t, FirstSeen: c.FirstSeen, LastSeen: c.LastSeen})
			t.FirstSeen = minMonth(t.FirstSeen, c.FirstSeen)
			t.LastSeen = maxMonth(t.LastSeen, cmp.Or(c.LastSeen, c.FirstSeen))
		}
	}

	for _, k := range ix.Kinds {
		terms := make([]*Term, 0, len(ix.byKey[k.Name]))
		for _, t := range ix.byKey[k.Name] {
			if t.Profile == nil && t.ID == "" {
				t.Name = mostCommon(spellings[t])
			}
			terms = append(terms, t)
		}
		for _, t := range terms {
			t.order = sortKey(t)
		}
		slices.SortFunc(terms, func(a, b *Term) int {
			return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.Key, b.Key))
		})
		for _, t := range terms {
			ix.assignSlug(k.Name, t)
		}
		ix.Terms[k.Name] = terms
	}

	// Co-occurrence: for each term, count the terms named by the briefs
	// that name it. The work is the sum over briefs of (terms per brief)²,
	// linear in the number of briefs; each term counts into a dense scratch
	// array (terms have integer IDs) rather than a map, and terms are
	// spread over every core, each writing only its own lists.
	var all []*Term
	for _, k := range ix.Kinds {
		all = append(all, ix.Terms[k.Name]...)
	}
	for i, t := range all {
		t.id = i
	}
	par.ForWorker(len(all), func() func(int) {
		counts := make([]int32, len(all))
		var touched []int
		return func(i int) {
			a := all[i]
			touched = touched[:0]
			for _, e := range a.Entries {
				for _, b := range e.all {
					if b == a {
						continue
					}
					if counts[b.id] == 0 {
						touched = append(touched, b.id)
					}
					counts[b.id]++
				}
			}
			byKind := map[string][]Count{}
			for _, id := range touched {
				b := all[id]
				byKind[b.Kind] = append(byKind[b.Kind], Count{Term: b, N: int(counts[id])})
				counts[id] = 0
			}
			for k, cs := range byKind {
				slices.SortFunc(cs, func(x, y Count) int {
					return cmp.Or(cmp.Compare(y.N, x.N), cmp.Compare(x.Term.order, y.Term.order), cmp.Compare(x.Term.Key, y.Term.Key))
				})
				a.Cooc[k] = cs
			}
		}
	})
	return ix
}

// sortKey orders terms: by ID where the kind has IDs (T1003 before T1190)
// and is not ordered by name, else by name, case-insensitively.
func sortKey(t *Term) string {
	if t.ID != "" && !t.KindDef.OrderByName {
		return t.ID
	}
	return strings.ToLower(t.Name)
}

func (ix *Index) assignSlug(kind string, t *Term) {
	base := slug.Make(cmp.Or(t.ID, t.Name))
	if t.Profile != nil && t.Profile.Slug != "" {
		base = t.Profile.Slug
	}
	s := base
	for n := 2; ix.bySlug[kind][s] != nil; n++ {
		s = base + "-" + strconv.Itoa(n)
	}
	t.Slug = s
	t.URL = "/" + kind + "/" + s + "/"
	ix.bySlug[kind][s] = t
}

func mostCommon(m map[string]int) string {
	best, bestN := "", -1
	for s, n := range m {
		if n > bestN || (n == bestN && s < best) {
			best, bestN = s, n
		}
	}
	return best
}

func minMonth(a, b string) string {
	if a == "" || (b != "" && b < a) {
		return b
	}
	return a
}

func maxMonth(a, b string) string {
	if b > a {
		return b
	}
	return a
}

// Term returns the term of a kind with the given slug.
func (ix *Index) Term(kind, slug string) (*Term, bool) {
	t, ok := ix.bySlug[kind][slug]
	return t, ok
}

// TermByKey returns the term of a kind by its resolver key (resolve.Term's
// Key: a country's ISO code, a technique's ID...), whatever slug it got.
func (ix *Index) TermByKey(kind, key string) (*Term, bool) {
	t, ok := ix.byKey[kind][key]
	return t, ok
}

// Entry returns the brief with the given slug.
func (ix *Index) Entry(slug string) (*Entry, bool) {
	e, ok := ix.entries[slug]
	return e, ok
}

// Top returns the n terms of a kind named by the most briefs.
func (ix *Index) Top(kind string, n int) []*Term {
	terms := slices.Clone(ix.Terms[kind])
	slices.SortStableFunc(terms, func(a, b *Term) int { return cmp.Compare(len(b.Entries), len(a.Entries)) })
	if len(terms) > n {
		terms = terms[:n]
	}
	return terms
}
