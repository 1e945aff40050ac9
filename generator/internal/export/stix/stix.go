// Package stix turns the relationship index into STIX 2.1 bundles: one per
// brief, per actor, per campaign, and one for the whole site.
//
// It accepts an *index.Index, the vocabularies and the site's base URL.
// Build makes every object once, for the whole site, so an object is the
// same, byte for byte, in every bundle that holds it. Identifiers are
// UUIDv5 of a fixed namespace and the object's canonical key (see ID);
// timestamps come from brief dates only: an object is created on the date
// of the first brief naming it and modified on the latest date (or update)
// of one. Each object carries the TLP 2.0 marking of the least restricted
// brief naming it.
//
// The mapping:
//
//   - brief → report (report_types threat-report, published, object_refs
//     to everything the brief names and every relationship it supports);
//   - actor → intrusion-set: the names briefs use (APT29, Volt Typhoon,
//     ALPHV) are vendors' clusters of activity with aliases, which is what
//     STIX calls an intrusion set and what MITRE ATT&CK publishes its
//     groups as, so importers merge them with ATT&CK's; a profile's origin
//     becomes an originates-from location;
//   - campaign → campaign (first_seen, last_seen); a brief that makes
//     attribution claims but names no campaign gets one campaign standing
//     for the activity it reports, so the claim has a subject;
//   - attribution claim → attributed-to (campaign → intrusion-set) with
//     created_by_ref the claimant's identity and confidence on STIX's 0-100
//     scale (brief.Confidence.Score);
//   - sector → identity (identity_class class, sectors the STIX industry
//     sector); source publisher and claimant → identity (organization);
//   - country → location (country); technique → attack-pattern; malware →
//     malware (is_family); CVE → vulnerability; mitigation →
//     course-of-action; IOC → indicator with a STIX pattern;
//   - uses (actor or campaign → attack-pattern, malware), targets (→ sector
//     identity, location, vulnerability), mitigates (course-of-action →
//     vulnerability named in the same brief), indicates (indicator →
//     malware, campaign, intrusion-set of the same brief). These record what
//     briefs report together; the reports of the briefs that support a
//     relationship list it in their object_refs.
package stix

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

const stamp = "2006-01-02T15:04:05.000Z"

// Graph is every STIX object of a site and which of them each brief holds.
type Graph struct {
	objects map[string]*Object
	briefs  map[*index.Entry][]string // the report's ID first, then what it refers to
	rels    map[string][]string       // object ID → the relationships to or from it
	base    string                    // base URL without the trailing slash
}

// span is what the briefs naming an object say about it.
type span struct {
	first, last time.Time
	tlp         int            // least restricted TLP rank
	entries     []*index.Entry // newest first
}

type builder struct {
	g         *Graph
	v         *vocab.Vocab
	ix        *index.Index
	spans     map[string]*span
	publisher string
	host      string
}

// Build makes the STIX objects of every published brief.
func Build(ix *index.Index, v *vocab.Vocab, baseURL string) (*Graph, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("stix: base URL: %w", err)
	}
	b := &builder{
		g:     &Graph{objects: map[string]*Object{}, briefs: map[*index.Entry][]string{}, rels: map[string][]string{}, base: strings.TrimRight(baseURL, "/")},
		v:     v,
		ix:    ix,
		spans: map[string]*span{},
		host:  cmp.Or(u.Host, "threat-briefs"), // the publisher's name: the site's host
	}
	b.publisher = ID("identity", "publisher|"+b.g.base)
	for _, e := range ix.Entries {
		if err := b.brief(e); err != nil {
			return nil, err
		}
	}
	b.finish()
	return b.g, nil
}

func ts(t time.Time) string { return t.UTC().Format(stamp) }

func lastDate(e *index.Entry) time.Time {
	if e.Brief.Updated.After(e.Brief.Date) {
		return e.Brief.Updated
	}
	return e.Brief.Date
}

// touch records that brief e holds object id (made by mk the first time).
func (b *builder) touch(e *index.Entry, ids *[]string, id string, mk func() *Object) {
	o, ok := b.g.objects[id]
	if !ok {
		o = mk()
		o.Type, o.SpecVersion, o.ID = typeOf(id), SpecVersion, id
		b.g.objects[id] = o
		b.spans[id] = &span{first: e.Brief.Date, last: lastDate(e), tlp: e.Brief.TLP.Rank()}
	}
	s := b.spans[id]
	if len(s.entries) > 0 && s.entries[len(s.entries)-1] == e {
		return
	}
	s.entries = append(s.entries, e)
	s.first = minTime(s.first, e.Brief.Date)
	s.last = maxTime(s.last, lastDate(e))
	s.tlp = min(s.tlp, e.Brief.TLP.Rank())
	*ids = append(*ids, id)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// brief adds the objects one brief holds.
func (b *builder) brief(e *index.Entry) error {
	var ids []string
	add := func(id string, mk func() *Object) string {
		b.touch(e, &ids, id, mk)
		return id
	}
	terms := func(kind string, mk func(t *index.Term) (string, func() *Object)) []string {
		var out []string
		for _, t := range e.Terms[kind] {
			id, f := mk(t)
			out = append(out, add(id, f))
		}
		return out
	}
	rel := func(typ, src, dst, extra string, mk func(o *Object)) {
		add(ID("relationship", typ+"|"+src+"|"+dst+extra), func() *Object {
			o := &Object{RelationshipType: typ, SourceRef: src, TargetRef: dst}
			if mk != nil {
				mk(o)
			}
			return o
		})
	}

	actors := terms("actors", b.actor)
	campaigns := terms("campaigns", b.campaign)
	sectors := terms("sectors", b.sector)
	countries := terms("countries", b.location)
	techniques := terms("techniques", b.technique)
	malware := terms("malware", b.malware)
	vulns := terms("vulnerabilities", b.vulnerability)
	mitigations := terms("mitigations", b.mitigation)
	for _, src := range e.Sources {
		add(b.org(src.Term.Name))
	}
	for _, t := range e.Terms["actors"] {
		if t.Profile == nil || t.Profile.Origin == "" {
			continue
		}
		code := strings.ToUpper(t.Profile.Origin)
		loc := add(b.country(code))
		rel("originates-from", ID("intrusion-set", t.Key), loc, "", nil)
	}

	// The activity a claim is about: the brief's campaigns, or one standing
	// for what the brief reports when it names none.
	subjects := campaigns
	if len(e.Claims) > 0 && len(campaigns) == 0 {
		subjects = []string{add(ID("campaign", "brief|"+e.Brief.Slug), func() *Object {
			return &Object{Name: e.Brief.Title,
				Description: "The activity reported in the brief \"" + e.Brief.Title + "\", which names no campaign."}
		})}
	}
	for _, c := range e.Claims {
		by, mk := b.org(c.By)
		claimant := add(by, mk)
		actor := ID("intrusion-set", c.Actor.Key)
		score := c.Confidence.Score()
		for _, s := range subjects {
			rel("attributed-to", s, actor, "|"+by, func(o *Object) {
				o.CreatedByRef = claimant
				o.Confidence = &score
				o.Description = fmt.Sprintf("%s attributes %s to %s with %s confidence.", c.By, b.g.objects[s].Name, c.Actor.Name, c.Confidence)
			})
		}
	}
	for _, who := range append(slices.Clone(actors), campaigns...) {
		for _, t := range append(slices.Clone(techniques), malware...) {
			rel("uses", who, t, "", nil)
		}
		for _, t := range slices.Concat(sectors, countries, vulns) {
			rel("targets", who, t, "", nil)
		}
	}
	// A brief's recommendations mitigate the CVEs it reports. They are not
	// paired with its techniques: which mitigation addresses which technique
	// is ATT&CK's mapping, which the vocabulary does not carry, and pairing
	// every recommendation with every technique would assert mappings ATT&CK
	// does not make (M1051 Update Software against T1486).
	for _, m := range mitigations {
		for _, t := range vulns {
			rel("mitigates", m, t, "", nil)
		}
	}
	for _, ioc := range e.Brief.IOCs {
		pattern, err := Pattern(ioc.Type, ioc.Value)
		if err != nil {
			return fmt.Errorf("stix: %s: %w", e.Brief.File, err)
		}
		ind := add(ID("indicator", ioc.Type+"|"+ioc.Value), func() *Object {
			typ := "malicious-activity"
			if ioc.Type == "filename" { // a name alone is not proof of malice
				typ = "anomalous-activity"
			}
			return &Object{Name: ioc.Value, Description: ioc.Note, IndicatorTypes: []string{typ},
				Pattern: pattern, PatternType: "stix", PatternVersion: "2.1"}
		})
		for _, t := range slices.Concat(malware, campaigns, actors) {
			rel("indicates", ind, t, "", nil)
		}
	}

	report := ID("report", e.Brief.Slug)
	refs := slices.Clone(ids)
	if len(refs) == 0 { // object_refs may not be empty
		refs = []string{b.publisher}
	}
	slices.Sort(refs)
	rep := &Object{
		Type: "report", SpecVersion: SpecVersion, ID: report, CreatedByRef: b.publisher,
		Created: ts(e.Brief.Date), Modified: ts(lastDate(e)),
		Name: e.Brief.Title, Description: e.Brief.Summary,
		ReportTypes: []string{"threat-report"}, Published: ts(e.Brief.Date), ObjectRefs: refs,
		ExternalReferences: []ExternalReference{{SourceName: b.host, URL: b.g.base + e.URL}},
	}
	for _, src := range e.Sources {
		if src.URL != "" {
			rep.ExternalReferences = append(rep.ExternalReferences, ExternalReference{SourceName: src.Term.Name, Description: src.Title, URL: src.URL})
		}
	}
	if m, ok := TLPMarkingID(e.Brief.TLP); ok {
		rep.ObjectMarkingRefs = []string{m}
	}
	b.g.objects[report] = rep
	b.g.briefs[e] = append([]string{report}, ids...)
	return nil
}

// finish dates and marks every object from the briefs that name it, and
// adds the publisher and the marking definitions in use.
func (b *builder) finish() {
	for id, s := range b.spans {
		o := b.g.objects[id]
		o.Created, o.Modified = ts(s.first), ts(s.last)
		if m, ok := TLPMarkingID(brief.TLPLevels()[s.tlp]); ok {
			o.ObjectMarkingRefs = []string{m}
		}
		switch o.Type {
		case "indicator":
			o.ValidFrom = o.Created
		case "relationship":
			// The reports that support it refer to it in their object_refs.
			b.g.rels[o.SourceRef] = append(b.g.rels[o.SourceRef], id)
			b.g.rels[o.TargetRef] = append(b.g.rels[o.TargetRef], id)
			if o.Description == "" {
				o.Description = describe(o, b.g.objects[o.SourceRef].Name, b.g.objects[o.TargetRef].Name, len(s.entries))
			}
		}
	}
	// The publisher has published since the oldest brief.
	first := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	last := first
	if n := len(b.ix.Entries); n > 0 {
		first, last = b.ix.Entries[n-1].Brief.Date, b.ix.Entries[n-1].Brief.Date
		for _, e := range b.ix.Entries {
			first, last = minTime(first, e.Brief.Date), maxTime(last, lastDate(e))
		}
	}
	public, _ := TLPMarkingID(brief.TLPClear)
	b.g.objects[b.publisher] = &Object{
		Type: "identity", SpecVersion: SpecVersion, ID: b.publisher, Created: ts(first), Modified: ts(last),
		Name: b.host, Description: "Publisher of the briefs at " + b.g.base + "/.",
		IdentityClass: "organization", ContactInformation: b.g.base + "/", ObjectMarkingRefs: []string{public},
	}
	for _, t := range brief.TLPLevels() {
		id, _ := TLPMarkingID(t)
		for _, o := range b.g.objects {
			if slices.Contains(o.ObjectMarkingRefs, id) {
				b.g.objects[id] = TLPMarking(t)
				break
			}
		}
	}
}

// describe says what a relationship rests on: briefs that name both ends.
func describe(o *Object, src, dst string, n int) string {
	briefs := fmt.Sprintf("%d brief%s", n, plural(n))
	switch o.RelationshipType {
	case "mitigates":
		verb := "recommend"
		if n == 1 {
			verb = "recommends"
		}
		return fmt.Sprintf("%s reporting the exploitation of %s %s %s.", briefs, dst, verb, src)
	case "originates-from":
		return fmt.Sprintf("The profile of %s gives its suspected origin as %s.", src, dst)
	case "indicates":
		return fmt.Sprintf("The indicator %s is given for activity involving %s in %s.", src, dst, briefs)
	}
	return fmt.Sprintf("%s %s %s: named together in %s.", src, o.RelationshipType, dst, briefs)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Brief returns the bundle of one brief: its report and everything the
// report refers to.
func (g *Graph) Brief(e *index.Entry) ([]byte, error) {
	return g.bundle("briefs/"+e.Brief.Slug, g.briefs[e])
}

// Term returns the bundle of an actor or a campaign: its object, every
// relationship to or from it (attributions with their claimants, what it
// uses and targets, its origin, the indicators of it) and the objects at
// their other ends. The reports stay in the briefs' bundles: each would
// bring everything its brief names, and an actor's bundle would grow with
// every actor it was ever named beside.
func (g *Graph) Term(t *index.Term) ([]byte, error) {
	var id string
	switch t.Kind {
	case "actors":
		id = ID("intrusion-set", t.Key)
	case "campaigns":
		id = ID("campaign", t.Key)
	default:
		return nil, fmt.Errorf("stix: no bundle for %s", t.URL)
	}
	if _, ok := g.objects[id]; !ok {
		return nil, fmt.Errorf("stix: %s has no object", t.URL)
	}
	return g.bundle(t.Kind+"/"+t.Slug, append([]string{id}, g.rels[id]...))
}

// Site returns the bundle of every object.
func (g *Graph) Site() ([]byte, error) {
	ids := make([]string, 0, len(g.objects))
	for id := range g.objects {
		ids = append(ids, id)
	}
	return g.bundle("site", ids)
}

// bundle writes the objects with the given IDs and every object they refer
// to, transitively, in a fixed order.
func (g *Graph) bundle(key string, ids []string) ([]byte, error) {
	seen := map[string]bool{}
	var objs []*Object
	for len(ids) > 0 {
		id := ids[len(ids)-1]
		ids = ids[:len(ids)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		o, ok := g.objects[id]
		if !ok {
			return nil, fmt.Errorf("stix: %s refers to %s, which was never made", key, id)
		}
		objs = append(objs, o)
		ids = append(ids, o.refs()...)
	}
	slices.SortFunc(objs, func(a, b *Object) int {
		return cmp.Or(cmp.Compare(typeRank[a.Type], typeRank[b.Type]), cmp.Compare(a.ID, b.ID))
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Bundle{Type: "bundle", ID: ID("bundle", key), Objects: objs}); err != nil {
		return nil, fmt.Errorf("stix: %s: %w", key, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Objects of each kind of term. Each returns the object's ID and a
// constructor for its first appearance.

func (b *builder) actor(t *index.Term) (string, func() *Object) {
	return ID("intrusion-set", t.Key), func() *Object {
		o := &Object{Name: t.Name}
		if p := t.Profile; p != nil {
			o.Description = p.Summary
			for _, s := range p.Synonyms {
				o.Aliases = append(o.Aliases, s.Name)
			}
			o.FirstSeen = monthStart(p.FirstSeen)
			o.PrimaryMotivation = motivation(p.Motivation)
			for _, x := range p.ExternalIDs {
				if x.Source == "mitre" {
					o.ExternalReferences = append(o.ExternalReferences, ExternalReference{SourceName: "mitre-attack", ExternalID: x.ID, URL: "https://attack.mitre.org/groups/" + x.ID + "/"})
				} else {
					o.ExternalReferences = append(o.ExternalReferences, ExternalReference{SourceName: x.Source, ExternalID: x.ID})
				}
			}
		}
		return o
	}
}

func (b *builder) campaign(t *index.Term) (string, func() *Object) {
	return ID("campaign", t.Key), func() *Object {
		o := &Object{Name: t.Name, FirstSeen: monthStart(t.FirstSeen), LastSeen: monthEnd(t.LastSeen)}
		if t.Profile != nil {
			o.Description = t.Profile.Summary
		}
		return o
	}
}

func (b *builder) sector(t *index.Term) (string, func() *Object) {
	return ID("identity", "sector|"+t.Key), func() *Object {
		o := &Object{Name: t.Name, Description: "Organizations in the " + t.Name + " sector.", IdentityClass: "class"}
		if t.STIX != "" {
			o.Sectors = []string{t.STIX}
		}
		return o
	}
}

func (b *builder) location(t *index.Term) (string, func() *Object) { return b.country(t.ID) }

func (b *builder) country(code string) (string, func() *Object) {
	return ID("location", code), func() *Object {
		name, ok := b.v.Country(code)
		if !ok {
			name = code
		}
		return &Object{Name: name, Country: code}
	}
}

// org is the identity of an organization that publishes or claims: one
// per name, whichever role it plays.
func (b *builder) org(name string) (string, func() *Object) {
	return ID("identity", "org|"+vocab.Norm(name)), func() *Object {
		return &Object{Name: name, IdentityClass: "organization"}
	}
}

func (b *builder) technique(t *index.Term) (string, func() *Object) {
	return ID("attack-pattern", t.ID), func() *Object {
		o := &Object{Name: t.Name, ExternalReferences: []ExternalReference{{
			SourceName: "mitre-attack", ExternalID: t.ID,
			URL: "https://attack.mitre.org/techniques/" + strings.ReplaceAll(t.ID, ".", "/") + "/",
		}}}
		for _, ta := range t.Tactics {
			o.KillChainPhases = append(o.KillChainPhases, KillChainPhase{KillChainName: "mitre-attack", PhaseName: ta})
		}
		return o
	}
}

func (b *builder) malware(t *index.Term) (string, func() *Object) {
	return ID("malware", t.Key), func() *Object {
		yes := true
		o := &Object{Name: t.Name, IsFamily: &yes}
		if p := t.Profile; p != nil {
			o.Description = p.Summary
			for _, s := range p.Synonyms {
				o.Aliases = append(o.Aliases, s.Name)
			}
		}
		return o
	}
}

func (b *builder) vulnerability(t *index.Term) (string, func() *Object) {
	return ID("vulnerability", t.ID), func() *Object {
		return &Object{Name: t.ID, ExternalReferences: []ExternalReference{{
			SourceName: "cve", ExternalID: t.ID, URL: "https://www.cve.org/CVERecord?id=" + t.ID,
		}}}
	}
}

func (b *builder) mitigation(t *index.Term) (string, func() *Object) {
	return ID("course-of-action", t.Key), func() *Object {
		o := &Object{Name: t.Name}
		if t.ID != "" {
			o.ExternalReferences = []ExternalReference{{SourceName: "mitre-attack", ExternalID: t.ID, URL: "https://attack.mitre.org/mitigations/" + t.ID + "/"}}
		}
		if t.Profile != nil {
			o.Description = t.Profile.Summary
		}
		return o
	}
}

// motivation maps a profile's motivation onto STIX's attack-motivation-ov
// where one value fits, and keeps it (the vocabulary is open) where none
// does.
func motivation(s string) string {
	k := strings.ToLower(strings.TrimSpace(s))
	switch k {
	case "":
		return ""
	case "financial", "financial gain", "profit", "crime", "criminal":
		return "personal-gain"
	case "espionage", "intelligence", "state", "strategic":
		return "organizational-gain"
	case "destruction", "disruption", "sabotage":
		return "dominance"
	case "hacktivism", "ideology", "ideological":
		return "ideology"
	}
	return strings.ReplaceAll(k, " ", "-")
}

// monthStart reads YYYY or YYYY-MM as the first instant of that period.
func monthStart(s string) string {
	t, _, ok := period(s)
	if !ok {
		return ""
	}
	return ts(t)
}

// monthEnd reads YYYY or YYYY-MM as the last millisecond of that period.
func monthEnd(s string) string {
	_, end, ok := period(s)
	if !ok {
		return ""
	}
	return ts(end)
}

func period(s string) (start, end time.Time, ok bool) {
	y, m, hasMonth := strings.Cut(s, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 {
		return start, end, false
	}
	if !hasMonth {
		start = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		return start, start.AddDate(1, 0, 0).Add(-time.Millisecond), true
	}
	month, err := strconv.Atoi(m)
	if err != nil || month < 1 || month > 12 {
		return start, end, false
	}
	start = time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0).Add(-time.Millisecond), true
}

// Write builds the graph and writes every bundle through write: the site's,
// each brief's, and each actor's and campaign's.
func Write(ix *index.Index, v *vocab.Vocab, baseURL string, write func(rel string, data []byte) error) error {
	g, err := Build(ix, v, baseURL)
	if err != nil {
		return err
	}
	data, err := g.Site()
	if err != nil {
		return err
	}
	if err := write(export.SiteSTIX, data); err != nil {
		return err
	}
	for _, e := range ix.Entries {
		if data, err = g.Brief(e); err != nil {
			return err
		}
		if err := write(export.BriefSTIX(e), data); err != nil {
			return err
		}
	}
	for _, k := range ix.Kinds {
		for _, t := range ix.Terms[k.Name] {
			if !export.HasSTIX(t) {
				continue
			}
			if data, err = g.Term(t); err != nil {
				return err
			}
			if err := write(export.TermSTIX(t), data); err != nil {
				return err
			}
		}
	}
	return nil
}
