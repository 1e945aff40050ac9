package resolve

import (
	"fmt"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// A brief's distinct: list names the actors and malware it gives that are
// not the known ones they are spelled almost like: "Volt Typhon" is a new
// actor, not a misspelling of Volt Typhoon. It waives the near-miss error
// for those names in that brief only, and changes no resolution: a name
// that resolves to a known term (exactly, or differing only in filler
// words) cannot be made distinct, except by a profile of its own.

// Excused reports whether brief b waives issue is about a name it gives:
// a near miss of a known name that b lists under distinct:.
func (r *Resolver) Excused(b *brief.Brief, is Issue, value string) bool {
	if !is.NearMiss {
		return false
	}
	key := vocab.Norm(value)
	for _, d := range b.Distinct {
		if vocab.Norm(d) == key {
			return true
		}
	}
	return false
}

// Finding is a problem at a field path of a brief.
type Finding struct {
	Path  string
	Issue Issue
}

// Distinct checks brief b's distinct: list: each entry must be an actor or
// malware name the brief gives, and not one that resolves to a known term.
func (r *Resolver) Distinct(b *brief.Brief) []Finding {
	if len(b.Distinct) == 0 {
		return nil
	}
	type named struct {
		kind  taxonomy.Kind
		value string
	}
	given := map[string]named{}
	var kinds []string
	for _, k := range r.kinds {
		if k.Resolution != taxonomy.ByKnown {
			continue
		}
		kinds = append(kinds, k.Name)
		for _, ref := range k.Refs(b) {
			if _, dup := given[vocab.Norm(ref.Value)]; !dup {
				given[vocab.Norm(ref.Value)] = named{k, ref.Value}
			}
		}
	}
	var out []Finding
	for i, d := range b.Distinct {
		path := fmt.Sprintf("distinct[%d]", i)
		n, ok := given[vocab.Norm(d)]
		if !ok {
			out = append(out, Finding{path, Issue{Severity: diag.Error,
				Message: fmt.Sprintf("%q is not one of the %s this brief names; distinct: lists those that are not the known one they are spelled like", d, strings.Join(kinds, " or "))}})
			continue
		}
		t, _ := r.Resolve(n.kind, n.value)
		if t.Profile != nil || t.Attack != nil {
			out = append(out, Finding{path, Issue{Severity: diag.Error,
				Message: fmt.Sprintf("%q is the %s %q, not a near miss of it; remove it from distinct: (only a profile of its own makes it a different %s)", d, n.kind.Singular, t.Name, n.kind.Singular)}})
		}
	}
	return out
}
