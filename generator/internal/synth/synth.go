// Package synth writes a deterministic synthetic brief library for
// benchmarks and load tests.
//
// It accepts a project directory, a number of briefs and a seed, and writes
// content/briefs/YYYY/<slug>.md plus actor profiles with synonyms. The same
// arguments always produce the same bytes. Term popularity is Zipf-like (a
// few actors, sectors and techniques appear in many briefs, most in few);
// names come from the real vocabularies (sectors, countries, ATT&CK
// techniques and mitigations) or are generated (actors, malware, campaigns,
// CVEs); bodies are a few hundred words with a list and a table.
//
// Two shapes (Kind): Shared, the default, draws every term from small pools,
// so terms are few and each is named by many briefs; Unique gives each brief
// what a real report brings, a campaign of its own, one or two CVEs, and
// CVEs, malware and sources from long tails, so most term pages serve one
// or two briefs.
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/slug"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Shape sets the sizes of the synthetic vocabularies.
type Shape struct {
	Actors, Malware, Campaigns, CVEs, Sources int
}

// DefaultShape sizes the vocabularies as the issue describing the benchmark
// does for a real library: a few hundred actors with synonyms, several
// hundred malware families and CVEs (on top of the real ~40 sectors, ~250
// countries and ~600 ATT&CK techniques), and campaigns that each span a
// handful of briefs. Term popularity is Zipf-like, so a few terms are named
// by many briefs and most by few.
func DefaultShape(briefs int) Shape {
	return Shape{
		Actors:    clamp(briefs/10, 20, 300),
		Malware:   clamp(briefs/10, 20, 400),
		Campaigns: clamp(briefs/8, 10, 1500),
		CVEs:      clamp(briefs/5, 20, 800),
		Sources:   40,
	}
}

// UniqueShape sizes the pools of the Unique kind: the same actors as
// DefaultShape, and long tails of CVEs (one per eight briefs), malware (one
// family per twelve) and sources (one per twenty-five), drawn Zipf-like so
// most are named by one or two briefs. Campaigns have no pool: each brief
// names its own. With the real vocabularies that makes about 2.2 pages per
// brief, the shape issue 17 measured (taken literally, one or two CVEs no
// other brief names would make 4.5).
func UniqueShape(briefs int) Shape {
	return Shape{
		Actors:  clamp(briefs/10, 20, 300),
		Malware: max(20, briefs/12),
		CVEs:    max(20, briefs/8),
		Sources: max(40, briefs/25),
	}
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }

// Kind is the shape of a corpus: how many terms its briefs share.
type Kind string

const (
	// Shared draws every term from small pools (DefaultShape): few term
	// pages, each listing many briefs.
	Shared Kind = "shared"
	// Unique gives each brief a campaign no other brief names and one or
	// two CVEs, and draws CVEs, malware and sources from long tails
	// (UniqueShape): about 1.2 term pages per brief.
	Unique Kind = "unique"
)

// ParseKind accepts the name of a Kind.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case Shared, Unique:
		return k, nil
	}
	return "", fmt.Errorf("unknown corpus shape %q (want %q or %q)", s, Shared, Unique)
}

// Generate writes n briefs (and the actor profiles they use) under dir, in
// the Shared shape.
func Generate(dir string, n int, seed uint64) error {
	return GenerateKind(dir, n, seed, Shared)
}

// GenerateKind writes n briefs of the given kind (and the actor profiles
// they use) under dir.
func GenerateKind(dir string, n int, seed uint64, kind Kind) error {
	v, err := vocab.Default()
	if err != nil {
		return err
	}
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x7b5d)), v: v, kind: kind, seen: map[string]bool{}}
	switch kind {
	case Shared:
		g.shape = DefaultShape(n)
	case Unique:
		g.shape = UniqueShape(n)
	default:
		return fmt.Errorf("synth: unknown corpus shape %q", kind)
	}
	g.names()
	for i, a := range g.actors {
		if err := g.writeProfile(dir, i, a); err != nil {
			return err
		}
	}
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Sub(start)
	for i := range n {
		date := start.Add(time.Duration(float64(span) * float64(i) / float64(n))).Truncate(24 * time.Hour)
		if err := g.writeBrief(dir, i, date); err != nil {
			return err
		}
	}
	return nil
}

type gen struct {
	r         *rand.Rand
	v         *vocab.Vocab
	kind      Kind
	shape     Shape
	seen      map[string]bool // normalized names given out, across kinds of term
	actors    []actor
	malware   []string
	camps     []string
	cves      []string
	sources   []string
	sectors   []string
	countries []string
	techs     []string
	mits      []string
}

type actor struct {
	name     string
	synonyms [][2]string
}

var syllables = []string{"vol", "tra", "zen", "kor", "mir", "sha", "dow", "lyn", "tor", "qua", "rex", "vin", "bel", "gor", "nix", "pha", "sol", "tek", "ura", "wyn"}
var animals = []string{"Typhoon", "Panda", "Bear", "Kitten", "Chollima", "Spider", "Tempest", "Sleet", "Blizzard", "Sandstorm", "Hail", "Dust"}
var vendors = []string{"Microsoft", "CrowdStrike", "Mandiant", "Secureworks", "Palo Alto Networks", "Recorded Future", "ESET", "Kaspersky", "Symantec", "Proofpoint"}
var words = strings.Fields(`the actor gained access through an exposed service then moved laterally using stolen credentials and
remote management tools before staging data for exfiltration defenders observed unusual authentication patterns
from residential proxy networks which made attribution harder several victims reported ransom notes while others
only discovered the intrusion months later during routine audits the campaign relied on living off the land binaries
scheduled tasks and web shells on edge appliances patching internet facing systems enforcing phishing resistant
multi factor authentication and segmenting management networks would have limited the impact`)

func (g *gen) word() string { return words[g.r.IntN(len(words))] }

func (g *gen) name(parts int) string {
	var b strings.Builder
	for range parts {
		b.WriteString(syllables[g.r.IntN(len(syllables))])
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// unique returns the first name f makes that was not given out before.
func (g *gen) unique(f func() string) string {
	for range 100000 {
		s := f()
		if !g.seen[vocab.Norm(s)] {
			g.seen[vocab.Norm(s)] = true
			return s
		}
	}
	panic("synth: name space exhausted; widen the generator for this shape")
}

func (g *gen) names() {
	unique := g.unique
	// The long tails of the Unique kind outgrow two syllables' 400 names.
	syl := 2
	if g.kind == Unique {
		syl = 3
	}
	for range g.shape.Actors {
		a := actor{name: unique(func() string { return g.name(2) + " " + animals[g.r.IntN(len(animals))] })}
		for range g.r.IntN(3) {
			a.synonyms = append(a.synonyms, [2]string{unique(func() string { return strings.ToUpper(g.name(2)) + "-" + fmt.Sprint(g.r.IntN(90)+10) }), vendors[g.r.IntN(len(vendors))]})
		}
		g.actors = append(g.actors, a)
	}
	for range g.shape.Malware {
		g.malware = append(g.malware, unique(func() string {
			return g.name(syl) + []string{"Loader", "RAT", "Locker", "Stealer", "Door", "Shell"}[g.r.IntN(6)]
		}))
	}
	for range g.shape.Campaigns {
		g.camps = append(g.camps, unique(func() string { return "Operation " + g.name(3) }))
	}
	for range g.shape.CVEs {
		g.cves = append(g.cves, unique(func() string { return fmt.Sprintf("CVE-%d-%d", 2015+g.r.IntN(11), 1000+g.r.IntN(60000)) }))
	}
	for range g.shape.Sources {
		g.sources = append(g.sources, unique(func() string {
			return g.name(syl) + " " + []string{"Labs", "Research", "Intel", "News", "CERT"}[g.r.IntN(5)]
		}))
	}
	for _, s := range g.v.Sectors() {
		g.sectors = append(g.sectors, s.Name)
	}
	g.countries = g.v.CountryCodes()
	for _, t := range g.v.Techniques() {
		g.techs = append(g.techs, t.ID)
	}
	for _, m := range g.v.Mitigations() {
		g.mits = append(g.mits, m.ID)
	}
	// Shuffle once so Zipf's popular ranks fall on arbitrary entries.
	for _, s := range [][]string{g.sectors, g.countries, g.techs, g.mits} {
		g.r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	}
}

// pick returns k distinct items, Zipf-distributed over list.
func (g *gen) pick(list []string, k int) []string {
	if len(list) == 0 {
		return nil
	}
	z := rand.NewZipf(g.r, 1.1, 2, uint64(len(list)-1))
	seen := map[int]bool{}
	var out []string
	for tries := 0; len(out) < min(k, len(list)) && tries < 50*k; tries++ {
		i := int(z.Uint64())
		if !seen[i] {
			seen[i] = true
			out = append(out, list[i])
		}
	}
	return out
}

func (g *gen) writeProfile(dir string, i int, a actor) error {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\nsummary: %q\n", a.name, "A synthetic actor for benchmarks.")
	if len(a.synonyms) > 0 {
		b.WriteString("synonyms:\n")
		for _, s := range a.synonyms {
			fmt.Fprintf(&b, "  - name: %q\n    by: %q\n", s[0], s[1])
		}
	}
	fmt.Fprintf(&b, "origin: %q\nmotivation: %s\n---\n%s\n", g.countries[i%len(g.countries)], []string{"espionage", "financial", "destruction"}[i%3], g.para(60))
	p := filepath.Join(dir, "content", "actors", slug.Make(a.name), "_index.md")
	return write(p, b.String())
}

func (g *gen) writeBrief(dir string, i int, date time.Time) error {
	actors := g.pick(actorNames(g.actors), 1+g.r.IntN(2))
	var b strings.Builder
	title := fmt.Sprintf("%s %s %s targets %s", actors[0], g.word(), g.word(), g.pick(g.sectors, 1)[0])
	fmt.Fprintf(&b, "---\ntitle: %q\ndate: %s\nsummary: %q\ntlp: clear\n", title, date.Format("2006-01-02"), g.sentence(25))
	src := g.pick(g.sources, 1+g.r.IntN(2))
	b.WriteString("sources:\n")
	for _, s := range src {
		fmt.Fprintf(&b, "  - name: %q\n    url: https://example.org/%s/%d\n", s, slug.Make(s), i)
	}
	b.WriteString("attribution:\n")
	for _, a := range actors {
		by := src[0]
		name := a
		if syn := g.synonymOf(a); syn != "" && g.r.IntN(3) == 0 {
			name = syn // authors use other vendors' names too
		}
		fmt.Fprintf(&b, "  - actor: %q\n    by: %q\n    confidence: %s\n", name, by, []string{"low", "moderate", "high"}[g.r.IntN(3)])
	}
	switch {
	case g.kind == Unique:
		m := 1 + g.r.IntN(12)
		name := g.unique(func() string { return "Operation " + g.name(3) + " " + g.name(2) })
		fmt.Fprintf(&b, "campaigns:\n  - name: %q\n    first_seen: %d-%02d\n", name, date.Year()-1, m)
	case g.r.IntN(2) == 0:
		m := 1 + g.r.IntN(12)
		fmt.Fprintf(&b, "campaigns:\n  - name: %q\n    first_seen: %d-%02d\n", g.pick(g.camps, 1)[0], date.Year()-1, m)
	}
	list := func(key string, items []string) {
		b.WriteString(key + ": [")
		for j, it := range items {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", it)
		}
		b.WriteString("]\n")
	}
	list("sectors", g.pick(g.sectors, 1+g.r.IntN(3)))
	list("countries", g.pick(g.countries, 1+g.r.IntN(4)))
	list("techniques", g.pick(g.techs, 3+g.r.IntN(8)))
	if g.kind == Unique {
		list("malware", g.pick(g.malware, 1+g.r.IntN(3)))
		list("vulnerabilities", g.pick(g.cves, 1+g.r.IntN(2)))
	} else {
		list("malware", g.pick(g.malware, g.r.IntN(3)))
		list("vulnerabilities", g.pick(g.cves, g.r.IntN(3)))
	}
	list("mitigations", g.pick(g.mits, 1+g.r.IntN(4)))
	fmt.Fprintf(&b, "iocs:\n  - type: ipv4\n    value: 198.51.%d.%d\n    note: synthetic\n", (i/250)%250, i%250+1)
	b.WriteString("---\n")
	fmt.Fprintf(&b, "## What happened\n\n%s\n\n%s\n\n## How they got in\n\n", g.para(90), g.para(70))
	for range 4 {
		fmt.Fprintf(&b, "- %s\n", g.sentence(12))
	}
	b.WriteString("\n| Stage | Observation |\n| --- | --- |\n")
	for range 4 {
		fmt.Fprintf(&b, "| %s | %s |\n", g.word(), g.sentence(8))
	}
	fmt.Fprintf(&b, "\n## What to do\n\n%s\n", g.para(60))
	slug := fmt.Sprintf("synthetic-brief-%05d", i)
	return write(filepath.Join(dir, "content", "briefs", fmt.Sprint(date.Year()), slug+".md"), b.String())
}

func (g *gen) synonymOf(name string) string {
	for _, a := range g.actors {
		if a.name == name && len(a.synonyms) > 0 {
			return a.synonyms[0][0]
		}
	}
	return ""
}

func actorNames(as []actor) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.name
	}
	return out
}

func (g *gen) sentence(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (g *gen) para(n int) string {
	var parts []string
	for n > 0 {
		k := min(n, 8+g.r.IntN(10))
		parts = append(parts, g.sentence(k))
		n -= k
	}
	return strings.Join(parts, " ")
}

func write(p, s string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(s), 0o644)
}
