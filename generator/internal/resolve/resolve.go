// Package resolve maps a name as an author wrote it to a canonical term of a
// taxonomy kind, using the vocabularies and the term profiles of a project.
//
// It accepts a *vocab.Vocab, the site's kind table (NewFor; New uses
// taxonomy.Kinds) and the validated profiles. Resolve never fails:
// a name it cannot place becomes its own term, and the Issue it returns says
// whether that is an error (an unknown ATT&CK or CVE ID, a revoked or
// deprecated ATT&CK ID, an unknown country, a near miss of a known actor or
// malware name), a warning (a sector off the list, a near miss of a
// profiled campaign or source) or fine.
//
// # Actors and malware
//
// Kinds that resolve ByKnown (actors: ATT&CK groups; malware: ATT&CK
// software) know names before any brief uses them. A name resolves, in this
// order, to:
//
//  1. the profile (content/<kind>/<slug>/_index.md) whose title or synonym
//     it is: a profile wins over ATT&CK for its own names;
//  2. the ATT&CK object whose name it is, else the one object whose alias
//     it is (an alias two objects share, like UAC-0056, is an error naming
//     both), where names of revoked objects are aliases of their
//     replacement. A profile describes the ATT&CK object its external_ids
//     give (mitre: G0034), else the one whose name or unshared alias its
//     title is, else the one whose name one of its synonyms is (each object
//     at most one profile), and then all of that object's names and
//     aliases reach the profile's page;
//  3. silently, the one known term whose name differs from it only in case,
//     spacing, punctuation and the kind's filler words (taxonomy.Kind.Filler:
//     "Team", "Group", "the" for actors; "ransomware", "RAT"... for malware):
//     "Sandworm", "sandworm team" and "SANDWORM-TEAM" are Sandworm Team,
//     "APT 29" is APT29;
//  4. the name itself, as a new term, unless it is a near miss of a known
//     name, which is an error (it would put one actor on two pages): a name
//     that reads as several known terms once filler words are dropped; a
//     known name of five letters or more with one word added ("Volt
//     Typhoon cluster"), or one of two words or more with one word dropped,
//     leaving five letters or more ("Scattered"); or a name of five
//     letters or more within one edit of a known one (two edits from
//     sixteen letters), with the same digits (APT41 and APT42 are different
//     groups). Known names are
//     profile titles and synonyms and ATT&CK names and aliases. A brief
//     that means a different actor lists the name under distinct: (see
//     Excused and Distinct), and the name becomes its own term.
//
// Near misses are found through indexes (loose keys, one-word-dropped keys,
// and keys by length, screened by their character sets before a banded edit
// distance), so a new name costs a few microseconds (BenchmarkResolveNewName)
// rather than a full edit distance to each of a kind's ~1,000-2,500 names.
package resolve

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Term is a canonical term.
type Term struct {
	Kind string
	Key  string // identity within the kind
	Name string // display name
	ID   string // catalogue ID for ID kinds (T1190, M1051, US, CVE-...), else ""
	// Extra facts from the vocabulary, set by the resolutions that have
	// them.
	Tactics   []string // techniques: tactic short names
	STIX      string   // sectors: STIX industry-sector value
	ISOCode   string   // countries: the ISO 3166-1 alpha-2 code
	AttackURL string   // techniques, ATT&CK mitigations: the page on attack.mitre.org
	CVEURL    string   // CVEs: the CVE record
	Profile   *brief.Profile
	// Attack is the ATT&CK group or software an actor or malware term is
	// (shared with the vocabulary: do not modify), or nil.
	Attack *vocab.Named
}

// AttackBy is who Term.Aliases says coined the aliases ATT&CK lists.
const AttackBy = "ATT&CK"

// Aliases are the term's other names: its profile's synonyms, with who
// coined each, then those ATT&CK lists that the profile does not (by
// AttackBy), without the term's own name.
func (t Term) Aliases() []brief.Synonym {
	var out []brief.Synonym
	seen := map[string]bool{vocab.Norm(t.Name): true}
	if t.Profile != nil {
		for _, s := range t.Profile.Synonyms {
			if k := vocab.Norm(s.Name); !seen[k] {
				seen[k] = true
				out = append(out, s)
			}
		}
	}
	if t.Attack != nil {
		for _, a := range append([]string{t.Attack.Name}, t.Attack.Aliases...) {
			if k := vocab.Norm(a); !seen[k] {
				seen[k] = true
				out = append(out, brief.Synonym{Name: a, By: AttackBy})
			}
		}
	}
	return out
}

// Issue is what Resolve has to say about a name.
type Issue struct {
	OK       bool
	Severity diag.Severity
	Message  string
	// NearMiss is set on the error for a name spelled almost like a known
	// actor or malware name: a brief that lists the name under distinct:
	// is excused it.
	NearMiss bool
}

var fine = Issue{OK: true}

// looksLikeMitigationID matches what can only be a mistyped mitigation ID
// ("M105"), not a free-text mitigation.
var looksLikeMitigationID = regexp.MustCompile(`^M[0-9]+$`)

// Resolver resolves names; it is immutable and safe for concurrent use.
type Resolver struct {
	v        *vocab.Vocab
	kinds    taxonomy.Table
	byName   map[string]map[string]*brief.Profile // kind → Norm(title or synonym) → profile
	profiles map[string][]*brief.Profile
	known    map[string]*known // ByKnown kinds' names
	// memo holds every answer given: a library names the same few thousand
	// terms hundreds of thousands of times, and validation and the index
	// both ask. Answers never change, so this is a cache, not state.
	memo sync.Map // memoKey → resolved
}

type memoKey struct{ kind, value string }

type resolved struct {
	term  Term
	issue Issue
}

// New is NewFor with the generator's taxonomies (taxonomy.Kinds).
func New(v *vocab.Vocab, profiles []brief.Profile) (*Resolver, *diag.List) {
	return NewFor(v, taxonomy.Kinds(), profiles)
}

// NewFor indexes the profiles' titles and synonyms, and the names each
// ByKnown kind of the table ks knows. A synonym claimed by two profiles of
// one kind is reported, as it would merge two terms.
func NewFor(v *vocab.Vocab, ks taxonomy.Table, profiles []brief.Profile) (*Resolver, *diag.List) {
	var diags diag.List
	r := &Resolver{v: v, kinds: ks, byName: map[string]map[string]*brief.Profile{}, profiles: map[string][]*brief.Profile{}, known: map[string]*known{}}
	for i := range profiles {
		p := &profiles[i]
		if r.byName[p.Kind] == nil {
			r.byName[p.Kind] = map[string]*brief.Profile{}
		}
		r.profiles[p.Kind] = append(r.profiles[p.Kind], p)
		names := []struct{ name, path string }{{p.Title, "title"}}
		for j, s := range p.Synonyms {
			names = append(names, struct{ name, path string }{s.Name, fmt.Sprintf("synonyms[%d].name", j)})
		}
		for _, n := range names {
			k := vocab.Norm(n.name)
			if k == "" {
				continue
			}
			if other, dup := r.byName[p.Kind][k]; dup && other != p {
				// Report it in both profiles: either may be the new one.
				diags.Errorf(p.File, p.Line(n.path), n.path, "%q is already a name of %s (%s)", n.name, other.Title, other.File)
				diags.Errorf(other.File, other.Line(nameNode(other, k)), nameNode(other, k), "%q is also a name of %s (%s)", n.name, p.Title, p.File)
				continue
			}
			r.byName[p.Kind][k] = p
		}
	}
	for _, k := range ks {
		if k.Resolution == taxonomy.ByKnown {
			r.known[k.Name] = newKnown(k, v, r.profiles[k.Name], &diags)
		}
	}
	return r, &diags
}

// nameNode is the field path of the name with key k in profile p.
func nameNode(p *brief.Profile, k string) string {
	for j, s := range p.Synonyms {
		if vocab.Norm(s.Name) == k {
			return fmt.Sprintf("synonyms[%d].name", j)
		}
	}
	return "title"
}

// Kinds returns the kind table the resolver was made for.
func (r *Resolver) Kinds() taxonomy.Table { return r.kinds }

// Vocab returns the vocabularies the resolver uses.
func (r *Resolver) Vocab() *vocab.Vocab { return r.v }

// Resolve maps one written name of kind k to its term.
func (r *Resolver) Resolve(k taxonomy.Kind, value string) (Term, Issue) {
	key := memoKey{k.Name, value}
	if v, ok := r.memo.Load(key); ok {
		res := v.(resolved)
		return res.term, res.issue
	}
	t, is := r.resolveUncached(k, value)
	r.memo.Store(key, resolved{t, is})
	return t, is
}

func (r *Resolver) resolveUncached(k taxonomy.Kind, value string) (Term, Issue) {
	value = strings.TrimSpace(value)
	t, is := r.resolve(k, value)
	t.Kind = k.Name
	if t.Profile == nil && k.Resolution != taxonomy.ByKnown {
		if p, ok := r.byName[k.Name][vocab.Norm(t.Name)]; ok {
			t.Profile = p
		} else if t.ID != "" {
			t.Profile = r.byName[k.Name][vocab.Norm(t.ID)]
		}
	}
	return t, is
}

func (r *Resolver) resolve(k taxonomy.Kind, value string) (Term, Issue) {
	switch k.Resolution {
	case taxonomy.BySector:
		if s, ok := r.v.ResolveSector(value); ok {
			return Term{Key: vocab.Norm(s.Name), Name: s.Name, STIX: s.STIX}, fine
		}
		is := Issue{Severity: diag.Warning, Message: fmt.Sprintf("%q is not on the sector list", value)}
		if s, ok := r.v.SuggestSector(value); ok {
			is.Message += fmt.Sprintf("; did you mean %q?", s)
		}
		return Term{Key: vocab.Norm(value), Name: value}, is
	case taxonomy.ByCountry:
		if code, ok := r.v.ResolveCountry(value); ok {
			name, _ := r.v.Country(code)
			return Term{Key: code, Name: name, ID: code, ISOCode: code}, fine
		}
		is := Issue{Severity: diag.Error, Message: fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 country code or country name", value)}
		if s, ok := r.v.SuggestCountry(value); ok {
			is.Message += fmt.Sprintf("; did you mean %s?", s)
		}
		return Term{Key: strings.ToUpper(value), Name: value, ID: strings.ToUpper(value)}, is
	case taxonomy.ByTechnique:
		if t, ok := r.v.ResolveTechnique(value); ok {
			return Term{Key: t.ID, Name: r.v.TechniqueName(t), ID: t.ID, Tactics: t.Tactics, AttackURL: vocab.TechniqueURL(t.ID)}, fine
		}
		up := strings.ToUpper(value)
		if ret, ok := r.v.Retirement(value); ok && vocab.TechniqueIDRe.MatchString(ret.ID) {
			return Term{Key: up, Name: value, ID: up}, Issue{Severity: diag.Error, Message: retiredMessage(r.v, ret, value)}
		}
		if vocab.TechniqueIDRe.MatchString(up) {
			is := Issue{Severity: diag.Error, Message: fmt.Sprintf("%s is not an ATT&CK Enterprise technique (ATT&CK v%s)", up, r.v.AttackVersion)}
			if id, sub, ok := strings.Cut(up, "."); ok {
				if p, ok := r.v.ResolveTechnique(id); ok {
					is.Message += fmt.Sprintf("; %s (%s) has no sub-technique .%s: did you mean %s?", p.ID, r.v.TechniqueName(p), sub, p.ID)
				}
			}
			return Term{Key: up, Name: up, ID: up}, is
		}
		is := Issue{Severity: diag.Error, Message: fmt.Sprintf("%q is not an ATT&CK technique ID (T1234 or T1234.001) or technique name", value)}
		if s, ok := r.v.SuggestTechnique(value); ok {
			is.Message += fmt.Sprintf("; did you mean %s?", s)
		}
		return Term{Key: up, Name: value, ID: up}, is
	case taxonomy.ByMitigation:
		if m, ok := r.v.ResolveMitigation(value); ok {
			return Term{Key: m.ID, Name: m.Name, ID: m.ID, AttackURL: vocab.MitigationURL(m.ID)}, fine
		}
		up := strings.ToUpper(value)
		if ret, ok := r.v.Retirement(value); ok && vocab.MitigationIDRe.MatchString(ret.ID) {
			return Term{Key: up, Name: value, ID: up}, Issue{Severity: diag.Error, Message: retiredMessage(r.v, ret, value)}
		}
		if vocab.MitigationIDRe.MatchString(up) {
			return Term{Key: up, Name: up, ID: up}, Issue{Severity: diag.Error, Message: fmt.Sprintf("%s is not an ATT&CK mitigation (ATT&CK v%s)", up, r.v.AttackVersion)}
		}
		if looksLikeMitigationID.MatchString(up) {
			return Term{Key: up, Name: up, ID: up}, Issue{Severity: diag.Error, Message: fmt.Sprintf("%q is not an ATT&CK mitigation ID (M1234) or a mitigation name", value)}
		}
		t, is := r.byProfile(k, value)
		if s, ok := r.v.SuggestMitigation(value); ok && is.OK && t.Profile == nil {
			// A misspelt ATT&CK name would get a free-term page of its own.
			is = Issue{Severity: diag.Warning, Message: fmt.Sprintf("%q is not an ATT&CK mitigation name; did you mean %s?", value, s)}
		}
		return t, is
	case taxonomy.ByCVE:
		up := strings.ToUpper(value)
		if vocab.CVERe.MatchString(up) {
			return Term{Key: up, Name: up, ID: up, CVEURL: vocab.CVEURL(up)}, fine
		}
		return Term{Key: up, Name: value, ID: up}, Issue{Severity: diag.Error, Message: fmt.Sprintf("%q is not a CVE ID (CVE-YYYY-NNNN)", value)}
	case taxonomy.ByKnown:
		return r.byKnown(k, value)
	default:
		return r.byProfile(k, value)
	}
}

func (r *Resolver) byProfile(k taxonomy.Kind, value string) (Term, Issue) {
	key := vocab.Norm(value)
	if p, ok := r.byName[k.Name][key]; ok {
		return Term{Key: vocab.Norm(p.Title), Name: p.Title, Profile: p}, fine
	}
	if key == "" {
		return Term{Key: key, Name: value}, Issue{Severity: diag.Error, Message: fmt.Sprintf("%q has no letters or digits", value)}
	}
	// A name close to a profiled one is probably a misspelling that would
	// split one term's page in two.
	var cands []vocab.Candidate
	for _, p := range r.profiles[k.Name] {
		cands = append(cands, vocab.Candidate{Name: p.Title, Canonical: p.Title})
		for _, s := range p.Synonyms {
			cands = append(cands, vocab.Candidate{Name: s.Name, Canonical: p.Title})
		}
	}
	if s, ok := SuggestClose(value, cands); ok {
		return Term{Key: key, Name: value}, Issue{Severity: diag.Warning, Message: fmt.Sprintf("%q is not a known %s; did you mean %q?", value, k.Singular, s)}
	}
	return Term{Key: key, Name: value}, fine
}

// SuggestClose returns the canonical name of the candidate whose spelling is
// nearly identical to value: normalized keys (vocab.Norm) that differ, by an
// edit distance of at most max(1, len(key)/6). Unlike vocab.Suggest it
// proposes no word containment ("APT29 operators" → "APT29"), which would be
// too eager for free-text kinds where distinct names share words (Salt and
// Volt Typhoon).
func SuggestClose(value string, cands []vocab.Candidate) (string, bool) {
	key := vocab.Norm(value)
	best, bestD := "", 1<<30
	for _, c := range cands {
		if d := vocab.Levenshtein(key, vocab.Norm(c.Name)); d < bestD {
			best, bestD = c.Canonical, d
		}
	}
	return best, bestD > 0 && bestD <= max(1, len(key)/6)
}
