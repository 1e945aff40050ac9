// Package vocab holds the controlled vocabularies briefs are checked against:
// MITRE ATT&CK Enterprise tactics, techniques, mitigations, groups and
// software (with the revoked and deprecated IDs of each, and what replaced
// them), ISO 3166-1 countries and the project's sector list.
//
// The ATT&CK and sector tables are TSV files embedded from data/ (extend them
// by pull request; `generator attack-update` regenerates the ATT&CK ones from
// MITRE's STIX bundle). Country names come from golang.org/x/text. Lookups
// accept canonical IDs, names and synonyms, in any case and punctuation, and
// Suggest proposes the nearest canonical name for an unknown one.
package vocab

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

//go:embed data/*.tsv
var dataFS embed.FS

// Tactic is an ATT&CK tactic.
type Tactic struct {
	ID    string // TA0001
	Short string // initial-access
	Name  string // Initial Access
}

// Technique is an ATT&CK technique or sub-technique.
type Technique struct {
	ID      string   // T1059.001
	Name    string   // PowerShell
	Tactics []string // tactic short names
}

// Parent is the technique ID of a sub-technique, or "" for a technique.
func (t Technique) Parent() string {
	if i := strings.IndexByte(t.ID, '.'); i > 0 {
		return t.ID[:i]
	}
	return ""
}

// Mitigation is an ATT&CK mitigation.
type Mitigation struct {
	ID   string // M1051
	Name string // Update Software
}

// Sector is a canonical sector with its STIX industry-sector value.
type Sector struct {
	Name     string
	STIX     string
	Synonyms []string
}

// Vocab is the set of vocabularies. It is immutable once built.
type Vocab struct {
	AttackVersion string
	tactics       []Tactic
	techniques    map[string]Technique
	techByName    map[string]string
	mitigations   map[string]Mitigation
	mitByName     map[string]string
	sectors       []Sector
	sectorByKey   map[string]int
	countries     map[string]string // code → name
	countryByKey  map[string]string // normalized name/abbreviation → code
	groups        []*Named          // by ID
	software      []*Named          // by ID
	named         map[string]*Named // G and S IDs → group or software
	retired       map[string]Retired
	retiredByName map[string]string // Norm(name) of a retired technique or mitigation → ID
}

// Default builds the vocabularies shipped with the project.
func Default() (*Vocab, error) {
	open := func(name string) (io.ReadCloser, error) { return dataFS.Open("data/" + name) }
	return New(open)
}

// New builds vocabularies from TSV tables opened by open (attack-tactics.tsv,
// attack-techniques.tsv, attack-mitigations.tsv, attack-groups.tsv,
// attack-software.tsv, attack-retired.tsv, sectors.tsv).
func New(open func(name string) (io.ReadCloser, error)) (*Vocab, error) {
	v := &Vocab{
		techniques:    map[string]Technique{},
		techByName:    map[string]string{},
		mitigations:   map[string]Mitigation{},
		mitByName:     map[string]string{},
		sectorByKey:   map[string]int{},
		named:         map[string]*Named{},
		retired:       map[string]Retired{},
		retiredByName: map[string]string{},
	}
	read := func(name string, cols int, fn func(f []string) error) error {
		rc, err := open(name)
		if err != nil {
			return fmt.Errorf("vocab: %w", err)
		}
		defer rc.Close()
		sc := bufio.NewScanner(rc)
		n := 0
		for sc.Scan() {
			n++
			line := sc.Text()
			if strings.HasPrefix(line, "#") {
				if m := versionRe.FindStringSubmatch(line); m != nil && strings.HasPrefix(name, "attack-") {
					v.AttackVersion = m[1]
				}
				continue
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			f := strings.Split(line, "\t")
			if len(f) < cols {
				return fmt.Errorf("vocab: %s:%d: want %d tab-separated columns, got %d", name, n, cols, len(f))
			}
			if err := fn(f); err != nil {
				return fmt.Errorf("vocab: %s:%d: %w", name, n, err)
			}
		}
		return sc.Err()
	}
	if err := read("attack-tactics.tsv", 3, func(f []string) error {
		v.tactics = append(v.tactics, Tactic{ID: f[0], Short: f[1], Name: f[2]})
		return nil
	}); err != nil {
		return nil, err
	}
	if err := read("attack-techniques.tsv", 3, func(f []string) error {
		if !TechniqueIDRe.MatchString(f[0]) {
			return fmt.Errorf("malformed technique ID %q", f[0])
		}
		t := Technique{ID: f[0], Name: f[1], Tactics: strings.Split(f[2], ",")}
		for _, s := range t.Tactics {
			if !slices.ContainsFunc(v.tactics, func(ta Tactic) bool { return ta.Short == s }) {
				return fmt.Errorf("technique %s names unknown tactic %q", t.ID, s)
			}
		}
		v.techniques[t.ID] = t
		return nil
	}); err != nil {
		return nil, err
	}
	// Names map to IDs only where unambiguous: many sub-techniques share a
	// name ("Domain Accounts" under T1078, T1087 and T1136).
	nameCount := map[string]int{}
	for _, t := range v.techniques {
		nameCount[Norm(t.Name)]++
	}
	for id, t := range v.techniques {
		if nameCount[Norm(t.Name)] == 1 {
			v.techByName[Norm(t.Name)] = id
		}
		if p := t.Parent(); p != "" {
			if parent, ok := v.techniques[p]; ok {
				v.techByName[Norm(parent.Name+" "+t.Name)] = id
			}
		}
	}
	if err := read("attack-mitigations.tsv", 2, func(f []string) error {
		if !MitigationIDRe.MatchString(f[0]) {
			return fmt.Errorf("malformed mitigation ID %q", f[0])
		}
		v.mitigations[f[0]] = Mitigation{ID: f[0], Name: f[1]}
		v.mitByName[Norm(f[1])] = f[0]
		return nil
	}); err != nil {
		return nil, err
	}
	if err := v.readNamed(read); err != nil {
		return nil, err
	}
	if err := read("sectors.tsv", 2, func(f []string) error {
		s := Sector{Name: f[0], STIX: f[1]}
		if len(f) > 2 && f[2] != "" {
			s.Synonyms = strings.Split(f[2], "|")
		}
		i := len(v.sectors)
		v.sectors = append(v.sectors, s)
		for _, name := range append([]string{s.Name}, s.Synonyms...) {
			k := Norm(name)
			if j, dup := v.sectorByKey[k]; dup && j != i {
				return fmt.Errorf("sector name %q is used by both %q and %q", name, v.sectors[j].Name, s.Name)
			}
			v.sectorByKey[k] = i
		}
		return nil
	}); err != nil {
		return nil, err
	}
	v.countries, v.countryByKey = countries()
	return v, nil
}

var versionRe = regexp.MustCompile(`ATT&CK[^v]*v(\d+(?:\.\d+)*)`)

// Identifier patterns.
var (
	TechniqueIDRe  = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	MitigationIDRe = regexp.MustCompile(`^M\d{4}$`)
	CVERe          = regexp.MustCompile(`^CVE-\d{4}-\d{4,7}$`)
)

// Tactics returns the tactics in matrix order.
func (v *Vocab) Tactics() []Tactic { return slices.Clone(v.tactics) }

// Tactic returns the tactic with the given short name.
func (v *Vocab) Tactic(short string) (Tactic, bool) {
	for _, t := range v.tactics {
		if t.Short == short {
			return t, true
		}
	}
	return Tactic{}, false
}

// Technique looks a technique up by ID.
func (v *Vocab) Technique(id string) (Technique, bool) {
	t, ok := v.techniques[id]
	return t, ok
}

// Techniques returns every technique sorted by ID.
func (v *Vocab) Techniques() []Technique {
	out := make([]Technique, 0, len(v.techniques))
	for _, t := range v.techniques {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Technique) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// TechniqueName is the name ATT&CK shows for a technique in reports and
// Navigator: "Phishing: Spearphishing Attachment" for a sub-technique.
func (v *Vocab) TechniqueName(t Technique) string {
	if p, ok := v.techniques[t.Parent()]; ok {
		return p.Name + ": " + t.Name
	}
	return t.Name
}

// ResolveTechnique accepts an ID in any case or an unambiguous name
// ("Exploit Public-Facing Application", "Phishing: Spearphishing Attachment").
func (v *Vocab) ResolveTechnique(s string) (Technique, bool) {
	up := strings.ToUpper(strings.TrimSpace(s))
	if t, ok := v.techniques[up]; ok {
		return t, true
	}
	if id, ok := v.techByName[Norm(s)]; ok {
		return v.techniques[id], true
	}
	return Technique{}, false
}

// Mitigation looks a mitigation up by ID.
func (v *Vocab) Mitigation(id string) (Mitigation, bool) {
	m, ok := v.mitigations[id]
	return m, ok
}

// Mitigations returns every mitigation sorted by ID.
func (v *Vocab) Mitigations() []Mitigation {
	out := make([]Mitigation, 0, len(v.mitigations))
	for _, m := range v.mitigations {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Mitigation) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// ResolveMitigation accepts an ID or a mitigation name.
func (v *Vocab) ResolveMitigation(s string) (Mitigation, bool) {
	up := strings.ToUpper(strings.TrimSpace(s))
	if m, ok := v.mitigations[up]; ok {
		return m, true
	}
	if id, ok := v.mitByName[Norm(s)]; ok {
		return v.mitigations[id], true
	}
	return Mitigation{}, false
}

// Sectors returns the canonical sectors in table order.
func (v *Vocab) Sectors() []Sector { return slices.Clone(v.sectors) }

// ResolveSector accepts a canonical sector name or synonym.
func (v *Vocab) ResolveSector(s string) (Sector, bool) {
	i, ok := v.sectorByKey[Norm(s)]
	if !ok {
		return Sector{}, false
	}
	return v.sectors[i], true
}

// SuggestSector returns the canonical sector nearest to s, if any is close.
func (v *Vocab) SuggestSector(s string) (string, bool) {
	var cands []Candidate
	for _, sec := range v.sectors {
		for _, name := range append([]string{sec.Name}, sec.Synonyms...) {
			cands = append(cands, Candidate{Name: name, Canonical: sec.Name})
		}
	}
	return Suggest(s, cands)
}
