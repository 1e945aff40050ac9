// Package taxonomy is the table of term kinds. Every kind (actors, sectors,
// techniques...) has the same shape: a name used for its URL section and its
// profile directory, labels, the front-matter field through which briefs
// name its terms, the way a written name is resolved to a canonical term,
// and every decision the site makes per kind: whether the main navigation
// and the home page show it, how related briefs and search weigh it, which
// exports its terms get, how its pages list and group its terms.
//
// Adding a taxonomy is one entry in Kinds: briefs can list its terms under
// its Field (validation, `new`, the archetype and the JSON Schema take the
// field from the table), and it gets term pages, a list page, feeds,
// per-term JSON, search entries and whatever its flags ask for. Nothing in
// the generator or the templates compares a kind's name; what is genuinely
// one kind's (an ATT&CK technique's tactics, a country's ISO code, a CVE's
// record) comes from its Resolution, and structured brief fields
// (attribution claims, dated campaigns, cited sources) name the kinds of
// their Role. The one exception is the mapping to STIX objects (package
// export/stix): a kind flagged STIX needs one.
//
// The table is a value: the pipeline takes it as an option (defaulting to
// Kinds), so a test can build a site with a kind of its own.
package taxonomy

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"

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

// Closed reports whether every name must be in the vocabulary (a name
// that is not is an error), so a name mixing scripts needs no check of its
// own: it is reported as unknown.
func (r Resolution) Closed() bool {
	return r == ByCountry || r == ByTechnique || r == ByCVE
}

// Role is what a kind is to a brief's structured fields, beyond the list
// of names under its Field.
type Role int

// The roles a kind may have; at most one kind has each role but Listed.
const (
	// Listed: briefs name its terms in its Field only.
	Listed Role = iota
	// Attributed: attribution claims name its terms
	// (attribution[].actor): the actors.
	Attributed
	// Dated: briefs name its terms with the months they were seen
	// (campaigns[].name): the campaigns.
	Dated
	// Cited: briefs cite documents published by its terms
	// (sources[].name): the sources.
	Cited
)

// IDs says where pages show a term's catalogue ID beside its name.
type IDs int

// Where an ID is shown.
const (
	// IDHidden: nowhere beside the name (the term page's heading shows an
	// ID that differs from the name).
	IDHidden IDs = iota
	// IDInList: on the kind's list page ("US United States").
	IDInList
	// IDShown: wherever the term is linked ("T1190 Exploit Public-Facing
	// Application").
	IDShown
)

// Kind is one taxonomy.
type Kind struct {
	Name        string // "actors": URL section and content/<Name>/ profile directory
	Singular    string // "actor"
	Title       string // "Actors"
	Description string // shown on the list page
	Resolution  Resolution
	Role        Role
	// Catalog is the ATT&CK catalogue a ByKnown kind's names resolve to.
	Catalog Catalog
	// Filler lists words a ByKnown kind's names may add or drop and still
	// name the same term ("Sandworm" is "Sandworm Team").
	Filler []string

	// Field is the front-matter key under which a brief lists names of
	// this kind ("sectors: [Energy]"), or "" when briefs name the kind only
	// in the structured field of its Role. FieldDoc documents the field
	// for `new`, the archetype and the JSON Schema.
	Field    string
	FieldDoc string

	// Pages.
	Nav      bool   // the main navigation links the kind's list page
	HomeStat bool   // the home page counts its terms
	HomeTop  string // heading of the home page's list of its most named terms ("Most active actors"); "" for none
	// CardChips is how many of a brief's terms of this kind its card in
	// lists shows as chips.
	CardChips int
	// BriefChips: a brief's page lists its terms of this kind as chips
	// (campaigns and sources have sections of their own); StackedChips:
	// one per line, for long names.
	BriefChips   bool
	StackedChips bool
	IDs          IDs
	// OrderByName: terms are listed by name although they have IDs
	// (countries); otherwise by ID where they have one.
	OrderByName bool
	// GroupByTactic: the list page groups terms under the ATT&CK tactics
	// they belong to (a term under several is listed under each).
	GroupByTactic bool
	// CampaignTimeline: a term's page shows the campaigns (the kind whose
	// Role is Dated) named with it as a dated timeline.
	CampaignTimeline bool
	// Matrix: a term's page shows the ATT&CK matrix heatmap of the
	// techniques its briefs name (package stage, matrix.go).
	Matrix bool
	// CrossRows, CrossColumns: the home page's table of the most named
	// terms of the kind flagged CrossRows against those of the kind
	// flagged CrossColumns (sectors by actor), each cell the briefs naming
	// both.
	CrossRows, CrossColumns bool
	// Map: a term's page shows a map of the victim countries its briefs
	// name (package stage, countrymap.go).
	Map bool
	// SeenSpan: a term's page says when it was first and last seen: the
	// months of its briefs and of the campaigns named with it.
	SeenSpan bool
	// SiteMatrix: the kind's list page shows the matrix of every brief,
	// and of each year's briefs.
	SiteMatrix bool
	// SearchExample is the place of the kind's most named term among the
	// queries the search page suggests (1 first); 0 for none. The query is
	// the term's ID, or its name.
	SearchExample int

	// Ranking.
	// RelatedWeight is what one term of this kind shared by two briefs adds
	// to how related they are (index.Related); 0 for nothing: hundreds of
	// briefs share each sector or country, which says little.
	RelatedWeight int
	// SearchWeight is how much a search match on a term (its name, a
	// synonym, its ID) counts for the briefs naming it, against a match in
	// a brief's own title or summary (1).
	SearchWeight float64
	// Filter is the URL parameter with which the search page filters
	// briefs by a term of this kind (?sector=healthcare, its value the
	// term's ID where it has one, else its slug); "" for no filter.
	Filter string

	// Exports.
	STIX  bool // each term gets a STIX 2.1 bundle of its own (package export/stix must map the kind)
	Layer bool // each term gets an ATT&CK Navigator layer, when its briefs name techniques
	CSV   bool // briefs.csv has a column (named Name) listing a brief's terms of this kind
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

// Refs returns the names a brief gives for this kind, each with the
// front-matter path it came from (for error positions): those of the
// structured field of its Role, then those listed under its Field.
func (k Kind) Refs(b *brief.Brief) []Ref {
	var out []Ref
	switch k.Role {
	case Attributed:
		for i, c := range b.Attribution {
			out = append(out, Ref{Value: c.Actor, Path: fmt.Sprintf("attribution[%d].actor", i)})
		}
	case Dated:
		for i, c := range b.Campaigns {
			out = append(out, Ref{Value: c.Name, Path: fmt.Sprintf("campaigns[%d].name", i)})
		}
	case Cited:
		for i, s := range b.Sources {
			out = append(out, Ref{Value: s.Name, Path: fmt.Sprintf("sources[%d].name", i)})
		}
	}
	if k.Field != "" {
		for i, v := range b.Lists[k.Field] {
			out = append(out, Ref{Value: v, Path: fmt.Sprintf("%s[%d]", k.Field, i)})
		}
	}
	return out
}

// Table is the kinds of a site, in the order pages list them.
type Table []Kind

// Kinds returns the generator's taxonomies, in the order pages list them.
func Kinds() Table {
	return Table{
		{Name: "actors", Singular: "actor", Title: "Actors", Resolution: ByKnown, Catalog: AttackGroups, Role: Attributed,
			Filler:      []string{"the", "team", "group", "gang"},
			Description: "Threat actors named in briefs, with the synonyms other vendors use and who attributes what to them.",
			Field:       "actors", FieldDoc: "actors named without a claimant (names or synonyms)",
			Nav: true, HomeStat: true, HomeTop: "Most active actors", CardChips: 3, BriefChips: true,
			CampaignTimeline: true, Matrix: true, SeenSpan: true, Map: true, CrossColumns: true, SearchExample: 1,
			RelatedWeight: 100, SearchWeight: 0.6, Filter: "actor", STIX: true, Layer: true, CSV: true, FeedCategory: true},
		{Name: "campaigns", Singular: "campaign", Title: "Campaigns", Resolution: ByProfile, Role: Dated,
			Description: "Named operations and intrusion sets, with the months they were seen.",
			Nav:         true, HomeStat: true, Matrix: true, Map: true,
			RelatedWeight: 90, SearchWeight: 0.5, STIX: true, Layer: true, CSV: true},
		{Name: "sectors", Singular: "sector", Title: "Sectors", Resolution: BySector,
			Description: "Targeted sectors, on one controlled list aligned with STIX industry sectors.",
			Field:       "sectors", FieldDoc: "targeted sectors (canonical names or synonyms)",
			Nav: true, HomeTop: "Most targeted sectors", CardChips: 3, BriefChips: true, Matrix: true, Map: true, CrossRows: true, SearchExample: 4,
			SearchWeight: 0.4, Filter: "sector", Layer: true, CSV: true, FeedCategory: true},
		{Name: "countries", Singular: "country", Title: "Countries", Resolution: ByCountry,
			Description: "Where the victims are (ISO 3166-1).",
			Field:       "countries", FieldDoc: "victim locations, ISO 3166-1 alpha-2 codes; quote \"NO\"",
			BriefChips: true, IDs: IDInList, OrderByName: true, Matrix: true,
			SearchWeight: 0.4, Filter: "country", CSV: true},
		{Name: "techniques", Singular: "technique", Title: "Techniques", Resolution: ByTechnique,
			Description: "MITRE ATT&CK Enterprise techniques seen in briefs, grouped by tactic.",
			Field:       "techniques", FieldDoc: "MITRE ATT&CK technique IDs (T1190, T1059.001)",
			Nav: true, HomeStat: true, HomeTop: "Most seen techniques", BriefChips: true, StackedChips: true,
			IDs: IDShown, GroupByTactic: true, SiteMatrix: true, Map: true, SearchExample: 2,
			RelatedWeight: 10, SearchWeight: 0.5, Filter: "technique", CSV: true, FeedCategory: true},
		{Name: "malware", Singular: "malware family", Title: "Malware", Resolution: ByKnown, Catalog: AttackSoftware,
			Filler:      []string{"the", "malware", "ransomware", "rat", "trojan", "backdoor", "loader", "stealer", "botnet", "wiper", "worm"},
			Description: "Malware families and tools named in briefs.",
			Field:       "malware", FieldDoc: "malware families",
			Nav: true, BriefChips: true, Matrix: true, SeenSpan: true, CampaignTimeline: true, Map: true,
			RelatedWeight: 70, SearchWeight: 0.6, Filter: "malware", CSV: true},
		{Name: "vulnerabilities", Singular: "vulnerability", Title: "Vulnerabilities", Resolution: ByCVE,
			Description: "CVEs exploited in the activity briefs describe.",
			Field:       "vulnerabilities", FieldDoc: "CVE IDs (CVE-2024-3400)",
			Nav: true, HomeStat: true, BriefChips: true, Matrix: true, SearchExample: 3,
			RelatedWeight: 70, SearchWeight: 0.6, CSV: true},
		{Name: "mitigations", Singular: "mitigation", Title: "Mitigations", Resolution: ByMitigation,
			Description: "ATT&CK mitigations and other defensive measures briefs recommend.",
			Field:       "mitigations", FieldDoc: "ATT&CK mitigation IDs (M1051) or free terms",
			BriefChips: true, IDs: IDShown,
			SearchWeight: 0.25, CSV: true},
		{Name: "sources", Singular: "source", Title: "Sources", Resolution: ByProfile, Role: Cited,
			Description: "The publishers whose reporting briefs draw on.",
			Matrix:      true, SearchWeight: 0.25, CSV: true},
	}
}

// Names returns the names of the kinds, in order.
func (ks Table) Names() []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Name
	}
	return out
}

// Lookup returns the kind with the given name.
func (ks Table) Lookup(name string) (Kind, bool) {
	for _, k := range ks {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// Edit returns a copy of the table in which edit has changed the kind
// with the given name (a site, or a test, with a kind of its own: the
// actors renamed, resolved by profile only...). The table itself is left
// as it was.
func (ks Table) Edit(name string, edit func(*Kind)) Table {
	out := slices.Clone(ks)
	for i := range out {
		if out[i].Name == name {
			edit(&out[i])
		}
	}
	return out
}

// WithRole returns the kind that has role r.
func (ks Table) WithRole(r Role) (Kind, bool) {
	for _, k := range ks {
		if k.Role == r {
			return k, true
		}
	}
	return Kind{}, false
}

// Resolving returns the first kind whose terms are resolved by r (the
// techniques, by ByTechnique).
func (ks Table) Resolving(r Resolution) (Kind, bool) {
	for _, k := range ks {
		if k.Resolution == r {
			return k, true
		}
	}
	return Kind{}, false
}

// BriefFields is the schema of a brief's front matter: brief.Fields with
// the list field of every kind that has one. A kind's list follows the
// structured field of its role (actors: after attribution); the lists of
// the other kinds follow the last structured field, in the table's order.
func (ks Table) BriefFields() []brief.Field {
	lists := map[string][]brief.Field{} // by the key of the field they follow
	last := Dated.field()
	for _, k := range ks {
		if k.Field == "" {
			continue
		}
		after := cmp.Or(k.Role.field(), last)
		lists[after] = append(lists[after], brief.Field{Key: k.Field, Kind: brief.KindStringList, Doc: k.FieldDoc, Example: "[]"})
	}
	var out []brief.Field
	for _, f := range brief.Fields() {
		out = append(append(out, f), lists[f.Key]...)
	}
	return out
}

// field is the key of the structured brief field of a role, or "".
func (r Role) field() string {
	switch r {
	case Attributed:
		return "attribution"
	case Dated:
		return "campaigns"
	case Cited:
		return "sources"
	}
	return ""
}

// Check reports what would make the table ambiguous: two kinds of one name
// or front-matter field, a field a brief already has, a role given twice,
// a name that is not a URL section.
func (ks Table) Check() error {
	base := map[string]bool{}
	for _, f := range brief.Fields() {
		base[f.Key] = true
	}
	names, fields, roles := map[string]bool{}, map[string]bool{}, map[Role]string{}
	for _, k := range ks {
		switch {
		case !slugRe.MatchString(k.Name):
			return fmt.Errorf("taxonomy: kind %q: a name must be a-z, 0-9 and hyphens", k.Name)
		case names[k.Name] || k.Name == "briefs" || k.Name == "search":
			return fmt.Errorf("taxonomy: kind %q: the name is taken", k.Name)
		case k.Field != "" && (fields[k.Field] || base[k.Field]):
			return fmt.Errorf("taxonomy: kind %q: the field %q is taken", k.Name, k.Field)
		case k.Role != Listed && roles[k.Role] != "":
			return fmt.Errorf("taxonomy: kinds %q and %q have the same role", roles[k.Role], k.Name)
		}
		names[k.Name], fields[k.Field] = true, k.Field != ""
		if k.Role != Listed {
			roles[k.Role] = k.Name
		}
	}
	return nil
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
