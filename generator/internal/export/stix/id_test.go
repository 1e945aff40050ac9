package stix

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

// An identifier made from a key in parts is the one ID makes of the whole
// key, which is the UUIDv5 the uuid package makes.
func TestIDInParts(t *testing.T) {
	t.Parallel()
	var m idMaker
	for _, parts := range [][]string{
		{"uses", "|", "campaign--1", "|", "attack-pattern--2", ""},
		{"attributed-to", "|", "campaign--1", "|", "intrusion-set--3", "|identity--4"},
		{""},
		{"naïve", "|", "ключ"},
	} {
		key := strings.Join(parts, "")
		want := "relationship--" + uuid.NewSHA1(Namespace, []byte("relationship|"+key)).String()
		if got := m.id("relationship", parts...); got != want || ID("relationship", key) != want {
			t.Errorf("%q: %s and %s, want %s", parts, got, ID("relationship", key), want)
		}
	}
}
