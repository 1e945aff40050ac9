package e2e

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/slug"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// syntheticIndex makes a deterministic corpus of n briefs and indexes it
// as the pipeline would. It is deliberately small (the bench command makes
// whole synthetic projects): brief structs, not files. Titles and summaries
// are drawn from the words of the repository's example briefs, uniformly,
// which compresses worse than real prose, so the gzip figure errs high.
// Popularity of actors, techniques, sectors and the rest is Zipf-like.
func syntheticIndex(t testing.TB, n int, seed uint64) (*index.Index, error) {
	v, err := vocab.Default()
	if err != nil {
		return nil, err
	}
	words, err := exampleWords(sitetest.RepoRoot(t))
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x5ea7c4))
	zipfs := map[int]*rand.Zipf{}
	pick := func(k int) int { // Zipf-distributed in [0, k)
		z := zipfs[k]
		if z == nil {
			z = rand.NewZipf(r, 1.1, 4, uint64(k-1))
			zipfs[k] = z
		}
		return int(z.Uint64())
	}
	text := func(min, max int) string {
		k := min + r.IntN(max-min+1)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = words[r.IntN(len(words))]
		}
		return capitalize(strings.Join(ws, " "))
	}

	adjectives := []string{"Amber", "Brass", "Cobalt", "Crimson", "Dusky", "Ember", "Frost", "Granite", "Hollow", "Ivory", "Jade", "Lunar", "Marble", "Night", "Onyx", "Pale", "Quiet", "Rust", "Silver", "Tidal", "Umber", "Velvet", "Winter", "Zinc"}
	animals := []string{"Badger", "Crane", "Falcon", "Gecko", "Heron", "Ibis", "Jackal", "Kestrel", "Lynx", "Marten", "Newt", "Otter", "Panda", "Quail", "Raven", "Stoat", "Tiger", "Viper", "Wolf", "Yak"}
	nActors := max(20, n/30)
	var profiles []brief.Profile
	var actors []string
	for i := range nActors {
		name := fmt.Sprintf("%s %s", adjectives[i%len(adjectives)], animals[(i/len(adjectives))%len(animals)])
		if i >= len(adjectives)*len(animals) {
			name = fmt.Sprintf("UNC%d", 1000+i)
		}
		actors = append(actors, name)
		p := brief.Profile{Kind: "actors", Slug: slug.Make(name), Title: name, Summary: text(15, 30)}
		// Four synonyms, unique to the actor: two vendor-style names and two
		// catalogue-style ones.
		for j, syn := range []string{
			fmt.Sprintf("%s%s Typhoon", animals[i%len(animals)], strings.ToLower(adjectives[(i/len(animals))%len(adjectives)])),
			fmt.Sprintf("TA%d", 100+i),
			fmt.Sprintf("Storm-%04d", 7+i*3),
			fmt.Sprintf("%s %s Spider", adjectives[(i+5)%len(adjectives)], animals[(i/len(adjectives))%len(animals)]),
		} {
			p.Synonyms = append(p.Synonyms, brief.Synonym{Name: syn, By: "Vendor " + string(rune('A'+j))})
		}
		profiles = append(profiles, p)
	}
	malware := make([]string, max(20, n/20))
	for i := range malware {
		malware[i] = capitalize(words[r.IntN(len(words))]) + fmt.Sprint(i)
	}
	campaigns := make([]string, max(10, n/4))
	for i := range campaigns {
		campaigns[i] = "Operation " + adjectives[r.IntN(len(adjectives))] + " " + capitalize(words[r.IntN(len(words))]) + fmt.Sprintf(" %d", i)
	}
	cves := make([]string, max(20, n/2))
	for i := range cves {
		cves[i] = fmt.Sprintf("CVE-%d-%d", 2015+i%11, 1000+i)
	}
	techniques := v.Techniques()
	mitigations := v.Mitigations()
	sectors := v.Sectors()
	countries := v.CountryCodes()
	sources := make([]string, 40)
	for i := range sources {
		sources[i] = fmt.Sprintf("Publisher %d", i)
	}

	res, diags := resolve.New(v, profiles)
	if diags.ErrorCount() > 0 {
		return nil, fmt.Errorf("synthetic profiles: %d errors, the first: %v", diags.ErrorCount(), diags.Items()[0])
	}
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	briefs := make([]brief.Brief, n)
	for i := range briefs {
		b := &briefs[i]
		b.Title = text(6, 12)
		b.Slug = fmt.Sprintf("%s-%d", slug.Make(b.Title), i)
		if len(b.Slug) > 70 {
			b.Slug = strings.Trim(b.Slug[len(b.Slug)-70:], "-")
		}
		b.Date = start.AddDate(0, 0, r.IntN(11*365))
		b.Summary = text(25, 55) + "."
		b.TLP = brief.TLPClear
		for range 1 + r.IntN(2) {
			b.Attribution = append(b.Attribution, brief.Claim{Actor: actors[pick(len(actors))], By: sources[r.IntN(len(sources))], Confidence: brief.ConfidenceModerate})
		}
		for range 1 + r.IntN(3) {
			s := sources[pick(len(sources))]
			b.Sources = append(b.Sources, brief.Source{Name: s, URL: "https://example.org/" + slug.Make(s)})
		}
		for range r.IntN(2) {
			b.Campaigns = append(b.Campaigns, brief.Campaign{Name: campaigns[r.IntN(len(campaigns))], FirstSeen: b.Date.Format("2006-01")})
		}
		b.Lists = map[string][]string{
			"sectors":         distinct(r, 1+r.IntN(3), func() string { return sectors[pick(len(sectors))].Name }),
			"countries":       distinct(r, 1+r.IntN(3), func() string { return countries[pick(len(countries))] }),
			"techniques":      distinct(r, 4+r.IntN(9), func() string { return techniques[pick(len(techniques))].ID }),
			"malware":         distinct(r, r.IntN(3), func() string { return malware[pick(len(malware))] }),
			"vulnerabilities": distinct(r, r.IntN(4), func() string { return cves[r.IntN(len(cves))] }),
			"mitigations":     distinct(r, r.IntN(5), func() string { return mitigations[pick(len(mitigations))].ID }),
		}
		if i%7 == 0 {
			b.Lists["malware"] = append(b.Lists["malware"], "ransomware "+malware[r.IntN(len(malware))])
		}
		if i%3 == 0 { // indicators: an address and a host in a third of the briefs
			b.IOCs = append(b.IOCs,
				brief.IOC{Type: "ipv4", Value: fmt.Sprintf("198.51.%d.%d", i/250%250, i%250)},
				brief.IOC{Type: "domain", Value: fmt.Sprintf("%s-%d.example.net", words[r.IntN(len(words))], i)})
		}
	}
	return index.Build(briefs, res, taxonomy.Kinds()), nil
}

func distinct(r *rand.Rand, k int, next func() string) []string {
	var out []string
	for tries := 0; len(out) < k && tries < 4*k; tries++ {
		if s := next(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

var wordRe = regexp.MustCompile(`[A-Za-z][a-z]{2,}`)

// exampleWords are the distinct words of the example briefs' bodies.
func exampleWords(root string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	err := filepath.WalkDir(filepath.Join(root, "content", "briefs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, w := range wordRe.FindAllString(string(data), -1) {
			w = strings.ToLower(w)
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
		return nil
	})
	slices.Sort(out)
	if len(out) < 500 {
		return nil, fmt.Errorf("only %d distinct words in the example briefs", len(out))
	}
	return out, err
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
