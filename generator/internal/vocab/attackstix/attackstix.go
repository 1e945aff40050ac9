// Package attackstix reads MITRE ATT&CK's Enterprise data as a STIX bundle
// and writes the tables package vocab embeds: attack-tactics.tsv,
// attack-techniques.tsv, attack-mitigations.tsv, attack-groups.tsv,
// attack-software.tsv and attack-retired.tsv.
//
// It accepts a STIX 2.1 bundle ({"type": "bundle", "objects": [...]}, as
// github.com/mitre-attack/attack-stix-data publishes it) or a STIX 2.0 one
// (the same with "spec_version": "2.0" on the bundle, as github.com/mitre/cti
// publishes it), and uses these objects, ignoring every other type and
// property:
//
//   - x-mitre-collection: x_mitre_version is the ATT&CK release ("18.1").
//     STIX 2.0 bundles have no collection: the caller then names the
//     release (Parse's version argument), and when both are present they
//     must agree;
//   - x-mitre-matrix: tactic_refs gives the tactics' matrix order;
//   - x-mitre-tactic: name, x_mitre_shortname and the ID (TA0001) in
//     external_references under source_name "mitre-attack";
//   - attack-pattern: name, the ID (T1059 or T1059.001),
//     x_mitre_is_subtechnique, and the tactics from kill_chain_phases whose
//     kill_chain_name is "mitre-attack", in the order given;
//   - course-of-action: name and the mitigation ID (M1051);
//   - intrusion-set: name, the group ID (G0034) and aliases;
//   - malware and tool: name, the software ID (S0368) and x_mitre_aliases;
//   - relationship of type revoked-by: which object replaced a revoked one.
//
// Objects that are revoked or x_mitre_deprecated are not current, but those
// with an ID of the right shape are kept in Catalog.Retired with what
// replaced them (a revoked-by chain is followed to a current object), so
// that check can tell a retired ID from an unknown one. Objects whose
// x_mitre_domains excludes enterprise-attack are dropped, as are IDs of the
// wrong shape and sub-technique flags that contradict the ID. Each drop that
// is not plain revocation or deprecation is reported in Catalog.Warnings.
//
// Update is what `generator attack-update` does: it takes a bundle's path
// or http(s) URL and a table directory, checks that the new tables load
// with package vocab (and the directory's sector list), lists what changed
// from the tables there (vocab.Diff: IDs added, removed and renamed) and
// replaces them, each file atomically.
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

// Group is an ATT&CK group (a STIX intrusion-set).
type Group struct {
	ID, Name string
	Aliases  []string // ATT&CK's other names for it, in its order, without Name
}

// Software is an ATT&CK software entry: a STIX malware or tool.
type Software struct {
	ID, Name string
	Type     string   // "malware" or "tool"
	Aliases  []string // ATT&CK's other names for it, in its order, without Name
}

// Retired is a revoked or deprecated technique, mitigation, group or
// software.
type Retired struct {
	ID, Name string
	Status   string // "revoked" or "deprecated"
	// ReplacedBy is the current object a revoked one was replaced by, at
	// the end of its revoked-by chain; "" when there is none.
	ReplacedBy string
}

// Catalog is the content of one ATT&CK domain.
type Catalog struct {
	Version     string
	Spec        string       // STIX version of the bundle: "2.0" or "2.1"
	Tactics     []Tactic     // matrix order
	Techniques  []Technique  // sorted by ID
	Mitigations []Mitigation // sorted by ID
	Groups      []Group      // sorted by ID
	Software    []Software   // sorted by ID
	Retired     []Retired    // sorted by ID
	Revoked     int          // objects not current because revoked
	Deprecated  int          // objects not current because deprecated
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
	Type             string           `json:"type"`
	ID               string           `json:"id"`
	SpecVersion      string           `json:"spec_version"`
	Name             string           `json:"name"`
	Modified         string           `json:"modified"`
	Revoked          bool             `json:"revoked"`
	Deprecated       bool             `json:"x_mitre_deprecated"`
	Domains          []string         `json:"x_mitre_domains"`
	Version          string           `json:"x_mitre_version"`
	ShortName        string           `json:"x_mitre_shortname"`
	IsSubtechnique   bool             `json:"x_mitre_is_subtechnique"`
	KillChainPhases  []killChainPhase `json:"kill_chain_phases"`
	ExternalRefs     []externalRef    `json:"external_references"`
	TacticRefs       []string         `json:"tactic_refs"`
	Aliases          []string         `json:"aliases"`
	MitreAliases     []string         `json:"x_mitre_aliases"`
	RelationshipType string           `json:"relationship_type"`
	SourceRef        string           `json:"source_ref"`
	TargetRef        string           `json:"target_ref"`
}

type bundle struct {
	Type        string   `json:"type"`
	SpecVersion string   `json:"spec_version"`
	Objects     []object `json:"objects"`
}

// MaxBundleSize bounds the input; the Enterprise bundle is about 45 MB.
const MaxBundleSize = 512 << 20

var (
	tacticIDRe     = regexp.MustCompile(`^TA\d{4}$`)
	techniqueIDRe  = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	mitigationIDRe = regexp.MustCompile(`^M\d{4}$`)
	groupIDRe      = regexp.MustCompile(`^G\d{4}$`)
	softwareIDRe   = regexp.MustCompile(`^S\d{4}$`)
	versionRe      = regexp.MustCompile(`^\d+(\.\d+)*$`)
	fileVersionRe  = regexp.MustCompile(`attack-v?(\d+(?:\.\d+)+)`)
)

// VersionFromName reads the ATT&CK release from a bundle's file name as
// MITRE publishes them ("enterprise-attack-18.1.json" → "18.1"), or "".
func VersionFromName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if m := fileVersionRe.FindStringSubmatch(name); m != nil {
		return m[1]
	}
	return ""
}

// Parse reads a bundle. version is the ATT&CK release the caller says the
// bundle is ("" when it does not know); it is needed for a bundle without
// an x-mitre-collection and must agree with one that has it.
func Parse(r io.Reader, version string) (*Catalog, error) {
	var b bundle
	dec := json.NewDecoder(io.LimitReader(r, MaxBundleSize+1))
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("attackstix: not a STIX bundle: %w", err)
	}
	if b.Type != "bundle" {
		return nil, fmt.Errorf("attackstix: not a STIX bundle: type is %q", b.Type)
	}
	c := &Catalog{Spec: "2.1"}
	switch b.SpecVersion {
	case "":
	case "2.0":
		c.Spec = "2.0"
	default:
		return nil, fmt.Errorf("attackstix: STIX %s bundles are not supported; want 2.0 or 2.1", b.SpecVersion)
	}
	var matrices []object
	tacticByRef := map[string]Tactic{}
	var tacticOrder []string // STIX ids in bundle order
	techs := map[string]object{}
	mits := map[string]object{}
	groups := map[string]object{}
	software := map[string]object{}
	retired := map[string]object{}
	revokedBy := map[string]string{} // STIX id → STIX id
	for _, o := range b.Objects {
		switch o.Type {
		case "x-mitre-collection", "x-mitre-matrix", "x-mitre-tactic", "attack-pattern", "course-of-action",
			"intrusion-set", "malware", "tool":
		case "relationship":
			if o.RelationshipType == "revoked-by" && o.SourceRef != "" && o.TargetRef != "" {
				revokedBy[o.SourceRef] = o.TargetRef
			}
			continue
		default:
			continue
		}
		if o.SpecVersion != "" && o.SpecVersion != c.Spec {
			return nil, fmt.Errorf("attackstix: %s %s is STIX %s in a STIX %s bundle", o.Type, o.ID, o.SpecVersion, c.Spec)
		}
		if o.Type == "x-mitre-collection" {
			if c.Version != "" && o.Version != c.Version {
				return nil, fmt.Errorf("attackstix: the bundle holds two collections, versions %q and %q", c.Version, o.Version)
			}
			c.Version = o.Version
			continue
		}
		if len(o.Domains) > 0 && !slices.Contains(o.Domains, "enterprise-attack") {
			if !o.Revoked && !o.Deprecated {
				c.warnf("%s %q: not in the enterprise-attack domain", o.Type, o.Name)
			}
			continue
		}
		id := mitreID(o)
		name := clean(o.Name)
		if o.Revoked || o.Deprecated {
			if o.Revoked {
				c.Revoked++
			} else {
				c.Deprecated++
			}
			if retirable(o.Type, id) && name != "" {
				if prev, dup := retired[id]; !dup || prev.Modified < o.Modified {
					retired[id] = o
				}
			}
			continue
		}
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
			c.keepLatest(techs, "technique", id, o)
		case "course-of-action":
			if !mitigationIDRe.MatchString(id) || name == "" {
				// Pre-2018 mitigations carried technique IDs; current ones are M IDs.
				c.warnf("mitigation %q (%s): no M0000 ID", o.Name, o.ID)
				continue
			}
			c.keepLatest(mits, "mitigation", id, o)
		case "intrusion-set":
			if !groupIDRe.MatchString(id) || name == "" {
				c.warnf("group %q (%s): no G0000 ID or name", o.Name, o.ID)
				continue
			}
			c.keepLatest(groups, "group", id, o)
		case "malware", "tool":
			if !softwareIDRe.MatchString(id) || name == "" {
				c.warnf("%s %q (%s): no S0000 ID or name", o.Type, o.Name, o.ID)
				continue
			}
			c.keepLatest(software, "software", id, o)
		}
	}
	switch {
	case c.Version == "" && version == "":
		return nil, errors.New("attackstix: the bundle has no x-mitre-collection with an x_mitre_version (STIX 2.0 bundles have none); name the ATT&CK release it holds, e.g. 18.1")
	case c.Version == "":
		c.Version = version
	case version != "" && version != c.Version:
		return nil, fmt.Errorf("attackstix: the bundle's collection says ATT&CK v%s, not v%s", c.Version, version)
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

	current := map[string]string{} // STIX id → ATT&CK ID of every current object kept
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
		current[o.ID] = id
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
		current[o.ID] = id
	}
	slices.SortFunc(c.Mitigations, func(a, b Mitigation) int { return cmp.Compare(a.ID, b.ID) })
	for id, o := range groups {
		c.Groups = append(c.Groups, Group{ID: id, Name: clean(o.Name), Aliases: c.aliases(id, o.Name, o.Aliases)})
		current[o.ID] = id
	}
	slices.SortFunc(c.Groups, func(a, b Group) int { return cmp.Compare(a.ID, b.ID) })
	for id, o := range software {
		c.Software = append(c.Software, Software{ID: id, Name: clean(o.Name), Type: o.Type, Aliases: c.aliases(id, o.Name, o.MitreAliases)})
		current[o.ID] = id
	}
	slices.SortFunc(c.Software, func(a, b Software) int { return cmp.Compare(a.ID, b.ID) })

	for id, o := range retired {
		if current := stixIDOf(id, techs, mits, groups, software); current != "" {
			c.warnf("%s %s is both current (%s) and retired (%s); the retired one is left out", o.Type, id, current, o.ID)
			continue
		}
		r := Retired{ID: id, Name: clean(o.Name), Status: "deprecated"}
		if o.Revoked {
			r.Status = "revoked"
			r.ReplacedBy = replacement(o.ID, revokedBy, current)
			if r.ReplacedBy == "" {
				c.warnf("%s %s %q is revoked, but no revoked-by chain leads to a current object", o.Type, id, r.Name)
			} else if r.ReplacedBy[0] != id[0] {
				c.warnf("%s %s is revoked by %s, an object of another kind; no replacement named", o.Type, id, r.ReplacedBy)
				r.ReplacedBy = ""
			}
		}
		c.Retired = append(c.Retired, r)
	}
	slices.SortFunc(c.Retired, func(a, b Retired) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(c.Warnings)
	return c, nil
}

// keepLatest keeps o as the object with ATT&CK ID id, unless one modified
// later is already kept.
func (c *Catalog) keepLatest(m map[string]object, kind, id string, o object) {
	if prev, dup := m[id]; dup {
		c.warnf("%s %s appears twice (%s, %s); keeping the later-modified one", kind, id, prev.ID, o.ID)
		if o.Modified < prev.Modified {
			return
		}
	}
	m[id] = o
}

// retirable reports whether a retired object of type typ with ATT&CK ID id
// is worth remembering: one an author may still write.
func retirable(typ, id string) bool {
	switch typ {
	case "attack-pattern":
		return techniqueIDRe.MatchString(id)
	case "course-of-action":
		return mitigationIDRe.MatchString(id)
	case "intrusion-set":
		return groupIDRe.MatchString(id)
	case "malware", "tool":
		return softwareIDRe.MatchString(id)
	}
	return false
}

// stixIDOf is the STIX id of the current object with ATT&CK ID id, or "".
func stixIDOf(id string, maps ...map[string]object) string {
	for _, m := range maps {
		if o, ok := m[id]; ok {
			return o.ID
		}
	}
	return ""
}

// replacement follows revoked-by from the STIX object ref to a current
// object and returns its ATT&CK ID, or "" if the chain ends elsewhere.
func replacement(ref string, revokedBy, current map[string]string) string {
	seen := map[string]bool{}
	for ref != "" && !seen[ref] {
		seen[ref] = true
		ref = revokedBy[ref]
		if id, ok := current[ref]; ok {
			return id
		}
	}
	return ""
}

// aliases cleans ATT&CK's list of names for an object: without its own
// name (ATT&CK lists it first), blanks and repeats.
func (c *Catalog) aliases(id, name string, in []string) []string {
	var out []string
	seen := map[string]bool{strings.ToLower(clean(name)): true}
	for _, a := range in {
		a = clean(a)
		switch {
		case a == "" || seen[strings.ToLower(a)]:
			continue
		case strings.Contains(a, "|"):
			c.warnf("%s: alias %q contains |, the table's separator; left out", id, a)
			continue
		}
		seen[strings.ToLower(a)] = true
		out = append(out, a)
	}
	return out
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

// row writes one line of a table, leaving out empty trailing cells.
func row(w *strings.Builder, cells ...string) {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	w.WriteString(strings.Join(cells, "\t") + "\n")
}

// Table file names, as package vocab reads them.
const (
	TacticsFile     = "attack-tactics.tsv"
	TechniquesFile  = "attack-techniques.tsv"
	MitigationsFile = "attack-mitigations.tsv"
	GroupsFile      = "attack-groups.tsv"
	SoftwareFile    = "attack-software.tsv"
	RetiredFile     = "attack-retired.tsv"
)

// FileNames lists the tables Files writes, in the order vocab reads them.
func FileNames() []string {
	return []string{TacticsFile, TechniquesFile, MitigationsFile, GroupsFile, SoftwareFile, RetiredFile}
}

// Files returns the tables, by file name, in the format package vocab
// reads.
func (c *Catalog) Files() map[string][]byte {
	head := "# ATT&CK Enterprise v" + c.Version + "\n"
	var ta, te, mi, gr, sw, re strings.Builder
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
	gr.WriteString(head + "# Current Enterprise groups (STIX intrusion-sets), sorted by ID. Aliases are ATT&CK's other names for the group, |-separated.\n# ID\tname\taliases\n")
	for _, g := range c.Groups {
		row(&gr, g.ID, g.Name, strings.Join(g.Aliases, "|"))
	}
	sw.WriteString(head + "# Current Enterprise software (STIX malware and tools), sorted by ID. Aliases are ATT&CK's other names for it, |-separated.\n# ID\tname\ttype\taliases\n")
	for _, s := range c.Software {
		row(&sw, s.ID, s.Name, s.Type, strings.Join(s.Aliases, "|"))
	}
	re.WriteString(head + "# Revoked and deprecated Enterprise techniques, mitigations, groups and software, sorted by ID,\n" +
		"# with the current object a revoked one was replaced by (empty when none).\n# ID\tname\tstatus\treplaced by\n")
	for _, r := range c.Retired {
		row(&re, r.ID, r.Name, r.Status, r.ReplacedBy)
	}
	return map[string][]byte{
		TacticsFile:     []byte(ta.String()),
		TechniquesFile:  []byte(te.String()),
		MitigationsFile: []byte(mi.String()),
		GroupsFile:      []byte(gr.String()),
		SoftwareFile:    []byte(sw.String()),
		RetiredFile:     []byte(re.String()),
	}
}
