package stix

import (
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// TLPExtension is the OASIS extension definition of the TLP 2.0 marking
// definitions (cti-stix-common-objects, extension-definition-specifications/
// tlp-2.0). Briefs carry TLP 2.0 labels, and TLP:AMBER+STRICT and TLP:CLEAR
// have no TLP 1.0 marking in the STIX 2.1 specification, so the bundles use
// the TLP 2.0 marking definitions, whose IDs are fixed by that extension.
const TLPExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlpIDs are the fixed identifiers of the TLP 2.0 marking definitions.
var tlpIDs = map[brief.TLP]string{
	brief.TLPClear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	brief.TLPGreen:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	brief.TLPAmber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	brief.TLPAmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	brief.TLPRed:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// TLPMarkingID returns the identifier of the TLP 2.0 marking definition of
// a label.
func TLPMarkingID(t brief.TLP) (string, bool) {
	id, ok := tlpIDs[t]
	return id, ok
}

// TLPMarking returns the TLP 2.0 marking-definition object of a label,
// exactly as the extension defines it.
func TLPMarking(t brief.TLP) *Object {
	return &Object{
		Type:        "marking-definition",
		SpecVersion: SpecVersion,
		ID:          tlpIDs[t],
		Created:     "2022-10-01T00:00:00.000Z",
		Name:        "TLP:" + strings.ToUpper(string(t)),
		Extensions: map[string]any{
			TLPExtension: map[string]string{"extension_type": "property-extension", "tlp_2_0": string(t)},
		},
	}
}
