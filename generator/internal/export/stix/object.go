package stix

import (
	"crypto/sha1"
	"encoding/hex"
	"hash"
	"strings"

	"github.com/google/uuid"
)

// SpecVersion is the STIX version every object declares.
const SpecVersion = "2.1"

// Namespace is the UUIDv5 namespace of every identifier this package makes.
// It is fixed forever: changing it would change every published ID.
var Namespace = uuid.MustParse("17895ba9-4497-495d-b9e2-f5af72a6c66d")

// ID returns the deterministic STIX identifier of an object of type typ
// whose canonical key is key: "typ--" and the UUIDv5 of "typ|key".
func ID(typ, key string) string {
	var m idMaker
	return m.id(typ, key)
}

// UUID is the UUID part of ID(typ, key): what other formats that identify
// the same thing by a bare UUID use (a brief's MISP event is its report,
// ReportUUID), so that one scheme names it everywhere.
func UUID(typ, key string) string {
	return strings.TrimPrefix(ID(typ, key), typ+"--")
}

// ReportUUID is the UUID of the report of the brief whose slug is slug: of
// its STIX report, its MISP event and its RSS item's GUID alike.
func ReportUUID(slug string) string { return UUID("report", slug) }

// idMaker makes identifiers as ID does, of a key given in parts, reusing
// its hash and buffer: a large library has some 150,000 relationships,
// each identified by the concatenation of its type and its ends' IDs.
type idMaker struct {
	h   hash.Hash
	buf []byte
}

func (m *idMaker) id(typ string, key ...string) string {
	if m.h == nil {
		m.h = sha1.New()
	}
	m.buf = append(append(m.buf[:0], typ...), '|')
	for _, k := range key {
		m.buf = append(m.buf, k...)
	}
	u := uuid.NewHash(m.h, Namespace, m.buf, 5) // uuid.NewSHA1, with m.h
	m.buf = append(append(m.buf[:0], typ...), "--"...)
	for i, r := range [][2]int{{0, 4}, {4, 6}, {6, 8}, {8, 10}, {10, 16}} { // as UUID.String
		if i > 0 {
			m.buf = append(m.buf, '-')
		}
		m.buf = hex.AppendEncode(m.buf, u[r[0]:r[1]])
	}
	return string(m.buf)
}

// Object is one STIX object. Every property a type uses is a field here,
// in the order the JSON shows them; the ones a type does not use stay
// empty and are omitted. A struct (rather than a map) keeps the property
// order, and so the bytes, identical from build to build.
type Object struct {
	Type         string `json:"type"`
	SpecVersion  string `json:"spec_version"`
	ID           string `json:"id"`
	CreatedByRef string `json:"created_by_ref,omitempty"`
	Created      string `json:"created"`
	Modified     string `json:"modified,omitempty"`

	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`

	// report
	ReportTypes []string `json:"report_types,omitempty"`
	Published   string   `json:"published,omitempty"`
	ObjectRefs  []string `json:"object_refs,omitempty"`

	// identity
	IdentityClass      string   `json:"identity_class,omitempty"`
	Sectors            []string `json:"sectors,omitempty"`
	ContactInformation string   `json:"contact_information,omitempty"`

	// location
	Country string `json:"country,omitempty"`

	// intrusion-set, campaign, malware
	Aliases           []string `json:"aliases,omitempty"`
	FirstSeen         string   `json:"first_seen,omitempty"`
	LastSeen          string   `json:"last_seen,omitempty"`
	PrimaryMotivation string   `json:"primary_motivation,omitempty"`
	IsFamily          *bool    `json:"is_family,omitempty"`

	// attack-pattern
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitempty"`

	// indicator
	IndicatorTypes []string `json:"indicator_types,omitempty"`
	Pattern        string   `json:"pattern,omitempty"`
	PatternType    string   `json:"pattern_type,omitempty"`
	PatternVersion string   `json:"pattern_version,omitempty"`
	ValidFrom      string   `json:"valid_from,omitempty"`

	// relationship: written by encodeRelationship, not from an Object; the
	// fields give the tests the type to decode one into
	RelationshipType string `json:"relationship_type,omitempty"`
	SourceRef        string `json:"source_ref,omitempty"`
	TargetRef        string `json:"target_ref,omitempty"`

	Confidence         *int                `json:"confidence,omitempty"`
	ExternalReferences []ExternalReference `json:"external_references,omitempty"`
	ObjectMarkingRefs  []string            `json:"object_marking_refs,omitempty"`
	Extensions         map[string]any      `json:"extensions,omitempty"`
}

// KillChainPhase is a phase of a kill chain (ATT&CK tactics here).
type KillChainPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`
}

// ExternalReference points at non-STIX information.
type ExternalReference struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
}

// refs returns every identifier an object refers to. (Relationships are
// not built as Objects: see encodeRelationship.)
func (o *Object) refs() []string {
	var out []string
	if o.CreatedByRef != "" {
		out = append(out, o.CreatedByRef)
	}
	out = append(out, o.ObjectRefs...)
	return append(out, o.ObjectMarkingRefs...)
}

// typeOf is the type part of an identifier.
func typeOf(id string) string {
	t, _, _ := strings.Cut(id, "--")
	return t
}

// typeRank orders a bundle: markings and identities first, then what the
// reports describe, then the reports, then the relationships.
var typeRank = map[string]int{
	"marking-definition": 0, "identity": 1, "location": 2, "intrusion-set": 3, "campaign": 4,
	"attack-pattern": 5, "malware": 6, "vulnerability": 7, "course-of-action": 8, "indicator": 9,
	"report": 10, "relationship": 11,
}
