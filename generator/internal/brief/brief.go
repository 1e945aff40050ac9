// Package brief defines what a brief and a term profile are: the Go types the
// rest of the generator works with, and the table of front-matter fields that
// validation, the `new` scaffold and the JSON Schema are all derived from.
//
// A brief is one Markdown file under content/briefs/ whose YAML front matter
// has the keys of Fields (title, date, summary and tlp required). A profile is
// content/<kind>/<slug>/_index.md and has the keys of ProfileFields. Anything
// else is rejected by validation with the nearest valid key suggested.
package brief

import (
	"strings"
	"time"
)

// TLP is a Traffic Light Protocol 2.0 label.
type TLP string

// The TLP 2.0 labels, from least to most restricted.
const (
	TLPClear       TLP = "clear"
	TLPGreen       TLP = "green"
	TLPAmber       TLP = "amber"
	TLPAmberStrict TLP = "amber+strict"
	TLPRed         TLP = "red"
)

// TLPLevels lists the labels in order of restriction.
func TLPLevels() []TLP {
	return []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed}
}

// Rank is the position of t in TLPLevels, or -1 for an unknown label.
func (t TLP) Rank() int {
	for i, l := range TLPLevels() {
		if l == t {
			return i
		}
	}
	return -1
}

// ParseTLP accepts a label with or without the "TLP:" prefix, in any case.
func ParseTLP(s string) (TLP, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "tlp:")
	s = strings.TrimSpace(s)
	if s == "white" { // TLP 1.0 name of clear
		s = "clear"
	}
	t := TLP(s)
	return t, t.Rank() >= 0
}

// Confidence is how sure the claimant is of an attribution.
type Confidence string

// The confidence levels an attribution claim may carry.
const (
	ConfidenceLow      Confidence = "low"
	ConfidenceModerate Confidence = "moderate"
	ConfidenceHigh     Confidence = "high"
)

// Score maps a confidence level onto STIX's 0-100 scale (the "Admiralty"
// mapping of STIX 2.1 Appendix A: low 15, moderate 50, high 85).
func (c Confidence) Score() int {
	switch c {
	case ConfidenceLow:
		return 15
	case ConfidenceModerate:
		return 50
	case ConfidenceHigh:
		return 85
	}
	return 0
}

// Source is a publication the brief draws on.
type Source struct {
	Name  string // the publisher: CISA, CyberScoop, Mandiant
	Title string // the document, when it helps to name it
	URL   string
}

// Claim is one attribution: who says which actor did it, and how sure they are.
type Claim struct {
	Actor      string
	By         string
	Confidence Confidence
}

// Campaign is a named operation with the months it was seen (YYYY-MM).
type Campaign struct {
	Name      string
	FirstSeen string
	LastSeen  string
}

// IOC is an indicator of compromise, stored refanged (machine-usable).
type IOC struct {
	Type  string
	Value string
	Note  string
}

// IOCTypes are the indicator types a brief may carry.
func IOCTypes() []string {
	return []string{"ipv4", "ipv6", "domain", "url", "md5", "sha1", "sha256", "email", "filename"}
}

// Brief is one validated brief. Term lists hold the names as written; the
// index resolves them to canonical terms.
type Brief struct {
	File    string // slash path relative to the project root
	Slug    string
	Title   string
	Date    time.Time
	Updated time.Time // zero when not given
	Summary string
	TLP     TLP

	Sources     []Source
	Attribution []Claim
	Campaigns   []Campaign
	// Lists holds the term lists, by front-matter key ("sectors",
	// "techniques"...): the fields the taxonomies add (see Fields), each a
	// list of names as written.
	Lists map[string][]string
	// Distinct lists actor and malware names the brief gives that are not
	// the known ones they are spelled almost like (see package resolve).
	Distinct []string
	IOCs     []IOC

	Body     string
	BodyLine int

	// Pos says on which line of File a field path ("sectors",
	// "sectors[2]", "sources[0].url") is.
	Pos Positions
}

// Positions maps a front-matter field path to its line, falling back to
// its parent field and then to the front matter's first line.
type Positions interface {
	Line(path string) int
}

// Line returns the line of a field path (1 when positions are unknown).
func (b *Brief) Line(path string) int { return lineOf(b.Pos, path) }

// Synonym is another name for a term and who coined or uses it.
type Synonym struct {
	Name string
	By   string
}

// Profile is the optional page an author writes for a term.
type Profile struct {
	File        string
	Kind        string // taxonomy name, e.g. "actors"
	Slug        string // directory name under content/<kind>/
	Title       string
	Summary     string
	Synonyms    []Synonym
	Origin      string
	Motivation  string
	FirstSeen   string
	ExternalIDs []ExternalID
	Body        string
	Pos         Positions
}

// ExternalID is an identifier of the term in another catalogue (MITRE, ...).
type ExternalID struct {
	Source string
	ID     string
}

// Line returns the line of a field path of the profile.
func (p *Profile) Line(path string) int { return lineOf(p.Pos, path) }

func lineOf(p Positions, path string) int {
	if p == nil {
		return 1
	}
	return p.Line(path)
}
