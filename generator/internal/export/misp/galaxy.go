package misp

import (
	"strconv"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// The site's galaxy of actors, in misp-galaxy's repository format: the
// galaxy and its clusters, in files of one name under galaxies/ and
// clusters/, which is how MISP's "Update Galaxies" reads them from
// app/files/misp-galaxy/ (the cluster file is matched to its galaxy by
// type). It is not named threat-actor: copied beside misp-galaxy's own, a
// file of that name would replace MISP's threat-actor galaxy, and a type of
// threat-actor would merge the site's actors into it.
const (
	GalaxyType     = "threat-briefs-actor"
	GalaxyFile     = Dir + "galaxy/galaxies/" + GalaxyType + ".json"
	ClustersFile   = Dir + "galaxy/clusters/" + GalaxyType + ".json"
	galaxyCategory = "actor"
)

// GalaxyUUID is the galaxy's UUID, and its cluster file's (as in
// misp-galaxy, where the two are equal).
var GalaxyUUID = stix.UUID("x-misp-galaxy", GalaxyType)

// galaxyFile is a galaxy definition (misp-galaxy's galaxies/*.json).
type galaxyFile struct {
	Description string `json:"description"`
	Icon        string `json:"icon"`
	Name        string `json:"name"`
	Namespace   string `json:"namespace"`
	Type        string `json:"type"`
	UUID        string `json:"uuid"`
	Version     int    `json:"version"`
}

// clusterFile is a galaxy's clusters (misp-galaxy's clusters/*.json).
type clusterFile struct {
	Authors     []string       `json:"authors"`
	Category    string         `json:"category"`
	Description string         `json:"description"`
	Name        string         `json:"name"`
	Source      string         `json:"source"`
	Type        string         `json:"type"`
	UUID        string         `json:"uuid"`
	Values      []clusterValue `json:"values"`
	Version     int            `json:"version"`
}

type clusterValue struct {
	Description string         `json:"description"`
	Meta        map[string]any `json:"meta"`
	UUID        string         `json:"uuid"`
	Value       string         `json:"value"`
}

// writeGalaxy writes the galaxy of every actor a published brief names.
// Each cluster has, besides what an event's threat-actor cluster has (its
// synonyms, suspected origin as country, refs to its page and its ATT&CK
// group), in misp-galaxy's threat-actor keys:
//
//   - synonyms-coined-by: "Name: Vendor" for each synonym whose coiner the
//     profile gives (ATT&CK's aliases as "ATT&CK");
//   - attribution-confidence: the highest confidence (on STIX's 0-100
//     scale, brief.Confidence.Score) of the claims that attribute activity
//     to it;
//   - cfr-suspected-victims and cfr-target-category: the countries and
//     sectors named with it, most often first;
//   - motive: its profile's motivation; external_id: its ATT&CK group ID.
//
// The clusters' version is the newest Timestamp of a published brief as
// YYYYMMDD: MISP updates clusters whose version grew, so they move as the
// events do.
func (s *site) writeGalaxy(ix *index.Index, out export.Sink) error {
	name := s.title + " actors"
	desc := "Threat actors named in the briefs published at " + s.base + "/."
	version := 1
	for _, e := range ix.Entries {
		if v, _ := strconv.Atoi(Timestamp(e.Brief).Format("20060102")); v > version {
			version = v
		}
	}
	g := galaxyFile{Description: desc, Icon: "user-secret", Name: name, Namespace: "threat-briefs", Type: GalaxyType, UUID: GalaxyUUID, Version: 1}
	c := clusterFile{
		Authors: []string{s.orgc.Name}, Category: galaxyCategory, Description: desc, Name: name,
		Source: s.base + "/", Type: GalaxyType, UUID: GalaxyUUID, Values: []clusterValue{}, Version: version,
	}
	for _, t := range ix.Terms["actors"] {
		cl := s.actorCluster(GalaxyType, t)
		meta := cl.Meta
		var coined []string
		for _, a := range t.Aliases() {
			if a.By != "" {
				coined = append(coined, a.Name+": "+a.By)
			}
		}
		if len(coined) > 0 {
			meta["synonyms-coined-by"] = coined
		}
		best := 0
		for _, claim := range t.Claims {
			best = max(best, claim.Confidence.Score())
		}
		if best > 0 {
			meta["attribution-confidence"] = strconv.Itoa(best)
		}
		if victims := coocNames(t, "countries", func(ct *index.Term) string {
			if n, ok := s.v.Country(ct.ID); ok {
				return n
			}
			return ct.Name
		}); len(victims) > 0 {
			meta["cfr-suspected-victims"] = victims
		}
		if sectors := coocNames(t, "sectors", func(st *index.Term) string { return st.Name }); len(sectors) > 0 {
			meta["cfr-target-category"] = sectors
		}
		if t.Profile != nil && t.Profile.Motivation != "" {
			meta["motive"] = t.Profile.Motivation
		}
		if t.Attack != nil {
			meta["external_id"] = []string{t.Attack.ID}
		}
		c.Values = append(c.Values, clusterValue{Description: cl.Description, Meta: meta, UUID: cl.UUID, Value: cl.Value})
	}
	for path, v := range map[string]any{GalaxyFile: g, ClustersFile: c} {
		data, err := export.JSON(v)
		if err != nil {
			return err
		}
		if err := out.Write(path, data); err != nil {
			return err
		}
	}
	return nil
}

// coocNames names the terms of a kind named with t, most often first.
func coocNames(t *index.Term, kind string, name func(*index.Term) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range t.Cooc[kind] {
		if n := name(c.Term); !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
