// Package export is the contract between a build and its exporters: the
// programs that write the machine-readable files beside the pages (STIX 2.1
// bundles, ATT&CK Navigator layers, briefs.json and CSV, per-term JSON,
// term feeds, the search data, the MISP feed and galaxy, the TAXII 2.1
// API). It names those files and decides which brief and term gets which
// (ForBrief, ForTerm, TermFeeds), so the pages that link an export and the
// exporter that writes it agree by construction.
//
// An exporter accepts a Site (the index of what the build publishes and the
// facts of the build) and writes its files through a Sink; it writes
// nothing else. Each lives in a subpackage with one job (stix, navigator,
// tables, feeds, search, misp, taxii); package exporters lists the ones a
// build runs, and package postprocess runs them, concurrently, through a
// sink that writes every file in its final, minified form. What several
// exporters derive from the whole site they share through the Site
// (Shared: the STIX graph, which the STIX bundles and the TAXII
// collections hold alike), built once per build.
package export

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Site is what an exporter is given: what the build publishes and the facts
// of the build. An exporter only reads it.
type Site struct {
	// Index is the relationship index of the published briefs: a brief
	// above the build's TLP is not in it, so no export can carry it.
	Index    *index.Index
	Vocab    *vocab.Vocab
	BaseURL  string // absolute, with a trailing slash
	Title    string // the site's title
	Language string // the site's language code ("en")

	shared sync.Map // key → *sharedValue (Shared)
}

type sharedValue struct {
	once sync.Once
	v    any
	err  error
}

// Shared returns the value build makes of s under key, made once per Site:
// by the first exporter that asks (one that asks meanwhile waits for it)
// and handed to every later one. It is for what several exporters derive
// from the whole site, where building it twice would cost a build its time
// (the STIX graph: see stix.SiteGraph). build sees the Site as every
// exporter does; the value must not change once build returns, since
// exporters read it concurrently. key is a value of a type unexported by
// the package that builds the value, as for context.Context's keys, so
// that every caller with one key asks for one T.
func Shared[T any](s *Site, key any, build func(*Site) (T, error)) (T, error) {
	sv, _ := s.shared.LoadOrStore(key, &sharedValue{})
	v := sv.(*sharedValue)
	v.once.Do(func() { v.v, v.err = build(s) })
	if v.err != nil {
		var zero T
		return zero, v.err
	}
	return v.v.(T), nil
}

// Exporter writes one kind of export of a whole site.
type Exporter interface {
	// Name names the exporter in errors and benchmarks.
	Name() string
	// Export writes the exporter's files through out. Exporters run
	// concurrently, each writing files no other writes.
	Export(s *Site, out Sink) error
}

// Sink receives the files exporters write, by site path without a leading
// slash, and puts each in its final form: postprocess's minifies a file by
// the media type its name implies, except JSON, which every exporter writes
// compact (encoding/json output, HTML escaping off) and which the sink
// writes as it is, since minifying would only parse it again
// (postprocess.TestCompactOutputIsMinimal holds every exporter to that). A
// sink is safe for concurrent use, and is done with the data it is given
// when Write returns (an exporter may use its buffer again).
type Sink interface {
	Write(path string, data []byte) error
	// Stream writes the file fn produces, for one too big to hold whole.
	Stream(path string, fn func(w io.Writer) error) error
	// Minify returns data, a file of media type mediaType or a part of
	// one, in the form Write gives such a file: minified, or as it is for
	// a type the sink writes as it is (JSON, and types without a
	// minifier). It is for an exporter that assembles many files from the
	// same parts (the term feeds: a brief's RSS item is in the feed of
	// every term it names), which minifies each part once, not once in
	// every file, and writes the files with WriteMinified.
	Minify(mediaType string, data []byte) ([]byte, error)
	// WriteMinified writes data at path as it is: a file made of what
	// Minify returned, which minifying whole would leave unchanged
	// (postprocess.TestCompactOutputIsMinimal holds the feeds to that).
	WriteMinified(path string, data []byte) error
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
	SiteSTIX   = "stix/bundle.json"
	BriefsJSON = "briefs.json"
	BriefsCSV  = "briefs.csv"
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

// HasSTIX reports whether a term's page links a STIX bundle: its kind says
// so (taxonomy.Kind.STIX: actors and campaigns, the kinds an analyst loads
// into a platform by name). The bundle is the term's own (OwnSTIX) or, for
// a term named by one brief, that brief's (TermBundle).
func HasSTIX(t *index.Term) bool { return t.KindDef.STIX }

// OwnSTIX reports whether a term gets a STIX bundle file of its own: it has
// a bundle (HasSTIX), unless exactly one brief names it and it has no
// profile (content/<kind>/<slug>/_index.md). Such a term links that brief's
// bundle instead (SharesBriefSTIX).
func OwnSTIX(t *index.Term) bool { return HasSTIX(t) && !SharesBriefSTIX(t) }

// SharesBriefSTIX reports whether a term's page links its one brief's STIX
// bundle rather than a bundle of its own: one brief names it and it has no
// profile, so every object its own bundle would hold (the term, every
// relationship to or from it and what they refer to) comes from that
// brief, and the brief's bundle holds them all, with the brief's report
// besides (stix.TestSingleBriefTermsShareBundle holds the exporter to
// that). A profile's statements (an actor's origin) are in the term's
// bundle only, so a profiled term keeps its own. Writing both would repeat
// the brief's: in a library where each brief has a campaign of its own,
// 10,000 such bundles came to 158 MB.
func SharesBriefSTIX(t *index.Term) bool {
	return HasSTIX(t) && len(t.Entries) == 1 && t.Profile == nil
}

// TermBundle is the path of the STIX bundle a term's page links (HasSTIX):
// its own (TermSTIX) or its one brief's (BriefSTIX).
func TermBundle(t *index.Term) string {
	if SharesBriefSTIX(t) {
		return BriefSTIX(t.Entries[0])
	}
	return TermSTIX(t)
}

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

// SharedSTIXLabel is the export label of a term that links its one brief's
// STIX bundle (SharesBriefSTIX).
const SharedSTIXLabel = "STIX 2.1 bundle of its brief"

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
		label := "STIX 2.1 bundle"
		if SharesBriefSTIX(t) {
			// The link leads to a brief's bundle: say so, or a reader
			// expects a file about this term alone.
			label = SharedSTIXLabel
		}
		out = append(out, File{Label: label, Path: TermBundle(t), Type: STIXType})
	}
	return append(out, File{Label: "JSON", Path: TermJSON(t), Type: JSONType})
}

// Feeds: Hugo renders the site's (the rss and jsonfeed output formats
// config.toml defines, on the home page); package export/feeds writes every
// term's.
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

// JSON is v as encoding/json's compact output, without the trailing newline
// and with HTML escaping off: the exports are JSON files read by programs,
// so & < > stay as they are.
func JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
