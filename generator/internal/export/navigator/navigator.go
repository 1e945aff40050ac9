// Package navigator writes MITRE ATT&CK Navigator layers (layer format 4.5)
// for terms: the techniques named in the briefs about an actor, a campaign
// or a sector, each scored with the number of those briefs that name it.
//
// Exporter accepts an export.Site (it reads the index, the vocabularies, for
// the ATT&CK version and to check every technique ID, and the base URL) and
// writes <kind>/<slug>/navigator.json, compact JSON, for every term that gets
// a layer (export.HasLayer); Build makes one term's. The layer's domain is
// enterprise-attack; techniques carry no tactic, so Navigator shows them
// under every tactic they belong to; each technique's colour is its score's
// place on the layer's gradient, and the legend names every score used.
package navigator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// The versions a layer declares: format 4.5 is read by Navigator 4.9.0 and
// later; 5.0.0 is the first release with ATT&CK v15.
const (
	LayerVersion     = "4.5"
	NavigatorVersion = "5.0.0"
	Domain           = "enterprise-attack"
)

// LinksPerTechnique is how many briefs a technique links: the newest that
// name it. A layer is for looking at in Navigator, where a technique's links
// are a context menu; listing every brief made a sector's layer half a
// megabyte on a library of 10,000 briefs, and the term's page (linked from
// the layer) lists them all. The score and comment still count every brief.
const LinksPerTechnique = 5

// The gradient's end colours: a technique named in one brief of many is
// pale, one named in all of them is strong.
const (
	lowColor  = "#fff3b0"
	highColor = "#d7301f"
)

// Layer is a Navigator layer, in the order the format document lists its
// properties.
type Layer struct {
	Name                          string       `json:"name"`
	Versions                      Versions     `json:"versions"`
	Domain                        string       `json:"domain"`
	Description                   string       `json:"description"`
	Sorting                       int          `json:"sorting"`
	Layout                        Layout       `json:"layout"`
	HideDisabled                  bool         `json:"hideDisabled"`
	Techniques                    []Technique  `json:"techniques"`
	Gradient                      Gradient     `json:"gradient"`
	LegendItems                   []LegendItem `json:"legendItems"`
	ShowTacticRowBackground       bool         `json:"showTacticRowBackground"`
	TacticRowBackground           string       `json:"tacticRowBackground"`
	SelectTechniquesAcrossTactics bool         `json:"selectTechniquesAcrossTactics"`
	SelectSubtechniquesWithParent bool         `json:"selectSubtechniquesWithParent"`
	SelectVisibleTechniques       bool         `json:"selectVisibleTechniques"`
	Metadata                      []Metadata   `json:"metadata"`
	Links                         []Link       `json:"links"`
}

// Versions names the ATT&CK, Navigator and layer format versions.
type Versions struct {
	Attack    string `json:"attack"`
	Navigator string `json:"navigator"`
	Layer     string `json:"layer"`
}

// Layout is how Navigator draws the matrix.
type Layout struct {
	Layout                string `json:"layout"`
	ShowID                bool   `json:"showID"`
	ShowName              bool   `json:"showName"`
	ShowAggregateScores   bool   `json:"showAggregateScores"`
	CountUnscored         bool   `json:"countUnscored"`
	AggregateFunction     string `json:"aggregateFunction"`
	ExpandedSubtechniques string `json:"expandedSubtechniques"`
}

// Technique is one scored technique or sub-technique.
type Technique struct {
	TechniqueID string     `json:"techniqueID"`
	Score       int        `json:"score"`
	Color       string     `json:"color"`
	Comment     string     `json:"comment"`
	Enabled     bool       `json:"enabled"`
	Metadata    []Metadata `json:"metadata,omitempty"`
	Links       []Link     `json:"links,omitempty"`
}

// Gradient maps scores to colours.
type Gradient struct {
	Colors   []string `json:"colors"`
	MinValue int      `json:"minValue"`
	MaxValue int      `json:"maxValue"`
}

// LegendItem is one entry of the legend.
type LegendItem struct {
	Label string `json:"label"`
	Color string `json:"color"`
}

// Metadata is a name and a value.
type Metadata struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Link is a labelled URL.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Build returns the layer of a term: the techniques named by the briefs
// that name it. It fails if a technique is not in the ATT&CK table.
func Build(t *index.Term, v *vocab.Vocab, baseURL string) (*Layer, error) {
	base := strings.TrimRight(baseURL, "/")
	type seen struct {
		n      int
		briefs []*index.Entry
	}
	byID := map[string]*seen{}
	for _, e := range t.Entries {
		// The techniques are the terms of the kind that resolves to ATT&CK
		// techniques, whatever the site's table calls it.
		for _, ts := range e.Terms {
			for _, tt := range ts {
				if tt.KindDef == nil || tt.KindDef.Resolution != taxonomy.ByTechnique {
					break // a brief's terms of one kind share one KindDef
				}
				s := byID[tt.ID]
				if s == nil {
					s = &seen{}
					byID[tt.ID] = s
				}
				s.n++
				if len(s.briefs) < LinksPerTechnique { // t.Entries is newest first
					s.briefs = append(s.briefs, e)
				}
			}
		}
	}
	ids := make([]string, 0, len(byID))
	maxN := 1
	for id, s := range byID {
		if _, ok := v.Technique(id); !ok {
			return nil, fmt.Errorf("navigator: %s: %s is not an ATT&CK v%s technique", t.URL, id, v.AttackVersion)
		}
		ids = append(ids, id)
		maxN = max(maxN, s.n)
	}
	slices.Sort(ids)

	n := len(t.Entries)
	l := &Layer{
		Name:     fmt.Sprintf("%s (%s)", t.Name, t.KindDef.Singular),
		Versions: Versions{Attack: major(v.AttackVersion), Navigator: NavigatorVersion, Layer: LayerVersion},
		Domain:   Domain,
		Description: fmt.Sprintf("ATT&CK techniques named in the %d brief%s about %s; a technique's score is the number of those briefs that name it, and it links up to the %d newest of them.",
			n, plural(n), t.Name, LinksPerTechnique),
		Sorting:                       3, // descending by score
		Layout:                        Layout{Layout: "side", ShowID: true, ShowName: true, AggregateFunction: "average", ExpandedSubtechniques: "annotated"},
		Gradient:                      Gradient{Colors: []string{lowColor, highColor}, MinValue: 0, MaxValue: maxN},
		TacticRowBackground:           "#dddddd",
		SelectTechniquesAcrossTactics: true,
		Metadata: []Metadata{
			{Name: "Briefs", Value: strconv.Itoa(n)},
			{Name: "ATT&CK", Value: "Enterprise v" + v.AttackVersion},
		},
		Links:       []Link{{Label: t.Name + " briefs", URL: base + t.URL}},
		Techniques:  []Technique{},
		LegendItems: []LegendItem{},
	}
	scores := map[int]bool{}
	for _, id := range ids {
		s := byID[id]
		tech, _ := v.Technique(id)
		te := Technique{
			TechniqueID: id, Score: s.n, Color: color(s.n, maxN), Enabled: true,
			Comment: fmt.Sprintf("%s: named in %d of %d brief%s about %s.", v.TechniqueName(tech), s.n, n, plural(n), t.Name),
		}
		for _, e := range s.briefs {
			te.Links = append(te.Links, Link{Label: e.Brief.Title, URL: base + e.URL})
		}
		l.Techniques = append(l.Techniques, te)
		scores[s.n] = true
	}
	for score := maxN; score >= 1; score-- {
		if scores[score] {
			l.LegendItems = append(l.LegendItems, LegendItem{Label: fmt.Sprintf("Named in %d brief%s", score, plural(score)), Color: color(score, maxN)})
		}
	}
	return l, nil
}

// JSON encodes a layer.
func (l *Layer) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		return nil, fmt.Errorf("navigator: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// color is the gradient's colour at score, from 0 to maxScore, as Navigator
// computes it: a linear blend of the two end colours.
func color(score, maxScore int) string {
	lo, hi := rgb(lowColor), rgb(highColor)
	var out [3]int
	for i := range out {
		out[i] = lo[i] + (hi[i]-lo[i])*score/maxScore
	}
	return fmt.Sprintf("#%02x%02x%02x", out[0], out[1], out[2])
}

func rgb(hex string) [3]int {
	var c [3]int
	for i := range c {
		n, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c[i] = int(n)
	}
	return c
}

// major is the ATT&CK major version Navigator expects ("15" of "15.1").
func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Exporter writes the layer of every term that has one (export.HasLayer).
type Exporter struct{}

// Name is "navigator".
func (Exporter) Name() string { return "navigator" }

// Export writes the layers of s through out (one buffer serves every
// layer: a sink is done with the data when Write returns).
func (Exporter) Export(s *export.Site, out export.Sink) error {
	ix, v, baseURL := s.Index, s.Vocab, s.BaseURL
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, k := range ix.Kinds {
		for _, t := range ix.Terms[k.Name] {
			if !export.HasLayer(t) {
				continue
			}
			l, err := Build(t, v, baseURL)
			if err != nil {
				return err
			}
			buf.Reset()
			if err := enc.Encode(l); err != nil {
				return fmt.Errorf("navigator: %s: %w", t.URL, err)
			}
			if err := out.Write(export.TermLayer(t), bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
				return err
			}
		}
	}
	return nil
}
