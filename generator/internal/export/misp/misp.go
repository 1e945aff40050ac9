// Package misp writes a site's MISP feed and its MISP galaxy of actors: the
// files MISP reads when a feed of the "MISP Feed" format is fetched or
// cached, and that OpenCTI's misp-feed connector reads.
//
// Exporter accepts an export.Site (it reads the relationship index of the
// published briefs, the vocabularies, the site's base URL and title) and
// writes through the export.Sink, compact encoding/json output with HTML
// escaping off:
//
//   - misp/<uuid>.json: one event per published brief, {"Event": {...}}
//     as PyMISP's feed generator (MISPEvent.to_feed) writes it: numbers
//     as strings, the publisher as Orgc, published, the brief's
//     indicators as attributes, its tags and galaxy clusters, and the
//     brief itself as an Event Report (Markdown);
//   - misp/manifest.json: event UUID → info, Orgc, date, analysis,
//     threat_level_id, timestamp and Tag, the keys of PyMISP's
//     MISPEvent.manifest (what MISP's Feed::getNewEventUuids compares with
//     the events it has, and OpenCTI's connector orders events by);
//   - misp/hashes.csv: one line "md5(value),event UUID" per attribute value,
//     as PyMISP's feed_meta_generator writes it and MISP's
//     Feed::getCache reads it (the feed cache and its correlations);
//   - misp/galaxy/galaxies/threat-briefs-actor.json and
//     misp/galaxy/clusters/threat-briefs-actor.json: a galaxy of the
//     site's actors in misp-galaxy's repository format (see galaxy.go).
//
// Identifiers. An event's UUID is its brief's STIX report UUID
// (stix.ReportUUID: UUIDv5 of the STIX exporter's namespace and the slug),
// so the same brief is the same object in STIX, TAXII, MISP and RSS, and
// keeps its UUID from build to build. Attributes, the Event Report and
// galaxy clusters get UUIDv5s of the same scheme (stix.UUID) from what
// they are: an attribute from its event, type and value.
//
// Timestamps. An event's timestamp (and that of everything in it) is
// Timestamp of its brief: the start, in UTC, of the later of its date: and
// updated: days. MISP re-fetches an event whose manifest timestamp is newer
// than its copy's, and OpenCTI's connector takes events newer than the
// newest it has seen, so the timestamp must move when the brief changes and
// only then; the build clock and the files' modification times are not
// used (same content, same bytes), nor git history (a shallow CI clone or a
// Netlify build cache sees every file as changed at the last commit).
// `check --changed` warns when a published brief's content changed but
// Timestamp did not move (package changes). One revision per day reaches
// subscribers: a second change on the day of updated: does not move it.
//
// What an event carries (the mapping):
//
//   - info: the title; date: the brief's date; threat_level_id 4
//     (undefined: briefs do not rate threats); analysis 2 (complete);
//     distribution 3 (all communities) for TLP:CLEAR, 1 (this community)
//     for TLP:GREEN, 0 (your organisation) above, which a feed configured
//     to inherit the event's distribution keeps;
//   - Attribute: each indicator (ipv4/ipv6 → ip-dst, domain, url, md5,
//     sha1, sha256 → their types, email → email-src, filename) with its
//     note as comment, its value as MISP stores it (storedValue); to_ids is true for network and hash indicators and
//     false for a file name, which alone is not proof of malice (as in the
//     STIX export); then the brief's page and its sources' URLs as link
//     attributes in "External analysis", which OpenCTI turns into the
//     report's external references;
//   - Tag: tlp:<label> (TLP 2.0 names, tlp:clear) and misp-galaxy tags
//     of the stock galaxies, misp-galaxy:threat-actor="Name",
//     misp-galaxy:sector="Name", misp-galaxy:country="name" (lower case,
//     as misp-galaxy's country values) and
//     misp-galaxy:mitre-attack-pattern="Name - T1190" (misp-galaxy's value
//     format), which a stock MISP attaches to its clusters of those names;
//   - Galaxy: the same clusters with what OpenCTI's misp-feed connector
//     maps to entities (_prepare_elements): the galaxy's namespace and
//     name select the entity type (misp/"Threat Actor" → intrusion set
//     with meta.synonyms as aliases; mitre-attack/"Attack Pattern" →
//     attack pattern with meta.external_id as its ATT&CK ID; misp/"Sector"
//     → sector; misp/"Country" → country named by the description, with
//     meta.ISO), and every cluster has a description;
//   - EventReport: the brief as Markdown (report.go).
//
// MISP's event schema as PyMISP ships it (format 2.4, schema.json) predates
// Event Reports and the galaxies' namespace: an event is valid against it
// but for those two, and valid against schema-lax.json in full (the
// schema PyMISP validates with by default); the tests hold it to both.
package misp

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/par"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// The feed's files, by site path.
const (
	Dir      = "misp/"
	Manifest = Dir + "manifest.json"
	Hashes   = Dir + "hashes.csv"
)

// EventPath is the path of the event of the brief whose slug is slug.
func EventPath(slug string) string { return Dir + EventUUID(slug) + ".json" }

// EventUUID is the UUID of a brief's event: its STIX report's.
func EventUUID(slug string) string { return stix.ReportUUID(slug) }

// Timestamp is when a brief last changed as far as subscribers know: the
// start (UTC) of the later of its date and its updated date.
func Timestamp(b *brief.Brief) time.Time {
	d := b.Date
	if b.Updated.After(d) {
		d = b.Updated
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// ValueHash is how hashes.csv lists an attribute value: its MD5, in hex.
func ValueHash(v string) string {
	h := md5.Sum([]byte(v))
	return hex.EncodeToString(h[:])
}

// IndicatorHash is how hashes.csv lists a brief's indicator of type
// iocType (a brief.IOC type) and value v.
func IndicatorHash(iocType, v string) string { return ValueHash(storedValue(iocType, v)) }

// Exporter writes the MISP feed and galaxy.
type Exporter struct{}

// Name is "misp".
func (Exporter) Name() string { return "misp" }

// Export writes the feed and the galaxy of the published briefs of st
// through out.
func (Exporter) Export(st *export.Site, out export.Sink) error {
	ix := st.Index
	s, err := newSite(st.Vocab, st.BaseURL, st.Title)
	if err != nil {
		return err
	}
	if err := s.prepare(ix); err != nil {
		return err
	}
	type result struct {
		uuid     string
		manifest []byte // the event's manifest entry, encoded
		hashes   []byte
		err      error
	}
	results := make([]result, len(ix.Entries))
	par.ForWorker(len(ix.Entries), func() func(int) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // JSON files, not HTML
		return func(i int) {
			e := ix.Entries[i]
			ev := s.event(e)
			buf.Reset()
			r := &results[i]
			if err := s.encodeEvent(&buf, enc, ev); err != nil {
				r.err = fmt.Errorf("misp: %s: %w", e.URL, err)
				return
			}
			if err := out.Write(EventPath(e.Brief.Slug), buf.Bytes()); err != nil {
				r.err = err
				return
			}
			r.uuid = ev.UUID
			if r.manifest, r.err = export.JSON(ev.manifest()); r.err != nil {
				return
			}
			for _, a := range ev.Attribute {
				r.hashes = append(r.hashes, ValueHash(a.Value)...)
				r.hashes = append(r.hashes, ',')
				r.hashes = append(r.hashes, ev.UUID...)
				r.hashes = append(r.hashes, '\n')
			}
		}
	})
	nh, nm := 0, 2
	for _, r := range results {
		if r.err != nil {
			return r.err
		}
		nh, nm = nh+len(r.hashes), nm+len(r.uuid)+len(r.manifest)+4
	}
	hashes := make([]byte, 0, nh)
	for _, r := range results {
		hashes = append(hashes, r.hashes...)
	}
	// The manifest is an object of the entries by UUID, written as
	// encoding/json writes a map (keys sorted; a UUID needs no escaping)
	// from entries encoded in parallel above.
	slices.SortFunc(results, func(a, b result) int { return strings.Compare(a.uuid, b.uuid) })
	manifest := append(make([]byte, 0, nm), '{')
	for i, r := range results {
		if i > 0 {
			manifest = append(manifest, ',')
		}
		manifest = append(append(append(append(manifest, '"'), r.uuid...), `":`...), r.manifest...)
	}
	if err := out.Write(Manifest, append(manifest, '}')); err != nil {
		return err
	}
	if err := out.Write(Hashes, hashes); err != nil {
		return err
	}
	return s.writeGalaxy(ix, out)
}

// site is what every event says about the site.
type site struct {
	v     *vocab.Vocab
	base  string // without the trailing slash
	title string
	orgc  org
	terms map[*index.Term]prepared
	// galaxyHeads are the stock galaxies encoded up to their first
	// cluster, by type.
	galaxyHeads map[string][]byte
}

func newSite(v *vocab.Vocab, baseURL, title string) (*site, error) {
	pub, err := stix.PublisherOf(baseURL)
	if err != nil {
		return nil, err
	}
	return &site{v: v, base: strings.TrimRight(baseURL, "/"), title: title, orgc: org{Name: pub.Name, UUID: pub.UUID()}}, nil
}

// The feed's JSON. Field order is the order written; every number is a
// string, as in MISP's own output and PyMISP's feed (MISP's schema types
// them so).

type eventFile struct {
	Event *event `json:"Event"`
}

type event struct {
	UUID             string      `json:"uuid"`
	Info             string      `json:"info"`
	Date             string      `json:"date"`
	ThreatLevelID    string      `json:"threat_level_id"`
	Analysis         string      `json:"analysis"`
	Distribution     string      `json:"distribution"`
	Published        bool        `json:"published"`
	Timestamp        string      `json:"timestamp"`
	PublishTimestamp string      `json:"publish_timestamp"`
	Orgc             org         `json:"Orgc"`
	Tag              []tag       `json:"Tag"`
	Attribute        []attribute `json:"Attribute"`
	Galaxy           []galaxy    `json:"Galaxy,omitempty"`
	EventReport      []report    `json:"EventReport,omitempty"`
}

// encodeEvent writes the event file of ev to buf, as encoding/json writes
// eventFile{ev} (TestEventEncoding), but with its galaxies' clusters copied
// from prepare's encoding, not compacted again by the encoder: every event
// holds a dozen clusters, and copying them is most of the saving.
func (s *site) encodeEvent(buf *bytes.Buffer, enc *json.Encoder, ev *event) error {
	head := *ev
	head.Galaxy, head.EventReport = nil, nil
	if err := enc.Encode(eventFile{&head}); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - len("}}\n"))
	if len(ev.Galaxy) > 0 {
		buf.WriteString(`,"Galaxy":[`)
		for i, g := range ev.Galaxy {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.Write(s.galaxyHeads[g.Type])
			for k, c := range g.Cluster {
				if k > 0 {
					buf.WriteByte(',')
				}
				buf.Write(c)
			}
			buf.WriteString("]}")
		}
		buf.WriteByte(']')
	}
	if len(ev.EventReport) > 0 {
		buf.WriteString(`,"EventReport":`)
		if err := enc.Encode(ev.EventReport); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteString("}}")
	return nil
}

type org struct {
	Name string `json:"name"`
	UUID string `json:"uuid"`
}

type tag struct {
	Name   string `json:"name"`
	Colour string `json:"colour"`
}

type attribute struct {
	UUID               string `json:"uuid"`
	Type               string `json:"type"`
	Category           string `json:"category"`
	Value              string `json:"value"`
	ToIDS              bool   `json:"to_ids"`
	Comment            string `json:"comment"`
	Distribution       string `json:"distribution"`
	DisableCorrelation bool   `json:"disable_correlation"`
	Timestamp          string `json:"timestamp"`
}

type galaxy struct {
	UUID        string            `json:"uuid"`
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Namespace   string            `json:"namespace"`
	Description string            `json:"description"`
	Cluster     []json.RawMessage `json:"GalaxyCluster"` // clusters (prepare)
}

type cluster struct {
	UUID        string         `json:"uuid"`
	Type        string         `json:"type"`
	Value       string         `json:"value"`
	TagName     string         `json:"tag_name"`
	Description string         `json:"description"`
	Source      string         `json:"source"`
	Authors     []string       `json:"authors"`
	Meta        map[string]any `json:"meta"`
}

type report struct {
	UUID         string `json:"uuid"`
	Name         string `json:"name"`
	Content      string `json:"content"`
	Distribution string `json:"distribution"`
	Timestamp    string `json:"timestamp"`
	Deleted      bool   `json:"deleted"`
}

// manifestEntry is an event in manifest.json, with the keys of PyMISP's
// MISPEvent.manifest. Its numbers are strings, as in the event (PyMISP
// writes numbers there; MISP compares either numerically, and OpenCTI's
// connector reads int(timestamp)); a number would also not survive the
// JSON minifier byte for byte (1707696000 becomes 1707696e3).
type manifestEntry struct {
	Orgc          org    `json:"Orgc"`
	Tag           []tag  `json:"Tag"`
	Info          string `json:"info"`
	Date          string `json:"date"`
	Analysis      string `json:"analysis"`
	ThreatLevelID string `json:"threat_level_id"`
	Timestamp     string `json:"timestamp"`
}

func (ev *event) manifest() manifestEntry {
	return manifestEntry{Orgc: ev.Orgc, Tag: ev.Tag, Info: ev.Info, Date: ev.Date, Analysis: ev.Analysis, ThreatLevelID: ev.ThreatLevelID, Timestamp: ev.Timestamp}
}

// attrType is how an indicator type becomes a MISP attribute: its type,
// its category (the type's default category in MISP's describeTypes) and
// whether it is for detection.
type attrType struct {
	typ, category string
	toIDS         bool
}

// attrTypes maps every brief.IOCTypes entry (TestEveryIOCTypeMaps).
var attrTypes = map[string]attrType{
	"ipv4":     {"ip-dst", "Network activity", true},
	"ipv6":     {"ip-dst", "Network activity", true},
	"domain":   {"domain", "Network activity", true},
	"url":      {"url", "Network activity", true},
	"md5":      {"md5", "Payload delivery", true},
	"sha1":     {"sha1", "Payload delivery", true},
	"sha256":   {"sha256", "Payload delivery", true},
	"email":    {"email-src", "Payload delivery", true},
	"filename": {"filename", "Payload delivery", false},
}

// storedValue is an indicator's value as MISP stores it (its
// AttributeValidationTool lower-cases hashes and domain names and writes
// IP addresses in their canonical form), so that hashes.csv hashes what a
// MISP server's own attributes hash to and its correlations find them.
func storedValue(iocType, v string) string {
	switch iocType {
	case "md5", "sha1", "sha256", "domain":
		return strings.ToLower(v)
	case "ipv4", "ipv6":
		if a, err := netip.ParseAddr(v); err == nil {
			return a.String()
		}
	}
	return v
}

// distribution is MISP's distribution level for a TLP label.
func distribution(t brief.TLP) string {
	switch t {
	case brief.TLPClear:
		return "3" // all communities
	case brief.TLPGreen:
		return "1" // this community only
	}
	return "0" // your organisation only
}

// tlpColour is the colour of MISP's tlp taxonomy tags.
var tlpColour = map[brief.TLP]string{
	brief.TLPClear: "#ffffff", brief.TLPGreen: "#33ff00", brief.TLPAmber: "#ffc000",
	brief.TLPAmberStrict: "#ffc000", brief.TLPRed: "#ff2b2b",
}

// galaxyColour is the colour MISP gives galaxy cluster tags.
const galaxyColour = "#0088cc"

// event builds the event of one brief.
func (s *site) event(e *index.Entry) *event {
	b := e.Brief
	uuid := EventUUID(b.Slug)
	ts := strconv.FormatInt(Timestamp(b).Unix(), 10)
	ev := &event{
		UUID: uuid, Info: b.Title, Date: b.Date.Format(time.DateOnly),
		ThreatLevelID: "4", Analysis: "2", Distribution: distribution(b.TLP),
		Published: true, Timestamp: ts, PublishTimestamp: ts, Orgc: s.orgc,
		Tag:       []tag{{Name: "tlp:" + string(b.TLP), Colour: tlpColour[b.TLP]}},
		Attribute: []attribute{},
	}
	attr := func(typ, category, value, comment string, toIDS bool) {
		ev.Attribute = append(ev.Attribute, attribute{
			UUID: stix.UUID("x-misp-attribute", uuid+"|"+typ+"|"+value), Type: typ, Category: category,
			Value: value, ToIDS: toIDS, Comment: comment, Distribution: "5", Timestamp: ts,
		})
	}
	seen := map[string]bool{}
	for _, ioc := range b.IOCs {
		m := attrTypes[ioc.Type]
		v := storedValue(ioc.Type, ioc.Value)
		if k := m.typ + "|" + v; !seen[k] {
			seen[k] = true
			attr(m.typ, m.category, v, ioc.Note, m.toIDS)
		}
	}
	page := s.base + e.URL
	attr("link", "External analysis", page, "The brief on "+s.orgc.Name, false)
	seen["link|"+page] = true
	for _, src := range e.Sources {
		if src.URL == "" || seen["link|"+src.URL] {
			continue
		}
		seen["link|"+src.URL] = true
		comment := src.Term.Name
		if src.Title != "" {
			comment += ": " + src.Title
		}
		attr("link", "External analysis", src.URL, comment, false)
	}

	for _, sg := range stock {
		g := sg.galaxy
		for _, t := range e.Terms[sg.kind] {
			p := s.terms[t]
			ev.Tag = append(ev.Tag, p.tag)
			g.Cluster = append(g.Cluster, p.cluster)
		}
		if len(g.Cluster) > 0 {
			ev.Galaxy = append(ev.Galaxy, g)
		}
	}
	ev.EventReport = []report{{
		UUID: stix.UUID("x-misp-event-report", uuid), Name: b.Title, Content: s.reportMarkdown(e),
		Distribution: "5", Timestamp: ts,
	}}
	return ev
}

// tagName is the tag of a galaxy cluster: misp-galaxy:<type>="<value>".
func tagName(galaxyType, value string) string {
	return "misp-galaxy:" + galaxyType + `="` + value + `"`
}

// clusterUUID identifies a cluster of a galaxy type made for a term.
func clusterUUID(galaxyType string, t *index.Term) string {
	return stix.UUID("x-misp-galaxy-cluster", galaxyType+"|"+t.Key)
}

// The stock galaxies of misp-galaxy that events name clusters of, with the
// namespace and name OpenCTI's misp-feed connector maps from. (misp-galaxy
// has since renamed its ATT&CK galaxy "MITRE ATT&CK Techniques" in the
// namespace "mitre"; the connector still matches the older pair, and MISP
// keys galaxies by type and UUID, which did not change.)
var (
	threatActorGalaxy = galaxy{UUID: "698774c7-8022-42c4-917f-8d6e4f06ada3", Name: "Threat Actor", Type: "threat-actor", Namespace: "misp",
		Description: "Threat actors are characteristics of malicious actors (or adversaries) representing a cyber attack threat including presumed intent and historically observed behaviour."}
	attackPatternGalaxy = galaxy{UUID: "c4e851fa-775f-11e7-8163-b774922098cd", Name: "Attack Pattern", Type: "mitre-attack-pattern", Namespace: "mitre-attack",
		Description: "ATT&CK Tactic"}
	sectorGalaxy  = galaxy{UUID: "e1bb134c-ae4d-11e7-8aa9-f78a37325439", Name: "Sector", Type: "sector", Namespace: "misp", Description: "Activity sectors"}
	countryGalaxy = galaxy{UUID: "84668357-5a8c-4bdd-9f0f-6b50b2aee4c1", Name: "Country", Type: "country", Namespace: "misp",
		Description: "Country meta information based on the database provided by geonames.org."}
)

// stock lists, for each stock galaxy, the kind of term whose clusters it
// holds and how a term becomes one.
var stock = []struct {
	kind    string
	galaxy  galaxy
	cluster func(s *site, t *index.Term) cluster
}{
	{"actors", threatActorGalaxy, func(s *site, t *index.Term) cluster { return s.actorCluster(threatActorGalaxy.Type, t) }},
	{"techniques", attackPatternGalaxy, (*site).techniqueCluster},
	{"sectors", sectorGalaxy, func(s *site, t *index.Term) cluster {
		meta := map[string]any{"refs": []string{s.base + t.URL}}
		return s.cluster(sectorGalaxy.Type, t, t.Name, "Organizations in the "+t.Name+" sector.", meta)
	}},
	{"countries", countryGalaxy, func(s *site, t *index.Term) cluster {
		name, ok := s.v.Country(t.ID)
		if !ok {
			name = t.Name
		}
		meta := map[string]any{"ISO": t.ID, "refs": []string{s.base + t.URL}}
		return s.cluster(countryGalaxy.Type, t, strings.ToLower(name), name, meta)
	}},
}

// prepared is what every event naming a term says of it: its tag, and its
// cluster, encoded once (a term is named by many briefs).
type prepared struct {
	tag     tag
	cluster json.RawMessage
}

// prepare makes the tag and cluster of every term of a stock galaxy's
// kind, and each stock galaxy's head.
func (s *site) prepare(ix *index.Index) error {
	s.terms = map[*index.Term]prepared{}
	s.galaxyHeads = map[string][]byte{}
	for _, g := range stock {
		empty := g.galaxy
		empty.Cluster = []json.RawMessage{}
		data, err := export.JSON(empty)
		if err != nil {
			return err
		}
		s.galaxyHeads[g.galaxy.Type] = bytes.TrimSuffix(data, []byte("]}"))
		for _, t := range ix.Terms[g.kind] {
			c := g.cluster(s, t)
			data, err := export.JSON(c)
			if err != nil {
				return fmt.Errorf("misp: %s: %w", t.URL, err)
			}
			s.terms[t] = prepared{tag: tag{Name: c.TagName, Colour: galaxyColour}, cluster: data}
		}
	}
	return nil
}

// techniqueCluster is an ATT&CK technique as a cluster of the stock
// mitre-attack-pattern galaxy.
func (s *site) techniqueCluster(t *index.Term) cluster {
	// misp-galaxy names a sub-technique by its own name ("Spearphishing
	// Voice - T1566.004"), not the "Phishing: Spearphishing Voice" the site
	// shows.
	name := t.Name
	if vt, ok := s.v.Technique(t.ID); ok {
		name = vt.Name
	}
	value := name + " - " + t.ID
	desc := "MITRE ATT&CK technique " + t.ID + ": " + t.Name + "."
	meta := map[string]any{"external_id": []string{t.ID}, "refs": []string{vocab.TechniqueURL(t.ID)}}
	var chain []string
	for _, ta := range t.Tactics {
		chain = append(chain, "mitre-attack:"+ta)
	}
	if len(chain) > 0 {
		meta["kill_chain"] = chain
	}
	return s.cluster(attackPatternGalaxy.Type, t, value, desc, meta)
}

// cluster makes a cluster of galaxyType for a term.
func (s *site) cluster(galaxyType string, t *index.Term, value, desc string, meta map[string]any) cluster {
	return cluster{
		UUID: clusterUUID(galaxyType, t), Type: galaxyType, Value: value, TagName: tagName(galaxyType, value),
		Description: desc, Source: s.base + "/", Authors: []string{s.orgc.Name}, Meta: meta,
	}
}

// actorCluster is an actor as a cluster of galaxyType: its synonyms, its
// suspected origin and links to its page and its ATT&CK group.
func (s *site) actorCluster(galaxyType string, t *index.Term) cluster {
	desc := "Threat actor named in briefs published at " + s.base + "/."
	if t.Profile != nil && t.Profile.Summary != "" {
		desc = t.Profile.Summary
	}
	meta := map[string]any{"refs": actorRefs(s.base, t)}
	if syn := aliases(t); len(syn) > 0 {
		meta["synonyms"] = syn
	}
	if t.Profile != nil && t.Profile.Origin != "" {
		meta["country"] = strings.ToUpper(t.Profile.Origin)
	}
	return s.cluster(galaxyType, t, t.Name, desc, meta)
}

// actorRefs are an actor's page and, when it is an ATT&CK group, its page
// there.
func actorRefs(base string, t *index.Term) []string {
	refs := []string{base + t.URL}
	if t.Attack != nil {
		refs = append(refs, t.Attack.URL())
	}
	return refs
}

// aliases are a term's other names (profile synonyms, then ATT&CK's).
func aliases(t *index.Term) []string {
	var out []string
	for _, a := range t.Aliases() {
		out = append(out, a.Name)
	}
	return out
}
