// Package exporters lists the exporters a build runs: every export the
// site, the offline edition and the preview write beside their pages.
//
// It accepts nothing and writes nothing; package postprocess runs what All
// returns. Adding an export is a new package under export/ with an
// export.Exporter, and one entry here.
package exporters

import (
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/feeds"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/navigator"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/search"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/tables"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/taxii"
)

// All returns every exporter, each once. They write disjoint files and may
// run in any order.
func All() []export.Exporter {
	return []export.Exporter{
		tables.Briefs{},      // briefs.json, briefs.csv
		feeds.Exporter{},     // each term's index.xml and feed.json
		search.Exporter{},    // search/: the index in pieces
		stix.Exporter{},      // STIX 2.1 bundles: the site's, each brief's, each term's that has one (export.HasSTIX)
		navigator.Exporter{}, // ATT&CK Navigator layers (export.HasLayer)
		tables.Terms{},       // each term's index.json
		misp.Exporter{},      // the MISP feed and galaxy (misp/)
		taxii.Exporter{},     // the TAXII 2.1 API (taxii2/), from the STIX graph the stix exporter builds (stix.SiteGraph)
	}
}
