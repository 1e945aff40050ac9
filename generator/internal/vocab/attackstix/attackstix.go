// Package attackstix reads MITRE ATT&CK's official STIX 2.1 bundle
// (enterprise-attack.json, from github.com/mitre-attack/attack-stix-data)
// and writes the tables package vocab embeds: attack-tactics.tsv,
// attack-techniques.tsv and attack-mitigations.tsv.
//
// It accepts a STIX 2.1 bundle ({"type": "bundle", "objects": [...]}) and
// uses these objects, ignoring every other type and property:
//
//   - x-mitre-collection: x_mitre_version is the ATT&CK release ("15.1");
//   - x-mitre-matrix: tactic_refs gives the tactics' matrix order;
//   - x-mitre-tactic: name, x_mitre_shortname and the ID (TA0001) in
//     external_references under source_name "mitre-attack";
//   - attack-pattern: name, the ID (T1059 or T1059.001),
//     x_mitre_is_subtechnique, and the tactics from kill_chain_phases whose
//     kill_chain_name is "mitre-attack", in the order given;
//   - course-of-action: name and the mitigation ID (M1051).
//
// Objects that are revoked or x_mitre_deprecated are dropped, as are those
// whose x_mitre_domains excludes enterprise-attack, IDs of the wrong shape
// and sub-technique flags that contradict the ID. Each drop that is not
// plain revocation or deprecation is reported in Catalog.Warnings.
package attackstix

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Tactic is an ATT&CK tactic.
type Tactic struct{ ID, Short, Name string }

// Technique is a technique or sub-technique.
type Technique struct {
	ID, Name string
	Tactics  []string // tactic short names, in kill_chain_phases order
}

// Mitigation is an ATT&CK mitigation.
type Mitigation struct{ ID, Name string }

// Catalog is the current content of one ATT&CK domain.
type Catalog struct {
	Version     string
	Tactics     []Tactic     // matrix order
	Techniques  []Technique  // sorted by ID
	Mitigations []Mitigation // sorted by ID
	Revoked     int          // objects dropped as revoked
	Deprecated  int          // objects dropped as deprecated
	Warnings    []string     // other objects dropped, and why
}

type externalRef struct {
	SourceName string `json:"source_name"`
	ExternalID string `json:"external_id"`
}

type killChainPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`
}

// object holds the properties of a STIX object this package reads.
type object struct {
	Type            string           `json:"type"`
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	Modified        string           `json:"modified"`
	Revoked         bool             `json:"revoked"`
	Deprecated      bool             `json:"x_mitre_deprecated"`
	Domains         []string         `json:"x_mitre_domains"`
	Version         string           `json:"x_mitre_version"`
	ShortName       string           `json:"x_mitre_shortname"`
	IsSubtechnique  bool             `json:"x_mitre_is_subtechnique"`
	KillChainPhases []killChainPhase `json:"kill_chain_phases"`
	ExternalRefs    []externalRef    `json:"external_references"`
	TacticRefs      []string         `json:"tactic_refs"`
}

type bundle struct {
	Type    string   `json:"type"`
	Objects []object `json:"objects"`
}

// MaxBundleSize bounds the input; the Enterprise bundle is about 45 MB.
const MaxBundleSize = 512 << 20

var (
	tacticIDRe     = regexp.MustCompile(`^TA\d{4}$`)
	techniqueIDRe  = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	mitigationIDRe = regexp.MustCompile(`^M\d{4}$`)
	versionRe      = regexp.MustCompile(`^\d+(\.\d+)*$`)
)

// Parse reads a bundle.
func Parse(r io.Reader) (*Catalog, error) {
	var b bundle
	dec := json.NewDecoder(io.LimitReader(r, MaxBundleSize+1))
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("attackstix: not a STIX bundle: %w", err)
	}
	if b.Type != "bundle" {
		return nil, fmt.Errorf("attackstix: not a STIX bundle: type is %q", b.Type)
	}
	c := &Catalog{}
	var matrices []object
	tacticByRef := map[string]Tactic{}
	var tacticOrder []string // STIX ids in bundle order
	techs := map[string]object{}
	mits := map[string]object{}
	for _, o := range b.Objects {
		switch o.Type {
		case "x-mitre-collection", "x-mitre-matrix", "x-mitre-tactic", "attack-pattern", "course-of-action":
		default:
			continue
		}
		if o.Type == "x-mitre-collection" {
			if c.Version != "" && o.Version != c.Version {
				return nil, fmt.Errorf("attackstix: the bundle holds two collections, versions %q and %q", c.Version, o.Version)
			}
			c.Version = o.Version
			continue
		}
		if o.Revoked {
			c.Revoked++
			continue
		}
		if o.Deprecated {
			c.Deprecated++
			continue
		}
		if len(o.Domains) > 0 && !slices.Contains(o.Domains, "enterprise-attack") {
			c.warnf("%s %q: not in the enterprise-attack domain", o.Type, o.Name)
			continue
		}
		id := mitreID(o)
		name := clean(o.Name)
		switch o.Type {
		case "x-mitre-matrix":
			matrices = append(matrices, o)
		case "x-mitre-tactic":
			if !tacticIDRe.MatchString(id) || o.ShortName == "" || name == "" {
				c.warnf("tactic %q (%s): no TA0000 ID, shortname or name", o.Name, o.ID)
				continue
			}
			tacticByRef[o.ID] = Tactic{ID: id, Short: clean(o.ShortName), Name: name}
			tacticOrder = append(tacticOrder, o.ID)
		case "attack-pattern":
			switch {
			case !techniqueIDRe.MatchString(id) || name == "":
				c.warnf("technique %q (%s): no T0000 ID or name", o.Name, o.ID)
				continue
			case o.IsSubtechnique != strings.Contains(id, "."):
				c.warnf("technique %s %q: x_mitre_is_subtechnique is %v but the ID says otherwise", id, o.Name, o.IsSubtechnique)
				continue
			}
			if prev, dup := techs[id]; dup {
				c.warnf("technique %s appears twice (%s, %s); keeping the later-modified one", id, prev.ID, o.ID)
				if o.Modified < prev.Modified {
					continue
				}
			}
			techs[id] = o
		case "course-of-action":
			if !mitigationIDRe.MatchString(id) || name == "" {
				// Pre-2018 mitigations carried technique IDs; current ones are M IDs.
				c.warnf("mitigation %q (%s): no M0000 ID", o.Name, o.ID)
				continue
			}
			if prev, dup := mits[id]; dup {
				c.warnf("mitigation %s appears twice (%s, %s); keeping the later-modified one", id, prev.ID, o.ID)
				if o.Modified < prev.Modified {
					continue
				}
			}
			mits[id] = o
		}
	}
	if c.Version == "" {
		return nil, errors.New("attackstix: the bundle has no x-mitre-collection with an x_mitre_version; is it an ATT&CK release bundle?")
	}
	if !versionRe.MatchString(c.Version) {
		return nil, fmt.Errorf("attackstix: x_mitre_version %q is not a version number", c.Version)
	}

	// Tactics in matrix order; any the matrix does not list follow by ID.
	seen := map[string]bool{}
	for _, m := range matrices {
		for _, ref := range m.TacticRefs {
			if t, ok := tacticByRef[ref]; ok && !seen[ref] {
				c.Tactics = append(c.Tactics, t)
				seen[ref] = true
			}
		}
	}
	var rest []Tactic
	for _, ref := range tacticOrder {
		if !seen[ref] {
			rest = append(rest, tacticByRef[ref])
			if len(matrices) > 0 {
				c.warnf("tactic %s is in no matrix; listed after those that are", tacticByRef[ref].ID)
			}
		}
	}
	slices.SortFunc(rest, func(a, b Tactic) int { return cmp.Compare(a.ID, b.ID) })
	c.Tactics = append(c.Tactics, rest...)
	if len(c.Tactics) == 0 {
		return nil, errors.New("attackstix: the bundle has no current tactics")
	}
	shorts := map[string]bool{}
	for _, t := range c.Tactics {
		if shorts[t.Short] {
			return nil, fmt.Errorf("attackstix: two tactics have the shortname %q", t.Short)
		}
		shorts[t.Short] = true
	}

	for id, o := range techs {
		var tactics []string
		for _, p := range o.KillChainPhases {
			if p.KillChainName != "mitre-attack" {
				continue
			}
			if !shorts[p.PhaseName] {
				c.warnf("technique %s: tactic %q is not a current tactic; left out", id, p.PhaseName)
				continue
			}
			if !slices.Contains(tactics, p.PhaseName) {
				tactics = append(tactics, p.PhaseName)
			}
		}
		if len(tactics) == 0 {
			c.warnf("technique %s %q: no mitre-attack kill chain phase; dropped", id, o.Name)
			continue
		}
		c.Techniques = append(c.Techniques, Technique{ID: id, Name: clean(o.Name), Tactics: tactics})
	}
	slices.SortFunc(c.Techniques, func(a, b Technique) int { return cmp.Compare(a.ID, b.ID) })
	for _, t := range c.Techniques {
		if i := strings.IndexByte(t.ID, '.'); i > 0 {
			if _, ok := slices.BinarySearchFunc(c.Techniques, t.ID[:i], func(x Technique, id string) int { return cmp.Compare(x.ID, id) }); !ok {
				c.warnf("sub-technique %s: its parent %s is not current", t.ID, t.ID[:i])
			}
		}
	}
	for id, o := range mits {
		c.Mitigations = append(c.Mitigations, Mitigation{ID: id, Name: clean(o.Name)})
	}
	slices.SortFunc(c.Mitigations, func(a, b Mitigation) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(c.Warnings)
	return c, nil
}

func (c *Catalog) warnf(format string, args ...any) {
	c.Warnings = append(c.Warnings, fmt.Sprintf(format, args...))
}

// mitreID is the object's ATT&CK ID: the external_id of its mitre-attack
// external reference.
func mitreID(o object) string {
	for _, r := range o.ExternalRefs {
		if r.SourceName == "mitre-attack" {
			return strings.TrimSpace(r.ExternalID)
		}
	}
	return ""
}

// clean keeps a name on one TSV cell: no tabs or line breaks.
func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Table file names, as package vocab reads them.
const (
	TacticsFile     = "attack-tactics.tsv"
	TechniquesFile  = "attack-techniques.tsv"
	MitigationsFile = "attack-mitigations.tsv"
)

// Files returns the three tables, by file name, in the format package
// vocab reads.
func (c *Catalog) Files() map[string][]byte {
	head := "# ATT&CK Enterprise v" + c.Version + "\n"
	var ta, te, mi strings.Builder
	ta.WriteString(head + "# Enterprise tactics in matrix (kill-chain) order. Columns: ID, shortname, name.\n# ID\tshortname\tname\n")
	for _, t := range c.Tactics {
		fmt.Fprintf(&ta, "%s\t%s\t%s\n", t.ID, t.Short, t.Name)
	}
	te.WriteString(head + "# Every current (non-revoked, non-deprecated) Enterprise technique and sub-technique, sorted by ID.\n" +
		"# Sub-techniques carry their short name; tactics are tactic shortnames in MITRE kill_chain_phases order.\n# ID\tname\ttactics\n")
	for _, t := range c.Techniques {
		fmt.Fprintf(&te, "%s\t%s\t%s\n", t.ID, t.Name, strings.Join(t.Tactics, ","))
	}
	mi.WriteString(head + "# Current Enterprise mitigations, sorted by ID. Columns: ID, name.\n# ID\tname\n")
	for _, m := range c.Mitigations {
		fmt.Fprintf(&mi, "%s\t%s\n", m.ID, m.Name)
	}
	return map[string][]byte{
		TacticsFile:     []byte(ta.String()),
		TechniquesFile:  []byte(te.String()),
		MitigationsFile: []byte(mi.String()),
	}
}
