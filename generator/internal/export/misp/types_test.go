package misp

import (
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// Every indicator type a brief may carry becomes an attribute: a new type
// must say how.
func TestEveryIOCTypeMaps(t *testing.T) {
	for _, typ := range brief.IOCTypes() {
		if m, ok := attrTypes[typ]; !ok || m.typ == "" || m.category == "" {
			t.Errorf("the indicator type %q has no MISP attribute type", typ)
		}
	}
	if len(attrTypes) != len(brief.IOCTypes()) {
		t.Errorf("attrTypes maps %d types, briefs have %d", len(attrTypes), len(brief.IOCTypes()))
	}
}
