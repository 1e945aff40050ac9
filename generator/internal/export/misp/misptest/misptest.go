// Package misptest checks MISP feed and galaxy files the way the tools that
// read them do: against MISP's and misp-galaxy's JSON schemas (in
// ../shared/schemas/misp/, see sitetest.SharedSchemas), and through the
// mapping OpenCTI's misp-feed connector applies to an event's galaxies.
package misptest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// Schemas are MISP's event schemas (strict and lax, as PyMISP ships them)
// and misp-galaxy's schemas of a galaxy and of its clusters.
type Schemas struct {
	Strict, Lax, Galaxy, Clusters *jsonschema.Schema
}

// Load compiles the schemas in ../shared/schemas/misp/. Without them the
// test skips, except under CI=true, where it fails.
//
// PyMISP's strict schema.json is itself invalid against draft-04: under
// defs/sharing_group, "properties" holds a "required" list (meant as the
// object's own, which follows it). The compiler rejects the schema for
// it, so that one entry is dropped before compiling; no event of the feed
// has a SharingGroup.
func Load(t testing.TB) *Schemas {
	t.Helper()
	dir := sitetest.SharedSchemas(t, "misp")
	c := jsonschema.NewCompiler()
	compile := func(name string, fix func(doc map[string]any)) *jsonschema.Schema {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m, _ := doc.(map[string]any)
		if fix != nil {
			fix(m)
		}
		url := "file://" + filepath.ToSlash(filepath.Join(dir, name))
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sch, err := c.Compile(url)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return sch
	}
	return &Schemas{
		Strict: compile("event-schema.json", func(doc map[string]any) {
			defs, _ := doc["defs"].(map[string]any)
			sg, _ := defs["sharing_group"].(map[string]any)
			props, _ := sg["properties"].(map[string]any)
			if _, ok := props["required"].([]any); !ok {
				t.Fatal("event-schema.json: defs/sharing_group/properties/required is no longer the list this test drops; look again")
			}
			delete(props, "required")
		}),
		Lax:      compile("event-schema-lax.json", nil),
		Galaxy:   compile("galaxy-schema.json", nil),
		Clusters: compile("galaxy-clusters-schema.json", nil),
	}
}

// ReportKeys are the properties of MISP's EventReport model (MISP
// app/Model/EventReport.php), which an event's EventReport may carry.
var ReportKeys = []string{"id", "uuid", "event_id", "name", "content", "distribution", "sharing_group_id", "timestamp", "deleted"}

// Event validates an event file: against the lax schema in full, and
// against the strict one but for the two things it predates, which are
// checked here instead: Event.EventReport (MISP 2.4.137; each report an
// object of ReportKeys with uuid, name, content and timestamp) and each
// Galaxy's namespace (a string, which OpenCTI's connector requires).
func (s *Schemas) Event(data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if err := s.Lax.Validate(doc); err != nil {
		return fmt.Errorf("lax schema: %w", err)
	}
	ev, _ := doc.(map[string]any)["Event"].(map[string]any)
	if ev == nil {
		return fmt.Errorf("no Event")
	}
	if reports, ok := ev["EventReport"]; ok {
		list, ok := reports.([]any)
		if !ok {
			return fmt.Errorf("EventReport is not a list")
		}
		for i, r := range list {
			m, ok := r.(map[string]any)
			if !ok {
				return fmt.Errorf("EventReport[%d] is not an object", i)
			}
			for k := range m {
				if !slices.Contains(ReportKeys, k) {
					return fmt.Errorf("EventReport[%d] has %q, which MISP's EventReport does not", i, k)
				}
			}
			for _, k := range []string{"uuid", "name", "content", "timestamp"} {
				if v, ok := m[k].(string); !ok || v == "" {
					return fmt.Errorf("EventReport[%d] has no %s", i, k)
				}
			}
		}
		delete(ev, "EventReport")
	}
	if galaxies, ok := ev["Galaxy"].([]any); ok {
		for i, g := range galaxies {
			m, _ := g.(map[string]any)
			if ns, ok := m["namespace"].(string); !ok || ns == "" {
				return fmt.Errorf("Galaxy[%d] has no namespace", i)
			}
			delete(m, "namespace")
		}
	}
	if err := s.Strict.Validate(doc); err != nil {
		return fmt.Errorf("strict schema: %w", err)
	}
	return nil
}

// Validate validates a document against one schema.
func Validate(sch *jsonschema.Schema, data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

// Entity is what OpenCTI's misp-feed connector makes of a galaxy cluster.
type Entity struct {
	Type    string // intrusion-set, attack-pattern, sector, country
	Name    string
	Aliases []string // intrusion sets
	MitreID string   // attack patterns: x_mitre_id
	Country string   // countries: ISO code
}

// OpenCTIEntities is the mapping of OpenCTI's misp-feed connector
// (external-import/misp-feed/src/misp-feed.py, MispFeed._prepare_elements)
// applied to an event's Galaxy list, for the galaxies this feed uses: a
// galaxy without a namespace is skipped; "misp"/"Threat Actor" clusters
// become intrusion sets named by their value (" - G…" cut off) with
// meta.synonyms as aliases; "mitre-attack"/"Attack Pattern" clusters become
// attack patterns named by their value (" - T…" cut off) with the first
// meta.external_id; "misp"/"Sector" clusters become sectors; "misp"/"Country"
// clusters become countries named by their description, with meta.ISO.
// The connector reads description (and, for attack patterns and
// countries, meta) without checking they exist: a cluster without them
// is an error here, as it fails the connector there.
func OpenCTIEntities(galaxies []map[string]any) ([]Entity, error) {
	var out []Entity
	for _, g := range galaxies {
		ns, ok := g["namespace"].(string)
		if !ok {
			continue
		}
		name, _ := g["name"].(string)
		clusters, _ := g["GalaxyCluster"].([]any)
		for _, c := range clusters {
			cl, _ := c.(map[string]any)
			value, _ := cl["value"].(string)
			desc, hasDesc := cl["description"].(string)
			meta, hasMeta := cl["meta"].(map[string]any)
			if !hasDesc {
				return nil, fmt.Errorf("cluster %q has no description", value)
			}
			switch {
			case ns == "misp" && name == "Threat Actor":
				n, _, _ := strings.Cut(value, " - G")
				e := Entity{Type: "intrusion-set", Name: n, Aliases: []string{n}}
				if syn, ok := meta["synonyms"].([]any); ok {
					e.Aliases = nil
					for _, s := range syn {
						e.Aliases = append(e.Aliases, fmt.Sprint(s))
					}
				}
				out = append(out, e)
			case ns == "mitre-attack" && name == "Attack Pattern":
				if !hasMeta {
					return nil, fmt.Errorf("attack pattern %q has no meta", value)
				}
				n, _, _ := strings.Cut(value, " - T")
				e := Entity{Type: "attack-pattern", Name: n}
				if ids, ok := meta["external_id"].([]any); ok && len(ids) > 0 {
					e.MitreID = fmt.Sprint(ids[0])
				}
				out = append(out, e)
			case ns == "misp" && name == "Sector":
				out = append(out, Entity{Type: "sector", Name: value})
			case ns == "misp" && name == "Country":
				iso, ok := meta["ISO"].(string)
				if !ok {
					return nil, fmt.Errorf("country %q has no meta.ISO", value)
				}
				out = append(out, Entity{Type: "country", Name: desc, Country: iso})
			}
		}
	}
	return out, nil
}

// Galaxies returns the Galaxy list of an event file.
func Galaxies(data []byte) ([]map[string]any, error) {
	var f struct {
		Event struct {
			Galaxy []map[string]any
		}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	return f.Event.Galaxy, nil
}
