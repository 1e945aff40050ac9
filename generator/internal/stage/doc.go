// Package stage turns the relationship index into the content files Hugo
// renders: one normalized page per brief, one generated page per term, a
// list page per taxonomy, and the home, brief-list and search pages, plus
// the build data every template can read.
//
// Which kinds a page shows, and how, is decided by the index's kind table
// (taxonomy.Kind's fields), never by a kind's name: templates loop over the
// kinds they are given.
//
// It accepts an *index.Index and the vocabularies, and returns files keyed by
// slash path relative to content/ (and data/), ready for render. Front matter
// is JSON (unambiguous, and the fastest format for Hugo to read), encoded
// from one documented struct per page type: that struct is the whole
// contract between the generator and layouts/. Everything a template needs
// to draw links and counts is computed here, from the index, so templates
// never walk all pages. Author bodies are kept as the index holds them (the
// pipeline has defanged their indicators, see package indicator), with Hugo
// shortcode delimiters escaped: a brief is text, not a template.
//
// The longest lists (a term's briefs, a brief's terms, claims, sources,
// indicators, a matrix's columns, a chart's bars...) are pre-rendered: the
// generator renders them with Go's html/template from the templates in
// layouts/_partials/items/, over the typed rows of items.go (see Items for
// why and how), and stages a marker for each, which templates paste with
// safeHTML; package render puts the list in the marker's place as Hugo
// writes the page (package splice; Site.Fragments holds the lists). No Go
// code writes markup.
//
// # Keys
//
// A template reads a page's keys as .Params.<key> and the build data as
// hugo.Data.build.<key>. Top-level keys are snake_case; the values inside
// them keep their Go field names (.URL, .Title), because Hugo leaves a map
// inside a list as it was written. URLs are relative to the site root
// ("actors/volt-typhoon/"), for relURL; in the offline edition
// (Options.Offline) a URL naming a directory names its index.html
// ("actors/volt-typhoon/index.html"), so that every link works from file://.
// TestLayoutsUseOnlyStagedKeys fails
// when a template reads a key the struct does not have.
//
// A brief's page (BriefPage; layouts/briefs/page.html, and
// _partials/brief-item.html and the feeds' partials through the page):
//
//	title, date, lastmod   the headline; YYYY-MM-DD dates (lastmod only when updated)
//	summary, description   the summary (description for <meta>)
//	tlp                    its TLP label
//	source_file            the author's file, relative to the project
//	exports                [{Label, URL, Type}]: its STIX bundle
//	terms                  [{Kind, Title, Stacked, Items}]: its terms of each kind shown as chips, Items pre-rendered
//	card                   [{Name, URL, ID, Count, Note}]: the chips of its card in lists
//	claims                 pre-rendered attribution claims
//	campaigns_seen         pre-rendered campaign timeline
//	sources_cited          pre-rendered sources
//	iocs                   pre-rendered indicator table rows, defanged
//	related                pre-rendered related briefs
//	indicator_domains      its indicator domains and e-mail addresses, which the
//	indicator_emails       link render hook never makes live
//	feed                   {GUID, Categories}: its site-feed RSS item's GUID and
//	                       categories, only if it may be among the feed's newest
//	                       briefs (feeds.InSiteFeed)
//	matrix                 the ATT&CK matrix of its techniques (Matrix, below), not counted
//
// A term's page (TermPage; layouts/term/page.html):
//
//	title, type, outputs   the term's name; "term"; ["html"] (package feeds writes its feeds)
//	kind, kind_title       its kind's name (the URL section) and title
//	singular               one term of the kind ("actor")
//	term_id                its catalogue ID (T1190, US, CVE-2024-3400) or ""
//	count, date            how many briefs name it; the newest one's date
//	summary, description   its profile's summary, or "Actor named in 3 briefs."
//	feeds                  {RSS, JSON}: its feeds
//	exports                [{Label, URL, Type}]: Navigator layer, STIX bundle, JSON
//	timeline               [{Year, Items}]: its briefs by year, newest first, Items pre-rendered rows
//	synonyms               [{Name, By}]: its profile's synonyms, then ATT&CK's aliases (By "ATT&CK")
//	origin                 {Code, Name, URL}            from its profile (URL when briefs name the country)
//	motivation, active_since                            from its profile (its first_seen, as shown: "Aug 2024")
//	external_ids           [{Source, ID, URL}]          from its profile
//	tactics                a technique's tactic names
//	attack_id              the ATT&CK group or software an actor or malware term is (G0034, S0368)
//	attack_url, cve_url    its ATT&CK page; its CVE record
//	iso_code, stix_sector  a country's ISO code; a sector's STIX industry sector
//	seen                   {First, Last}: the months briefs date a campaign to, or for a kind flagged
//	                       SeenSpan when the term was first and last seen, as shown (Last only when it differs)
//	cooc                   [{Kind, Title, Items, More}]: terms named with it, Items pre-rendered counted chips
//	claims                 pre-rendered attribution claims about an actor
//	campaign_timeline      pre-rendered campaigns of an actor, dated
//	campaign_bars          the same campaigns as bars on a time axis (CampaignBars, below)
//	matrix                 the ATT&CK matrix heatmap of its briefs (kinds flagged Matrix)
//	activity               the chart of its briefs over time (Activity, below)
//	map                    the victim countries its briefs name (CountryMap, below; kinds flagged Map)
//
// A kind's list page (KindPage; layouts/terms/section.html): title, type
// ("terms"), kind, singular, description, count (its terms), groups
// ([{Title, Items: [{Name, URL, ID, Count}]}]: one untitled group, or one
// per ATT&CK tactic), by_tactic (whether the groups are tactics), and for
// a kind flagged SiteMatrix, matrix (the ATT&CK matrix heatmap of every
// brief) and years ([{Year, Matrix}]: each year's, newest first).
//
// A matrix (Matrix; layouts/_partials/matrix.html, matrix.go) is {Columns:
// the tactic columns pre-rendered from items/matrix-tactic.html and
// items/matrix-cell.html, Tactics, Techniques, Briefs: how many of each,
// Counted: whether cells show and are shaded by their counts, Legend:
// [{Step, Label}] what each shade stands for, Full: whether it is the full
// matrix, every ATT&CK technique named or not, and Total: how many those
// are}.
//
// The full ATT&CK matrix (FullMatrixPage; layouts/matrix/page.html), at
// <kind>/matrix/ for the kind flagged SiteMatrix: title, type ("matrix"),
// outputs, description, kind ({Name, URL}: the kind's list page) and
// matrix (the full Matrix of every brief). Per-term full matrices are not
// built: at some 100 KB each they would double a term page's weight for
// cells no brief of the term names; the site-wide one shows the same
// table with the whole library's shades.
//
// The home page (HomePage; layouts/home.html): title, top ([{Kind,
// Title, Items}]: the terms named most, for the kinds the home page ranks)
// activity (the chart of every brief over time), map (every victim
// country briefs name), matrix and matrix_from (the ATT&CK matrix heatmap
// of the briefs of the 12 months to the newest, and the first day it
// counts) and cross ({Title, RowKind, Columns: [Link], Rows: [{Term: Link,
// Cells: [{Count, Step}]}], Legend}: the most named terms of the kind
// flagged CrossRows against those of the kind flagged CrossColumns).
//
// A map (CountryMap; layouts/_partials/map.html, countrymap.go) is {Width,
// Height: the plane of the shared outlines (assets/images/world.svg),
// Countries: the named countries' outlines, linked, pre-rendered from
// items/map-country.html, Rows: the same as table rows (items/map-row.html),
// Named, Missing: how many countries, and how many have no outline,
// Legend: [{Step, Label}]}.
//
// An activity chart (Activity; layouts/_partials/activity.html,
// activity.go) is {Period ("quarter" or "month"), From, To (the first and
// last periods, as shown), Width, Height, Base: its geometry in SVG units,
// Bars and Rows: the periods pre-rendered from items/activity-bar.html and
// items/activity-row.html, Max: the most briefs in one period}.
//
// Campaign bars (CampaignBars; layouts/_partials/campaign-bars.html,
// campaignbars.go) are {From, To (the axis's first and last months, as
// shown), Height, Base (the chart's height and the axis's y, in CSS
// pixels), Bars: [{Name, URL, Title ("KV-botnet operations: Feb 2022 to
// Feb 2024"), First, Latest (its first seen month and the month of the
// latest brief naming it, as shown), X, W, TextX (in percent of the
// chart's width), Y, TextY, Anchor ("start" or "end": the name's
// text-anchor)}], first seen first, Ticks: [{Year, X, Line (whether a line
// marks where it begins), Label (whether its number has room)}]}, for the
// kinds flagged CampaignTimeline.
//
// The list of briefs (BriefsPage; layouts/briefs/section.html): title,
// description, count, and for its form that opens the search page
// filtered: years (every year, [{Value, Name, Count}], newest first) and
// filters ([{Param, Title, Values}], the kinds with a filter, each with
// its most named terms as [{Value, Name, Count}]).
//
// The search page (SearchPage; layouts/search/section.html): title, type
// ("search"), description, examples (queries to try), browse (the kinds of
// the main navigation, [{Name, Title, URL, Count, Nav, HomeStat}], to
// browse without JavaScript), filters (the kinds briefs are filtered by,
// [{Param, Kind, Title}]), years (the years briefs are dated, newest
// first), tlps (the TLP labels published, least restricted first), outputs.
//
// The build data (BuildData, data/build.json):
//
//	edition       "" for the public site, else what the edition is ("Internal edition: ...")
//	max_tlp       the most restricted TLP label published
//	attack        the ATT&CK version of the vocabulary
//	kinds         [{Name, Title, URL, Count, Nav, HomeStat}]: every kind, in order,
//	              with its number of terms and whether the main navigation
//	              and the home page show it
//	latest_date   the newest brief's date, YYYY-MM-DD
//	brief_count   how many briefs are published
//	preview       whether this is the preview server's build
//	offline       whether this is the offline edition (its banner; no canonical
//	              link, og:url or integrity attribute)
//	dir_index     what a link to a directory ends with: "" on the web,
//	              "index.html" in the offline edition; the staged URLs end
//	              with it already, a template appends it to a directory link
//	              it writes itself ("briefs/", .RelPermalink, a pager's .URL)
//	full_matrix   the URL of the full ATT&CK matrix page, which every matrix links
//	              to; "" when no kind is flagged SiteMatrix
package stage
