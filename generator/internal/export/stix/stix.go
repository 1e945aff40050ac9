// Package stix turns the relationship index into STIX 2.1 bundles: one per
// brief, per actor, per campaign, and one for the whole site.
//
// Exporter accepts an export.Site (it reads the index, the vocabularies and
// the base URL) and writes stix/bundle.json, briefs/<slug>/stix.json for
// every brief and <kind>/<slug>/stix.json for every term that gets one of
// its own (export.OwnSTIX: not for a term named by one brief, whose page
// links that brief's bundle), all compact JSON. Build makes every object
// once, for the whole site, and encodes it once, so an object is the same,
// byte for byte, in every bundle that holds it, and a bundle is assembled
// from encoded objects rather than encoded again. Identifiers are UUIDv5 of a fixed
// namespace and the object's canonical key (see ID); timestamps come from
// brief dates only: an object is created on the date of the first brief
// naming it and modified on the latest date (or update) of one. Each object
// carries the TLP 2.0 marking of the least restricted brief naming it.
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
//   - sector → identity (identity_class class, sectors the STIX industry
//     sector); source publisher and claimant → identity (organization);
//   - country → location (country); technique → attack-pattern; malware →
//     malware (is_family); CVE → vulnerability; mitigation →
//     course-of-action; IOC → indicator with a STIX pattern.
//
// The relationships are campaign-centric. What a brief reports is activity:
// its campaigns (or the activity campaign above) use its techniques and
// malware and target its sectors, countries and CVEs, and are
// attributed-to its actors. Each assertion is made once, by the activity,
// and not again by every actor beside it: an actor that "uses" every
// technique of every campaign it was ever linked to would repeat each
// campaign's relationships once per actor, and say more than the brief
// does (two actors named in one brief need not both have used every
// technique in it). So:
//
//   - attribution claim → attributed-to (campaign → intrusion-set) with
//     created_by_ref the claimant's identity and confidence on STIX's 0-100
//     scale (brief.Confidence.Score);
//   - an actor the brief names without a claimant → attributed-to (campaign
//     → intrusion-set) with neither created_by_ref nor confidence: the
//     link is the publisher's, stated by the report that refers to it, and
//     its description says no claimant or confidence was given;
//   - a brief that names actors but no campaign and makes no claim keeps
//     the direct form: the intrusion-set uses and targets the terms;
//   - uses (→ attack-pattern, malware), targets (→ sector identity,
//     location, vulnerability), mitigates (course-of-action → vulnerability
//     named in the same brief), indicates (indicator → malware and the
//     activity of the same brief). These record what briefs report
//     together; the reports of the briefs that support a relationship list
//     it in their object_refs.
package stix

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

const stamp = "2006-01-02T15:04:05.000Z"

// item is an object being built and what the briefs naming it say about it.
//
// A relationship (seven objects in eight on a large library) has no Object:
// its few properties are fields here, and encodeRelationship writes it.
type item struct {
	id string
	o  *Object // every object but a relationship

	rel         string // a relationship's relationship_type
	src, dst    *item  // its ends
	claimant    *item  // its created_by_ref: the claimant of a claim
	confidence  int    // a claim's
	description string

	first, last int64        // Unix times: the first brief's date, the latest date or update
	tlp         int          // least restricted TLP rank
	n           int          // briefs naming it
	latest      *index.Entry // the last brief that touched it
	report      bool         // a report: dated and marked by its brief alone
	hops        *hops        // an intrusion-set's (see hop)
	ord         int32        // its place in the graph's order
}

// relKey identifies a relationship while the graph is built, without
// hashing its identifier: its type, its ends and, for a claim, the
// claimant's identity ID.
type relKey struct {
	typ      string
	src, dst *item
	extra    string
}

type builder struct {
	ids       idMaker
	refs      []*item          // the report being made's object_refs
	items     map[string]*item // by STIX ID
	terms     map[*index.Term]*item
	rels      map[relKey]*item
	reports   map[*index.Entry]*item
	v         *vocab.Vocab
	ix        *index.Index
	base      string // base URL without the trailing slash
	publisher string
	host      string
}

// hops is what an actor's campaigns use and target in the briefs that
// name the actor: one relationship for each thing used or targeted, from
// the newest such brief.
type hops struct {
	ends map[*item]bool // target_refs
	rels []*item
}

// hop records that a brief naming actor a reports it behind activity whose
// relationships are rels (uses and targets). Briefs come newest first.
func (b *builder) hop(a *item, rels []*item) {
	if a.hops == nil {
		a.hops = &hops{ends: map[*item]bool{}}
	}
	for _, r := range rels {
		if !a.hops.ends[r.dst] {
			a.hops.ends[r.dst] = true
			a.hops.rels = append(a.hops.rels, r)
		}
	}
}

// Build makes and encodes the STIX objects of every published brief.
func Build(ix *index.Index, v *vocab.Vocab, baseURL string) (*Graph, error) {
	pub, err := PublisherOf(baseURL)
	if err != nil {
		return nil, err
	}
	b := &builder{
		items:     map[string]*item{},
		terms:     map[*index.Term]*item{},
		rels:      map[relKey]*item{},
		reports:   make(map[*index.Entry]*item, len(ix.Entries)),
		v:         v,
		ix:        ix,
		base:      strings.TrimRight(baseURL, "/"),
		host:      pub.Name,
		publisher: pub.ID,
	}
	for _, e := range ix.Entries {
		if err := b.brief(e); err != nil {
			return nil, err
		}
	}
	b.finish()
	return encode(b)
}

// Publisher is the organization that publishes a site's briefs: the
// created_by_ref of every report, and the Orgc of every MISP event.
type Publisher struct {
	ID   string // identity--<UUID>, from the base URL
	Name string // the site's host
}

// UUID is the UUID part of the publisher's ID.
func (p Publisher) UUID() string { return strings.TrimPrefix(p.ID, "identity--") }

// PublisherOf returns the publisher of the site at baseURL.
func PublisherOf(baseURL string) (Publisher, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return Publisher{}, fmt.Errorf("stix: base URL: %w", err)
	}
	base := strings.TrimRight(baseURL, "/")
	return Publisher{ID: ID("identity", "publisher|"+base), Name: cmp.Or(u.Host, "threat-briefs")}, nil
}

func ts(t time.Time) string { return t.UTC().Format(stamp) }

func lastDate(e *index.Entry) time.Time {
	if e.Brief.Updated.After(e.Brief.Date) {
		return e.Brief.Updated
	}
	return e.Brief.Date
}

// object returns the item of id, made by mk the first time.
func (b *builder) object(id string, mk func() *Object) *item {
	it, ok := b.items[id]
	if !ok {
		o := mk()
		o.Type, o.SpecVersion, o.ID = typeOf(id), SpecVersion, id
		it = &item{id: id, o: o}
		b.items[id] = it
	}
	return it
}

// term returns the item of an index term, made by mk the first time.
func (b *builder) term(t *index.Term, mk func(t *index.Term) (string, func() *Object)) *item {
	it, ok := b.terms[t]
	if !ok {
		it = b.object(mk(t))
		b.terms[t] = it
	}
	return it
}

// visit is a brief being added: what touch records of it.
type visit struct {
	e           *index.Entry
	tlp         int   // its TLP rank
	first, last int64 // its date, and its update if later, in Unix time
}

// touch records that the brief holds it, and adds it to refs, the report's
// object_refs, unless refs is nil.
func (v *visit) touch(refs *[]*item, it *item) {
	if it.latest == v.e {
		return
	}
	if it.latest == nil {
		it.first, it.last, it.tlp = v.first, v.last, v.tlp
	}
	it.latest = v.e
	it.n++
	it.first = min(it.first, v.first)
	it.last = max(it.last, v.last)
	it.tlp = min(it.tlp, v.tlp)
	if refs != nil {
		*refs = append(*refs, it)
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// brief adds the objects one brief holds.
func (b *builder) brief(e *index.Entry) error {
	v := &visit{e: e, tlp: e.Brief.TLP.Rank(), first: e.Brief.Date.Unix(), last: lastDate(e).Unix()}
	refs := b.refs[:0]
	add := func(it *item) *item {
		v.touch(&refs, it)
		return it
	}
	terms := func(kind string, mk func(t *index.Term) (string, func() *Object)) []*item {
		out := make([]*item, 0, len(e.Terms[kind]))
		for _, t := range e.Terms[kind] {
			out = append(out, add(b.term(t, mk)))
		}
		return out
	}
	// A relationship's ID is that of its type, ends and (for a claim) its
	// claimant; mk completes it the first time.
	relation := func(typ string, src, dst *item, extra string, mk func(it *item)) *item {
		k := relKey{typ, src, dst, extra}
		it, ok := b.rels[k]
		if !ok {
			it = &item{id: b.ids.id("relationship", typ, "|", src.id, "|", dst.id, extra), rel: typ, src: src, dst: dst}
			if mk != nil {
				mk(it)
			}
			b.rels[k] = it
			b.items[it.id] = it
		}
		return it
	}
	rel := func(typ string, src, dst *item, extra string, mk func(it *item)) *item {
		return add(relation(typ, src, dst, extra, mk))
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
		add(b.object(b.org(src.Term.Name)))
	}
	// An actor's origin is its profile's statement, not the brief's: the
	// relationship is dated and marked by the briefs naming the actor, but
	// their reports do not refer to it (the actor's and the site's bundles
	// hold it). This comes after the brief's own terms, so a country the
	// brief names is in its report's refs already.
	for i, t := range e.Terms["actors"] {
		if t.Profile == nil || t.Profile.Origin == "" {
			continue
		}
		loc := b.object(b.country(strings.ToUpper(t.Profile.Origin)))
		v.touch(nil, loc)
		v.touch(nil, relation("originates-from", actors[i], loc, "", nil))
	}

	// The activity the brief reports, which uses and targets its terms:
	// its campaigns; or, when it names none but makes a claim, one campaign
	// standing for that activity, so the claim has a subject; or, when it
	// names actors only, the actors themselves.
	subjects := campaigns
	direct := false
	switch {
	case len(campaigns) > 0:
	case len(e.Claims) > 0:
		subjects = []*item{add(b.object(ID("campaign", "brief|"+e.Brief.Slug), func() *Object {
			return &Object{Name: e.Brief.Title,
				Description: "The activity reported in the brief \"" + e.Brief.Title + "\", which names no campaign."}
		}))}
	default:
		subjects, direct = actors, true
	}
	var claimed []*index.Term
	for _, c := range e.Claims {
		claimed = append(claimed, c.Actor)
		claimant := add(b.object(b.org(c.By)))
		actor := b.term(c.Actor, b.actor)
		score := c.Confidence.Score()
		for _, s := range subjects {
			rel("attributed-to", s, actor, "|"+claimant.id, func(it *item) {
				it.claimant, it.confidence = claimant, score
				it.description = fmt.Sprintf("%s attributes %s to %s with %s confidence.", c.By, s.o.Name, c.Actor.Name, c.Confidence)
			})
		}
	}
	if !direct {
		for i, t := range e.Terms["actors"] {
			if slices.Contains(claimed, t) {
				continue
			}
			for _, s := range subjects {
				rel("attributed-to", s, actors[i], "", nil) // described in finish
			}
		}
	}
	var done []*item // what the activity uses and targets
	for _, who := range subjects {
		for _, ts := range [][]*item{techniques, malware} {
			for _, t := range ts {
				done = append(done, rel("uses", who, t, "", nil))
			}
		}
		for _, ts := range [][]*item{sectors, countries, vulns} {
			for _, t := range ts {
				done = append(done, rel("targets", who, t, "", nil))
			}
		}
	}
	if !direct {
		for _, a := range actors {
			b.hop(a, done)
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
		ind := add(b.object(ID("indicator", ioc.Type+"|"+ioc.Value), func() *Object {
			typ := "malicious-activity"
			if ioc.Type == "filename" { // a name alone is not proof of malice
				typ = "anomalous-activity"
			}
			return &Object{Name: ioc.Value, Description: ioc.Note, IndicatorTypes: []string{typ},
				Pattern: pattern, PatternType: "stix", PatternVersion: "2.1"}
		}))
		// The indicator points at the activity; the actors behind it are one
		// attributed-to away, as for what the activity uses.
		for _, ts := range [][]*item{malware, subjects} {
			for _, t := range ts {
				rel("indicates", ind, t, "", nil)
			}
		}
	}

	ids := make([]string, len(refs))
	for i, it := range refs {
		ids[i] = it.id
	}
	b.refs = refs[:0]
	if len(ids) == 0 { // object_refs may not be empty
		ids = []string{b.publisher}
	}
	slices.Sort(ids)
	report := ID("report", e.Brief.Slug)
	rep := &Object{
		Type: "report", SpecVersion: SpecVersion, ID: report, CreatedByRef: b.publisher,
		Created: ts(e.Brief.Date), Modified: ts(lastDate(e)),
		Name: e.Brief.Title, Description: e.Brief.Summary,
		ReportTypes: []string{"threat-report"}, Published: ts(e.Brief.Date), ObjectRefs: ids,
		ExternalReferences: []ExternalReference{{SourceName: b.host, URL: b.base + e.URL}},
	}
	for _, src := range e.Sources {
		if src.URL != "" {
			rep.ExternalReferences = append(rep.ExternalReferences, ExternalReference{SourceName: src.Term.Name, Description: src.Title, URL: src.URL})
		}
	}
	if m, ok := TLPMarkingID(e.Brief.TLP); ok {
		rep.ObjectMarkingRefs = []string{m}
	}
	// A report is its brief's alone: it is dated and marked by its brief
	// here, not in finish.
	it := &item{id: report, o: rep, report: true}
	b.items[report] = it
	b.reports[e] = it
	return nil
}

// finish dates and marks every object from the briefs that name it, and
// adds the publisher and the marking definitions in use.
func (b *builder) finish() {
	levels := brief.TLPLevels()
	used := map[string]bool{}
	for _, it := range b.items {
		if it.report {
			used[it.o.ObjectMarkingRefs[0]] = true
			continue
		}
		m, ok := TLPMarkingID(levels[it.tlp])
		if ok {
			used[m] = true
		}
		if it.o == nil { // a relationship: encodeRelationship dates and marks it
			if it.description == "" {
				it.description = b.describe(it.rel, it.src.o.Name, it.dst.o.Name, it.n)
			}
			continue
		}
		o := it.o
		o.Created, o.Modified = ts(time.Unix(it.first, 0)), ts(time.Unix(it.last, 0))
		if ok {
			o.ObjectMarkingRefs = []string{m}
		}
		if o.Type == "indicator" {
			o.ValidFrom = o.Created
		}
	}
	// The publisher has published since the oldest brief.
	first := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	last := first
	if n := len(b.ix.Entries); n > 0 {
		// Entries are newest first: the last is the oldest. The latest
		// update may be on any brief.
		first, last = b.ix.Entries[n-1].Brief.Date, b.ix.Entries[n-1].Brief.Date
		for _, e := range b.ix.Entries {
			last = maxTime(last, lastDate(e))
		}
	}
	public, _ := TLPMarkingID(brief.TLPClear)
	used[public] = true
	b.items[b.publisher] = &item{id: b.publisher, o: &Object{
		Type: "identity", SpecVersion: SpecVersion, ID: b.publisher, Created: ts(first), Modified: ts(last),
		Name: b.host, Description: "Publisher of the briefs at " + b.base + "/.",
		IdentityClass: "organization", ContactInformation: b.base + "/", ObjectMarkingRefs: []string{public},
	}}
	for _, t := range levels {
		if id, _ := TLPMarkingID(t); used[id] {
			b.items[id] = &item{id: id, o: TLPMarking(t)}
		}
	}
}

// describe says where a relationship comes from when that is not the
// briefs that name both its ends: an origin comes from the actor's profile,
// and an attribution without a claimant from the publisher (a claim is
// described when it is made). The uses, targets, mitigates and indicates
// relationships have no description: one would only restate the names of
// their ends, which the bundle holds, and the number of briefs behind them,
// which the reports referring to them give; on a library of 10,000 briefs
// it was a fifth of every relationship's bytes.
func (b *builder) describe(rel, src, dst string, n int) string {
	switch rel {
	case "originates-from":
		return fmt.Sprintf("The profile of %s gives its suspected origin as %s.", src, dst)
	case "attributed-to":
		verb := "link"
		if n == 1 {
			verb = "links"
		}
		return fmt.Sprintf("%d brief%s published at %s/ %s %s to %s without naming who attributes it or with what confidence.",
			n, plural(n), b.base, verb, src, dst)
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
