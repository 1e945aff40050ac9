// Package taxonomy is the table of term kinds. Every kind (actors, sectors,
// techniques...) has the same shape: a name used for its URL section and its
// profile directory, labels, the way a brief names its terms, and the way a
// written name is resolved to a canonical term. Adding a taxonomy is one
// entry in Kinds; nothing else in the generator switches on a kind's name
// except where a kind has data of its own (ATT&CK tactics, country names).
package taxonomy

import (
	"fmt"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// Resolution is how a written name becomes a canonical term.
type Resolution int

// The resolutions a kind may use.
const (
	// ByProfile: profile titles and synonyms, else the name itself.
	ByProfile Resolution = iota
	// BySector: the sector vocabulary (unknown names are warned about).
	BySector
	// ByCountry: ISO 3166-1 codes, names and abbreviations (unknown is an error).
	ByCountry
	// ByTechnique: ATT&CK technique IDs or names (unknown is an error).
	ByTechnique
	// ByMitigation: ATT&CK mitigation IDs or names, else a free term.
	ByMitigation
	// ByCVE: CVE IDs (malformed is an error).
	ByCVE
	// ByKnown: profile titles and synonyms, then the names and aliases of
	// the kind's ATT&CK catalogue (Kind.Catalog), else the name itself; a
	// name spelled almost like a known one is an error (see package
	// resolve).
	ByKnown
)

// Catalog is an ATT&CK catalogue of named things a ByKnown kind resolves
// names against.
type Catalog int

// The catalogues.
const (
	NoCatalog      Catalog = iota
	AttackGroups           // ATT&CK groups (G0034) and their aliases
	AttackSoftware         // ATT&CK malware and tools (S0368) and their aliases
)

// Kind is one taxonomy.
type Kind struct {
	Name        string // "actors": URL section and content/<Name>/ profile directory
	Singular    string // "actor"
	Title       string // "Actors"
	Description string // shown on the list page
	Resolution  Resolution
	// Catalog is the ATT&CK catalogue a ByKnown kind's names resolve to.
	Catalog Catalog
	// Filler lists words a ByKnown kind's names may add or drop and still
	// name the same term ("Sandworm" is "Sandworm Team").
	Filler []string
	// Refs returns the names a brief gives for this kind, each with the
	// front-matter path it came from (for error positions).
	Refs func(b *brief.Brief) []Ref
	// FeedCategory: an RSS item lists the brief's terms of this kind as
	// <category> elements (feed readers file items under them; OpenCTI's
	// RSS ingestion makes them labels).
	FeedCategory bool
}

// Ref is one written name and where it was written.
type Ref struct {
	Value string
	Path  string // "sectors[2]", "attribution[0].actor"
}

func list(field string, get func(b *brief.Brief) []string) func(b *brief.Brief) []Ref {
	return func(b *brief.Brief) []Ref {
		vals := get(b)
		out := make([]Ref, len(vals))
		for i, v := range vals {
			out[i] = Ref{Value: v, Path: fmt.Sprintf("%s[%d]", field, i)}
		}
		return out
	}
}

// Kinds returns the taxonomies in the order pages list them.
func Kinds() []Kind {
	return []Kind{
		{Name: "actors", Singular: "actor", Title: "Actors", Resolution: ByKnown, Catalog: AttackGroups, FeedCategory: true,
			Filler:      []string{"the", "team", "group", "gang"},
			Description: "Threat actors named in briefs, with the synonyms other vendors use and who attributes what to them.",
			Refs: func(b *brief.Brief) []Ref {
				var out []Ref
				for i, c := range b.Attribution {
					out = append(out, Ref{Value: c.Actor, Path: fmt.Sprintf("attribution[%d].actor", i)})
				}
				return append(out, list("actors", func(b *brief.Brief) []string { return b.Actors })(b)...)
			}},
		{Name: "campaigns", Singular: "campaign", Title: "Campaigns", Resolution: ByProfile,
			Description: "Named operations and intrusion sets, with the months they were seen.",
			Refs: func(b *brief.Brief) []Ref {
				out := make([]Ref, len(b.Campaigns))
				for i, c := range b.Campaigns {
					out[i] = Ref{Value: c.Name, Path: fmt.Sprintf("campaigns[%d].name", i)}
				}
				return out
			}},
		{Name: "sectors", Singular: "sector", Title: "Sectors", Resolution: BySector, FeedCategory: true,
			Description: "Targeted sectors, on one controlled list aligned with STIX industry sectors.",
			Refs:        list("sectors", func(b *brief.Brief) []string { return b.Sectors })},
		{Name: "countries", Singular: "country", Title: "Countries", Resolution: ByCountry,
			Description: "Where the victims are (ISO 3166-1).",
			Refs:        list("countries", func(b *brief.Brief) []string { return b.Countries })},
		{Name: "techniques", Singular: "technique", Title: "Techniques", Resolution: ByTechnique, FeedCategory: true,
			Description: "MITRE ATT&CK Enterprise techniques seen in briefs, grouped by tactic.",
			Refs:        list("techniques", func(b *brief.Brief) []string { return b.Techniques })},
		{Name: "malware", Singular: "malware family", Title: "Malware", Resolution: ByKnown, Catalog: AttackSoftware,
			Filler:      []string{"the", "malware", "ransomware", "rat", "trojan", "backdoor", "loader", "stealer", "botnet", "wiper", "worm"},
			Description: "Malware families and tools named in briefs.",
			Refs:        list("malware", func(b *brief.Brief) []string { return b.Malware })},
		{Name: "vulnerabilities", Singular: "vulnerability", Title: "Vulnerabilities", Resolution: ByCVE,
			Description: "CVEs exploited in the activity briefs describe.",
			Refs:        list("vulnerabilities", func(b *brief.Brief) []string { return b.Vulnerabilities })},
		{Name: "mitigations", Singular: "mitigation", Title: "Mitigations", Resolution: ByMitigation,
			Description: "ATT&CK mitigations and other defensive measures briefs recommend.",
			Refs:        list("mitigations", func(b *brief.Brief) []string { return b.Mitigations })},
		{Name: "sources", Singular: "source", Title: "Sources", Resolution: ByProfile,
			Description: "The publishers whose reporting briefs draw on.",
			Refs: func(b *brief.Brief) []Ref {
				out := make([]Ref, len(b.Sources))
				for i, s := range b.Sources {
					out[i] = Ref{Value: s.Name, Path: fmt.Sprintf("sources[%d].name", i)}
				}
				return out
			}},
	}
}

// Names returns the names of all kinds, in order.
func Names() []string {
	ks := Kinds()
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Name
	}
	return out
}

// Lookup returns the kind with the given name.
func Lookup(name string) (Kind, bool) {
	for _, k := range Kinds() {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// Singular names one term of the kind named name ("actor" for "actors"),
// or returns name if there is no such kind.
func Singular(name string) string {
	if k, ok := Lookup(name); ok {
		return k.Singular
	}
	return name
}
