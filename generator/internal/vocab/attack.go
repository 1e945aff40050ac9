package vocab

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Named is an ATT&CK group or piece of software: what a brief names as an
// actor or as malware.
type Named struct {
	ID      string   // G0034 or S0368
	Name    string   // ATT&CK's name: Sandworm Team, NotPetya
	Type    string   // "group", "malware" or "tool"
	Aliases []string // ATT&CK's other names for it, in its order
}

// URL is the object's page on attack.mitre.org.
func (n *Named) URL() string { return AttackURL(n.ID) }

// Retired is a revoked or deprecated ATT&CK technique, mitigation, group or
// software.
type Retired struct {
	ID         string
	Name       string
	Revoked    bool   // revoked (replaced), else deprecated (withdrawn)
	ReplacedBy string // the current ID that replaced a revoked one, or ""
}

// Identifier patterns of ATT&CK groups and software.
var (
	GroupIDRe    = regexp.MustCompile(`^G\d{4}$`)
	SoftwareIDRe = regexp.MustCompile(`^S\d{4}$`)
)

// readNamed reads attack-groups.tsv, attack-software.tsv and
// attack-retired.tsv, after the techniques and mitigations.
func (v *Vocab) readNamed(read func(name string, cols int, fn func(f []string) error) error) error {
	aliases := func(f []string, i int) []string {
		if len(f) <= i || f[i] == "" {
			return nil
		}
		return strings.Split(f[i], "|")
	}
	if err := read("attack-groups.tsv", 2, func(f []string) error {
		if !GroupIDRe.MatchString(f[0]) {
			return fmt.Errorf("malformed group ID %q", f[0])
		}
		return v.addNamed(&Named{ID: f[0], Name: f[1], Type: "group", Aliases: aliases(f, 2)})
	}); err != nil {
		return err
	}
	if err := read("attack-software.tsv", 3, func(f []string) error {
		if !SoftwareIDRe.MatchString(f[0]) {
			return fmt.Errorf("malformed software ID %q", f[0])
		}
		if f[2] != "malware" && f[2] != "tool" {
			return fmt.Errorf("software %s: type %q is neither malware nor tool", f[0], f[2])
		}
		return v.addNamed(&Named{ID: f[0], Name: f[1], Type: f[2], Aliases: aliases(f, 3)})
	}); err != nil {
		return err
	}
	byID := func(a, b *Named) int { return cmp.Compare(a.ID, b.ID) }
	slices.SortFunc(v.groups, byID)
	slices.SortFunc(v.software, byID)
	// Every name a current technique or mitigation has, ambiguous ones
	// ("Spearphishing Attachment") included: a retired ID is never what
	// such a name means.
	current := map[string]bool{}
	for _, t := range v.techniques {
		current[Norm(t.Name)] = true
		current[Norm(v.TechniqueName(t))] = true
	}
	for _, m := range v.mitigations {
		current[Norm(m.Name)] = true
	}
	return read("attack-retired.tsv", 3, func(f []string) error {
		r := Retired{ID: f[0], Name: f[1]}
		switch f[2] {
		case "revoked":
			r.Revoked = true
		case "deprecated":
		default:
			return fmt.Errorf("%s: status %q is neither revoked nor deprecated", r.ID, f[2])
		}
		if len(f) > 3 {
			r.ReplacedBy = f[3]
		}
		if v.current(r.ID) {
			return fmt.Errorf("%s is both current and retired", r.ID)
		}
		if _, dup := v.retired[r.ID]; dup {
			return fmt.Errorf("%s is retired twice", r.ID)
		}
		if r.ReplacedBy != "" && (!v.current(r.ReplacedBy) || r.ReplacedBy[0] != r.ID[0]) {
			return fmt.Errorf("%s is replaced by %q, which is not a current ID of its kind", r.ID, r.ReplacedBy)
		}
		if !r.Revoked && r.ReplacedBy != "" {
			return fmt.Errorf("%s is deprecated, not revoked, but names a replacement", r.ID)
		}
		v.retired[r.ID] = r
		// A retired technique or mitigation may be written by its old
		// name, if no current one has that name.
		var names []string
		switch {
		case TechniqueIDRe.MatchString(r.ID):
			names = append(names, r.Name)
			if p, ok := v.techniques[Technique{ID: r.ID}.Parent()]; ok {
				names = append(names, p.Name+" "+r.Name)
			}
		case MitigationIDRe.MatchString(r.ID):
			names = append(names, r.Name)
		}
		for _, n := range names {
			k := Norm(n)
			if _, taken := v.retiredByName[k]; !taken && !current[k] {
				v.retiredByName[k] = r.ID
			}
		}
		return nil
	})
}

func (v *Vocab) addNamed(n *Named) error {
	if _, dup := v.named[n.ID]; dup {
		return fmt.Errorf("%s is listed twice", n.ID)
	}
	v.named[n.ID] = n
	if n.Type == "group" {
		v.groups = append(v.groups, n)
	} else {
		v.software = append(v.software, n)
	}
	return nil
}

// current reports whether id is a current technique, mitigation, group or
// software ID.
func (v *Vocab) current(id string) bool {
	_, t := v.techniques[id]
	_, m := v.mitigations[id]
	_, n := v.named[id]
	return t || m || n
}

// Groups returns ATT&CK's current groups, sorted by ID. The entries are
// shared: callers must not modify them.
func (v *Vocab) Groups() []*Named { return slices.Clone(v.groups) }

// Software returns ATT&CK's current software (malware and tools), sorted by
// ID. The entries are shared: callers must not modify them.
func (v *Vocab) Software() []*Named { return slices.Clone(v.software) }

// NamedByID returns the current group or software with an ID (G0034, S0368).
func (v *Vocab) NamedByID(id string) (*Named, bool) {
	n, ok := v.named[strings.ToUpper(strings.TrimSpace(id))]
	return n, ok
}

// Retirement says whether s is a revoked or deprecated ATT&CK ID (in any
// case), or the old name of a retired technique or mitigation that no
// current one has.
func (v *Vocab) Retirement(s string) (Retired, bool) {
	if r, ok := v.retired[strings.ToUpper(strings.TrimSpace(s))]; ok {
		return r, true
	}
	if id, ok := v.retiredByName[Norm(s)]; ok {
		return v.retired[id], true
	}
	return Retired{}, false
}

// Retirements returns every retired ID, sorted.
func (v *Vocab) Retirements() []Retired {
	return slices.SortedFunc(maps.Values(v.retired), func(a, b Retired) int { return cmp.Compare(a.ID, b.ID) })
}

// CurrentName is what ATT&CK calls a current ID today: "T1574.001
// (Hijack Execution Flow: DLL)", "G0016 (APT29)".
func (v *Vocab) CurrentName(id string) string {
	if t, ok := v.techniques[id]; ok {
		return id + " (" + v.TechniqueName(t) + ")"
	}
	if m, ok := v.mitigations[id]; ok {
		return id + " (" + m.Name + ")"
	}
	if n, ok := v.named[id]; ok {
		return id + " (" + n.Name + ")"
	}
	return id
}
