// Package export names the machine-readable files a build writes beside
// the pages (STIX 2.1 bundles, ATT&CK Navigator layers, per-term JSON) and
// decides which brief and term gets which, so the pages that link an export
// and the post-process jobs that write it agree by construction.
//
// It accepts index entries and terms; it writes nothing itself. The
// subpackages stix, navigator and tables produce the files' contents.
package export

import (
	"io"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// Sink receives the files the exports write, by site path without a
// leading slash. Everything an export hands it is compact by construction
// (encoding/json output, HTML escaping off), so a sink writes it as it is:
// minifying would only parse it again. A sink is safe for concurrent use,
// and is done with the data it is given when Write returns (an export may
// use its buffer again).
type Sink interface {
	Write(rel string, data []byte) error
	// Stream writes the file fn produces, for one too big to hold whole.
	Stream(rel string, fn func(w io.Writer) error) error
}

// File is one export of a page: what a link to it says and where it is.
type File struct {
	Label string `json:"label"`
	Path  string `json:"url"`  // site path without a leading slash ("actors/alphv/stix.json"); index.json makes it absolute
	Type  string `json:"type"` // media type
}

// Media types of the exports.
const (
	STIXType      = "application/stix+json;version=2.1"
	NavigatorType = "application/json"
	JSONType      = "application/json"
	CSVType       = "text/csv"
)

// Site-wide exports.
const (
	SiteSTIX  = "stix/bundle.json"
	BriefsCSV = "briefs.csv"
)

// BriefSTIX is the path of a brief's STIX bundle.
func BriefSTIX(e *index.Entry) string { return "briefs/" + e.Brief.Slug + "/stix.json" }

// TermDir is a term's directory, without a leading slash: "actors/alphv/".
func TermDir(t *index.Term) string { return t.Kind + "/" + t.Slug + "/" }

// TermSTIX is the path of a term's STIX bundle.
func TermSTIX(t *index.Term) string { return TermDir(t) + "stix.json" }

// TermLayer is the path of a term's ATT&CK Navigator layer.
func TermLayer(t *index.Term) string { return TermDir(t) + "navigator.json" }

// TermJSON is the path of a term's JSON summary.
func TermJSON(t *index.Term) string { return TermDir(t) + "index.json" }

// HasSTIX reports whether a term gets a STIX bundle of its own: its kind
// says so (taxonomy.Kind.STIX: actors and campaigns, the kinds an analyst
// loads into a platform by name).
func HasSTIX(t *index.Term) bool { return t.KindDef.STIX }

// HasLayer reports whether a term gets a Navigator layer: its kind says so
// (taxonomy.Kind.Layer: actors, campaigns and sectors) and it is named
// together with at least one ATT&CK technique.
func HasLayer(t *index.Term) bool {
	if !t.KindDef.Layer {
		return false
	}
	for _, cs := range t.Cooc {
		if len(cs) > 0 && cs[0].Term.KindDef.Resolution == taxonomy.ByTechnique {
			return true
		}
	}
	return false
}

// ForBrief lists a brief page's exports.
func ForBrief(e *index.Entry) []File {
	return []File{{Label: "STIX 2.1 bundle", Path: BriefSTIX(e), Type: STIXType}}
}

// ForTerm lists a term page's exports (its feeds are Hugo output formats
// and are linked by the templates).
func ForTerm(t *index.Term) []File {
	var out []File
	if HasLayer(t) {
		out = append(out, File{Label: "Open in ATT&CK Navigator", Path: TermLayer(t), Type: NavigatorType})
	}
	if HasSTIX(t) {
		out = append(out, File{Label: "STIX 2.1 bundle", Path: TermSTIX(t), Type: STIXType})
	}
	return append(out, File{Label: "JSON", Path: TermJSON(t), Type: JSONType})
}

// Feeds: Hugo renders the site's (the rss and jsonfeed output formats
// config.toml defines, on the home page); package feeds writes every term's.
const (
	RSSType      = "application/rss+xml"
	JSONFeedType = "application/feed+json"
	SiteRSS      = "index.xml"
	SiteJSONFeed = "feed.json"
)

// TermRSS and TermJSONFeed are a term's feeds.
func TermRSS(t *index.Term) string      { return TermDir(t) + SiteRSS }
func TermJSONFeed(t *index.Term) string { return TermDir(t) + SiteJSONFeed }

// TermFeeds lists a term page's feeds.
func TermFeeds(t *index.Term) []File {
	return []File{
		{Label: "RSS", Path: TermRSS(t), Type: RSSType},
		{Label: "JSON Feed", Path: TermJSONFeed(t), Type: JSONFeedType},
	}
}
