package stage

import (
	"html/template"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
)

// The pages' front matter and the build data: what templates can use. The
// package doc lists every key; TestLayoutsUseOnlyStagedKeys checks that
// layouts/ asks for no other.
//
// Top-level keys are the JSON tags (Hugo lower-cases them and looks them
// up case-insensitively). The values inside lists keep their Go field
// names, untagged: Hugo leaves a map inside a list as it was written, and a
// partial under layouts/_partials/items/ reads .URL whether Hugo runs it
// over a page's front matter or the generator runs it over a row.

// BriefPage is a brief's page, briefs/<year>/<slug>.md, rendered by
// layouts/briefs/page.html; lists of briefs (layouts/_partials/brief-item.html)
// and the site feeds read it too.
type BriefPage struct {
	Title       string    `json:"title"`
	Date        string    `json:"date"`              // YYYY-MM-DD
	Lastmod     string    `json:"lastmod,omitempty"` // YYYY-MM-DD, when the brief was updated
	Summary     string    `json:"summary"`
	Description string    `json:"description"` // the summary, for <meta name=description>
	TLP         brief.TLP `json:"tlp"`
	SourceFile  string    `json:"source_file"` // the author's file, relative to the project
	Exports     []Export  `json:"exports"`
	// Terms are the brief's terms of every kind shown as chips, in the
	// order of the kinds.
	Terms []TermGroup `json:"terms"`
	// Card is the chips of the brief's card in lists.
	Card []Link `json:"card"`
	// The pre-rendered lists (see Items): attribution claims, the campaign
	// timeline, the sources, the indicators (table rows) and the related
	// briefs. Absent when empty.
	Claims        template.HTML `json:"claims,omitempty"`
	CampaignsSeen template.HTML `json:"campaigns_seen,omitempty"`
	SourcesCited  template.HTML `json:"sources_cited,omitempty"`
	IOCs          template.HTML `json:"iocs,omitempty"`
	Related       template.HTML `json:"related,omitempty"`
	// The brief's indicator domains and e-mail addresses, which the link
	// render hook never makes live (layouts/_markup/render-link.html).
	IndicatorDomains []string `json:"indicator_domains,omitempty"`
	IndicatorEmails  []string `json:"indicator_emails,omitempty"`
	// Feed is the brief's item data in the site's RSS feed
	// (layouts/_partials/rss-item.xml), given only to the briefs that may
	// be among the feed's newest (feeds.InSiteFeed): Hugo decodes the front
	// matter of every page it is given, and 10,000 briefs' categories cost
	// the staged content megabytes.
	Feed *FeedItem `json:"feed,omitempty"`
	// Matrix is the ATT&CK matrix of its techniques, when it names some.
	Matrix *Matrix `json:"matrix,omitempty"`
}

// TermPage is a term's page, <kind>/<slug>.md, rendered by
// layouts/term/page.html.
type TermPage struct {
	Title       string   `json:"title"`
	Type        string   `json:"type"`    // "term"
	Outputs     []string `json:"outputs"` // ["html"]: package feeds writes the term's feeds
	Kind        string   `json:"kind"`    // the kind's name, its URL section ("actors")
	KindTitle   string   `json:"kind_title"`
	Singular    string   `json:"singular"`
	TermID      string   `json:"term_id"` // its catalogue ID (T1190, US, CVE-...), or ""
	Count       int      `json:"count"`   // briefs naming it
	Date        string   `json:"date,omitempty"`
	Summary     string   `json:"summary"` // the profile's, or "Actor named in 3 briefs."
	Description string   `json:"description"`
	Feeds       Feeds    `json:"feeds"`
	Exports     []Export `json:"exports"`
	// Timeline is the briefs naming the term, newest first, by year.
	Timeline []YearRows `json:"timeline"`

	// Its other names: its profile's synonyms, with who coined each, then
	// ATT&CK's aliases (By "ATT&CK").
	Synonyms []Synonym `json:"synonyms,omitempty"`
	// From the term's profile, when it has one.
	Origin      *Origin      `json:"origin,omitempty"`
	Motivation  string       `json:"motivation,omitempty"`
	ActiveSince string       `json:"active_since,omitempty"` // its first_seen, as shown: "Aug 2024", "2019"
	ExternalIDs []ExternalID `json:"external_ids,omitempty"`

	// What the term's vocabulary says, where it says it.
	Tactics    []string `json:"tactics,omitempty"`     // names of a technique's ATT&CK tactics
	AttackID   string   `json:"attack_id,omitempty"`   // the ATT&CK group or software an actor or malware term is (G0034, S0368)
	AttackURL  string   `json:"attack_url,omitempty"`  // its page on attack.mitre.org
	CVEURL     string   `json:"cve_url,omitempty"`     // its CVE record
	ISOCode    string   `json:"iso_code,omitempty"`    // a country's ISO 3166-1 code
	STIXSector string   `json:"stix_sector,omitempty"` // a sector's STIX industry-sector value
	Seen       *Seen    `json:"seen,omitempty"`        // the months briefs date a campaign to, or (kinds flagged SeenSpan) the term's first and last seen, as shown

	// Cooc is the terms of every kind named in the same briefs, with counts.
	Cooc []CoocGroup `json:"cooc"`
	// Claims are the attribution claims about an actor, newest brief first
	// (pre-rendered list items).
	Claims template.HTML `json:"claims,omitempty"`
	// CampaignTimeline is an actor's campaigns, dated (pre-rendered).
	CampaignTimeline template.HTML `json:"campaign_timeline,omitempty"`
	// CampaignBars is the same campaigns as bars on a time axis, each
	// from its first seen month to the latest brief naming it.
	CampaignBars *CampaignBars `json:"campaign_bars,omitempty"`
	// Matrix is the ATT&CK matrix heatmap of its briefs' techniques, for
	// a kind whose Matrix flag is set, when they name some.
	Matrix *Matrix `json:"matrix,omitempty"`
	// Activity is the chart of its briefs over time.
	Activity *Activity `json:"activity,omitempty"`
	// Map is the victim countries its briefs name, for a kind whose Map
	// flag is set, when they name some.
	Map *CountryMap `json:"map,omitempty"`
}

// KindPage is the list page of a kind, <kind>/_index.md, rendered by
// layouts/terms/section.html.
type KindPage struct {
	Title       string  `json:"title"`
	Type        string  `json:"type"` // "terms"
	Kind        string  `json:"kind"`
	Singular    string  `json:"singular"`
	Description string  `json:"description"`
	Count       int     `json:"count"`     // terms of the kind
	Groups      []Group `json:"groups"`    // one untitled group, or one per ATT&CK tactic
	ByTactic    bool    `json:"by_tactic"` // the groups are ATT&CK tactics
	// Matrix is the ATT&CK matrix heatmap of every brief, and Years that
	// of each year's briefs, newest first, for a kind whose SiteMatrix
	// flag is set.
	Matrix *Matrix      `json:"matrix,omitempty"`
	Years  []YearMatrix `json:"years,omitempty"`
}

// FullMatrixPage is the full ATT&CK matrix: every technique of the
// vocabulary's ATT&CK tables, shaded by how many briefs name each, those
// none names unshaded. It is <kind>/matrix.md (FullMatrixPath) for the
// kind flagged SiteMatrix, rendered by layouts/matrix/page.html; every
// matrix links to it (BuildData.FullMatrix).
type FullMatrixPage struct {
	Title       string   `json:"title"`
	Type        string   `json:"type"`    // "matrix"
	Outputs     []string `json:"outputs"` // ["html"]
	Description string   `json:"description"`
	Kind        Link     `json:"kind"`   // the list page of the kind (its name and URL)
	Matrix      *Matrix  `json:"matrix"` // Full
}

// HomePage is the home page, _index.md, rendered by layouts/home.html.
type HomePage struct {
	Title string `json:"title"`
	// Top is, for the kinds the home page ranks, the terms named by the
	// most briefs.
	Top []Group `json:"top"`
	// Activity is the chart of every brief over time.
	Activity *Activity `json:"activity,omitempty"`
	// Map is every victim country briefs name.
	Map *CountryMap `json:"map,omitempty"`
	// Matrix is the ATT&CK matrix heatmap of the briefs of the last 12
	// months (to the newest brief), MatrixFrom the first day it counts
	// ("8 Dec 2023").
	Matrix     *Matrix `json:"matrix,omitempty"`
	MatrixFrom string  `json:"matrix_from,omitempty"`
	// Cross is the most named terms of one kind against another's (sectors
	// by actors), each cell the briefs naming both.
	Cross *Cross `json:"cross,omitempty"`
}

// Cross is a table of the most named terms of one kind (rows) against
// another's (columns), each cell counting the briefs naming both, shaded.
type Cross struct {
	Title   string // "Sectors by actor"
	RowKind string // the rows' kind title ("Sectors")
	Columns []Link
	Rows    []CrossRow
	Legend  []Shade
}

// CrossRow is one row of a Cross table.
type CrossRow struct {
	Term  Link
	Cells []CrossCell
}

// CrossCell is the briefs naming a row's term and a column's.
type CrossCell struct {
	Count int
	Step  int // its shade, 1 to 4; 0 for none
}

// BriefsPage is the list of all briefs, briefs/_index.md, rendered by
// layouts/briefs/section.html (which pages through the briefs itself).
type BriefsPage struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Count       int    `json:"count"`
	// Years and Filters feed the form that opens the search page filtered
	// (search/?from=2024&sector=healthcare): every year with its briefs,
	// newest first, and for each kind with a filter its most named terms.
	Years   []FilterValue  `json:"years"`
	Filters []BriefsFilter `json:"filters"`
}

// BriefsFilter is one filter of the briefs list's form.
type BriefsFilter struct {
	Param  string        `json:"param"` // the search page's URL parameter ("sector")
	Title  string        `json:"title"` // "Sectors"
	Values []FilterValue `json:"values"`
}

// FilterValue is one value of a filter: what the URL says, what the reader
// reads, and how many briefs it leaves.
type FilterValue struct {
	Value string `json:"value"` // "healthcare", "DE", "2024"
	Name  string `json:"name"`  // "Healthcare", "Germany", "2024"
	Count int    `json:"count"`
}

// SearchPage is the search page, search/_index.md, rendered by
// layouts/search/section.html.
type SearchPage struct {
	Title       string     `json:"title"`
	Type        string     `json:"type"` // "search"
	Description string     `json:"description"`
	Examples    []string   `json:"examples"` // queries to try: the most named terms of some kinds
	Browse      []KindLink `json:"browse"`   // the kinds to browse instead, without JavaScript (those of the main navigation)
	// Filters are the kinds briefs can be filtered by (taxonomy.Kind.Filter),
	// in taxonomy order.
	Filters []SearchFilter `json:"filters"`
	Years   []int          `json:"years"` // the years briefs are dated, newest first, for the date filters
	TLPs    []string       `json:"tlps"`  // the TLP labels of the published briefs, least restricted first
	Outputs []string       `json:"outputs"`
}

// SearchFilter is one filter of the search page: the URL parameter and
// the kind's name and title ("sector", "sectors", "Sectors").
type SearchFilter struct {
	Param string `json:"param"`
	Kind  string `json:"kind"`
	Title string `json:"title"`
}

// yearPage is a section of briefs of one year (see BriefPath): neither
// rendered nor listed.
type yearPage struct {
	Title string `json:"title"`
	Build struct {
		Render string `json:"render"`
		List   string `json:"list"`
	} `json:"build"`
}

// BuildData is data/build.json, what every template can read as
// hugo.Data.build: facts about the build and the site as a whole.
type BuildData struct {
	Edition    string     `json:"edition"` // "" for the public site
	MaxTLP     brief.TLP  `json:"max_tlp"` // the most restricted label published
	Attack     string     `json:"attack"`  // the ATT&CK version of the vocabulary
	Kinds      []KindLink `json:"kinds"`   // every kind, in order
	LatestDate string     `json:"latest_date"`
	BriefCount int        `json:"brief_count"`
	Preview    bool       `json:"preview"` // built for the preview server
	// Offline marks the offline edition, read from file://: its pages
	// carry its banner and no canonical link or integrity attribute.
	Offline bool `json:"offline"`
	// DirIndex is what a link to a directory ends with: "" on the web,
	// DirIndex ("index.html") in the offline edition. The URLs in staged
	// data end with it already; a template appends it to a directory link
	// it writes itself (a literal "briefs/", a page's .RelPermalink, a
	// pager's .URL).
	DirIndex string `json:"dir_index"`
	// FullMatrix is the URL of the full ATT&CK matrix (FullMatrixPage),
	// relative to the site root, which every matrix links to; "" when no
	// kind is flagged SiteMatrix.
	FullMatrix string `json:"full_matrix"`
}

// DirIndex is the file a directory's page is written to, which the offline
// edition's links name (file:// shows no directory index).
const DirIndex = "index.html"

// Values inside the pages.

// Link is a term as a page links it.
type Link struct {
	Name  string
	URL   string // relative to the site root: "actors/volt-typhoon/" (offline: ".../index.html")
	ID    string `json:",omitempty"` // its catalogue ID, where pages show it
	Count int    `json:",omitempty"` // briefs naming it (with the page's term, for co-occurrence)
	Note  string `json:",omitempty"` // a title for the link (a technique's tactics)
}

// Group is a titled list of links.
type Group struct {
	Kind  string `json:",omitempty"`
	Title string
	Items []Link
}

// TermGroup is a brief's terms of one kind, as chips.
type TermGroup struct {
	Kind    string
	Title   string
	Stacked bool          `json:",omitempty"` // one chip per line: the kind's names are long
	Items   template.HTML // pre-rendered chips
}

// CoocGroup is the terms of one kind named with a term.
type CoocGroup struct {
	Kind  string
	Title string
	Items template.HTML // pre-rendered, counted chips
	More  int           // how many more there are than Items shows
}

// YearRows is a year of a term's briefs.
type YearRows struct {
	Year  int
	Items template.HTML // pre-rendered dated rows
}

// Export is a file a page offers for download.
type Export struct {
	Label string
	URL   string // relative to the site root
	Type  string // media type
}

// FeedItem is what a brief's RSS item says besides its page's title, date
// and summary: the same GUID and categories as in the term feeds (package
// export/feeds).
type FeedItem struct {
	GUID       string   // "urn:uuid:" and the brief's UUID (feeds.GUID)
	Categories []string // its actors, sectors and techniques (feeds.Categories)
}

// Feeds are a term's feeds, relative to the site root.
type Feeds struct {
	RSS  string
	JSON string
}

// Synonym is another name of a term and who uses it.
type Synonym struct {
	Name string
	By   string
}

// Origin is an actor's suspected origin.
type Origin struct {
	Code string // ISO 3166-1
	Name string
	URL  string `json:",omitempty"` // the country's page, when briefs name it
}

// ExternalID is a term's identifier in another catalogue.
type ExternalID struct {
	Source string
	ID     string
	URL    string `json:",omitempty"`
}

// Seen is the months a campaign was seen, as shown ("Aug 2024", "2023").
type Seen struct {
	First string
	Last  string // only when it differs from First
}

// KindLink is a kind as build data lists it: its list page, how many
// terms it has, and where the site shows it (taxonomy.Kind's flags).
type KindLink struct {
	Name     string
	Title    string
	URL      string // relative to the site root: "actors/"
	Count    int    // its terms
	Nav      bool   // in the main navigation
	HomeStat bool   // counted on the home page
}

func exports(files []export.File) []Export {
	out := make([]Export, len(files))
	for i, f := range files {
		out[i] = Export{Label: f.Label, URL: f.Path, Type: f.Type}
	}
	return out
}
