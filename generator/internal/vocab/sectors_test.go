package vocab_test

import (
	"slices"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Every sector's STIX value is a value of STIX 2.1's industry-sector-ov, as
// the official schemas spell it ("water", not "infrastructure-water").
func TestSectorsAreSTIXIndustrySectors(t *testing.T) {
	t.Parallel()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	ov := sitetest.STIXVocabulary(t, "sdos/identity.json", "industry-sector-ov")
	sectors := v.Sectors()
	if len(sectors) < 30 {
		t.Fatalf("only %d sectors", len(sectors))
	}
	for _, s := range sectors {
		if !slices.Contains(ov, s.STIX) {
			t.Errorf("sector %s: %q is not in STIX 2.1's industry-sector-ov %v", s.Name, s.STIX, ov)
		}
	}
}
