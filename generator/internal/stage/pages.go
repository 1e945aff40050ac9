package stage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/feeds"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
	"github.com/threatbriefs/threatbriefs/generator/internal/worldmap"
)

// stager builds the pages of one site.
type stager struct {
	ix    *index.Index
	v     *vocab.Vocab
	o     Options
	items *Items
	// dirIndex ends every link to a directory: "" on the web, DirIndex
	// in the offline edition.
	dirIndex string
	// shallow renders the lists of pages one level deep (a kind's list
	// page), root those of the home page.
	shallow, root *Items
	world         *worldmap.Map // the country outlines
}

// countryTerm returns the term of the country with ISO code code, if
// briefs name it.
func (s *stager) countryTerm(code string) (*index.Term, bool) {
	k, ok := s.ix.Kinds.Resolving(taxonomy.ByCountry)
	if !ok {
		return nil, false
	}
	return s.ix.TermByKey(k.Name, code)
}

func (s *stager) briefRow(e *index.Entry) BriefRow {
	return BriefRow{URL: s.rel(e.URL), Title: e.Brief.Title, Date: date(e), Shown: e.Brief.Date.Format("2 Jan 2006")}
}

func (s *stager) briefPage(l *lists, e *index.Entry, related []*index.Entry) (*BriefPage, error) {
	ix, v := s.ix, s.v
	b := e.Brief
	p := &BriefPage{
		Title:       b.Title,
		Date:        date(e),
		Summary:     b.Summary,
		Description: b.Summary,
		TLP:         b.TLP,
		SourceFile:  b.File,
		Exports:     exports(export.ForBrief(e)),
	}
	if !b.Updated.IsZero() {
		p.Lastmod = b.Updated.Format("2006-01-02")
	}
	// The site feed's item (layouts/_partials/rss-item.xml) gives the GUID
	// and categories the term feeds give (package export/feeds).
	if feeds.InSiteFeed(ix, e) {
		p.Feed = &FeedItem{GUID: feeds.GUID(e), Categories: feeds.Categories(ix, e)}
	}
	for _, k := range ix.Kinds {
		terms := e.Terms[k.Name]
		if len(terms) == 0 || !k.BriefChips {
			continue
		}
		var items []Link
		for _, t := range terms {
			l := s.link(t)
			l.Note = strings.Join(tactics(t, v), ", ")
			items = append(items, l)
		}
		p.Terms = append(p.Terms, TermGroup{Kind: k.Name, Title: k.Title, Stacked: k.StackedChips, Items: render(l, itemChip, l.chips, items)})
	}
	if len(related) > 0 {
		rows := make([]BriefRow, len(related))
		for i, r := range related {
			rows[i] = s.briefRow(r)
			rows[i].Summary = r.Brief.Summary
		}
		p.Related = render(l, itemRelated, l.related, rows)
	}
	// The chips of the brief's card in lists: its first terms of the
	// kinds that have some.
	for _, k := range ix.Kinds {
		for _, t := range e.Terms[k.Name][:min(len(e.Terms[k.Name]), k.CardChips)] {
			p.Card = append(p.Card, s.link(t))
		}
	}

	// Claims, sources and indicators are pre-rendered lists too (see
	// items.go): as maps, each of a 10,000-brief library's ~60,000 would be
	// decoded, copied and looped over by Hugo.
	if len(e.Claims) > 0 {
		rows := make([]ClaimRow, len(e.Claims))
		for i, c := range e.Claims {
			rows[i] = ClaimRow{By: c.By, Actor: c.Actor.Name, URL: s.rel(c.Actor.URL), Confidence: meter(c.Confidence)}
		}
		p.Claims = render(l, itemClaim, nil, rows)
	}
	if len(e.Campaigns) > 0 {
		ds := make([]dated, len(e.Campaigns))
		for i, c := range e.Campaigns {
			ds[i] = dated{c.Term, c.FirstSeen, c.LastSeen}
		}
		p.CampaignsSeen = render(l, itemCampaign, nil, s.campaignRows(ds))
	}
	if len(e.Sources) > 0 {
		rows := make([]SourceRow, len(e.Sources))
		for i, src := range e.Sources {
			rows[i] = SourceRow{Name: src.Term.Name, URL: s.rel(src.Term.URL), Title: src.Title}
			// Validation accepts only http(s) source URLs; anything else is
			// never made a link, should it get this far.
			if u := strings.ToLower(src.URL); strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
				rows[i].Link = src.URL
			}
		}
		p.SourcesCited = render(l, itemSource, nil, rows)
	}
	if len(b.IOCs) > 0 {
		rows := make([]IOCRow, len(b.IOCs))
		for i, ioc := range b.IOCs {
			rows[i] = IOCRow{Type: ioc.Type, Value: indicator.Defang(ioc.Type, ioc.Value), Note: ioc.Note}
		}
		p.IOCs = render(l, itemIOC, nil, rows)
	}
	set := indicator.NewSet(b.IOCs)
	p.IndicatorDomains = set.Domains()
	p.IndicatorEmails = set.Emails()
	p.Matrix = s.matrix(l, []*index.Entry{e}, false)
	return p, l.err
}

// dated is a campaign with the months it was seen.
type dated struct {
	t           *index.Term
	first, last string // YYYY-MM or YYYY; last may be empty
}

// campaignRows orders campaigns by when they were first seen (undated
// first) and writes their months as pages show them.
func (s *stager) campaignRows(ds []dated) []CampaignRow {
	slices.SortStableFunc(ds, func(a, b dated) int { return cmp.Compare(a.first, b.first) })
	rows := make([]CampaignRow, len(ds))
	for i, d := range ds {
		rows[i] = CampaignRow{Name: d.t.Name, URL: s.rel(d.t.URL)}
		if d.first != "" {
			rows[i].First = month(d.first)
			if d.last != "" && d.last != d.first {
				rows[i].Last = month(d.last)
			}
		}
	}
	return rows
}

// month shows "2024-08" as "Aug 2024"; anything else (a year) as it is.
func month(s string) string {
	if t, err := time.Parse("2006-01", s); err == nil {
		return t.Format("Jan 2006")
	}
	return s
}

// tactics names a technique's tactics.
func tactics(t *index.Term, v *vocab.Vocab) []string {
	var names []string
	for _, s := range t.Tactics {
		if ta, ok := v.Tactic(s); ok {
			names = append(names, ta.Name)
		}
	}
	return names
}

func (s *stager) termPage(l *lists, k taxonomy.Kind, t *index.Term) (*TermPage, error) {
	ix, v, o := s.ix, s.v, s.o
	p := &TermPage{
		Title:     t.Name,
		Type:      "term",
		Outputs:   []string{"html"},
		Kind:      k.Name,
		KindTitle: k.Title,
		Singular:  k.Singular,
		TermID:    t.ID,
		Count:     len(t.Entries),
		// The term's feeds are written by the feeds package, not Hugo.
		Feeds:   Feeds{RSS: export.TermRSS(t), JSON: export.TermJSONFeed(t)},
		Exports: exports(export.ForTerm(t)),
	}
	if len(t.Entries) > 0 {
		p.Date = date(t.Entries[0])
	}
	p.Summary = fmt.Sprintf("%s named in %d brief%s.", capitalize(k.Singular), len(t.Entries), plural(len(t.Entries)))
	if t.Profile != nil && t.Profile.Summary != "" {
		p.Summary = t.Profile.Summary
	}
	p.Description = p.Summary

	// The briefs naming the term, newest first, by year: the page's dated
	// timeline, pre-rendered (a term page may list thousands of briefs).
	var rows []BriefRow
	for i, e := range t.Entries {
		rows = append(rows, s.briefRow(e))
		if i+1 == len(t.Entries) || t.Entries[i+1].Brief.Date.Year() != e.Brief.Date.Year() {
			p.Timeline = append(p.Timeline, YearRows{Year: e.Brief.Date.Year(), Items: render(l, itemBrief, l.briefs, rows)})
			rows = rows[:0]
		}
	}

	// Other names: the profile's, with who coined them, then ATT&CK's.
	for _, a := range t.Aliases() {
		p.Synonyms = append(p.Synonyms, Synonym{Name: a.Name, By: a.By})
	}
	if pr := t.Profile; pr != nil {
		if pr.Origin != "" {
			name, _ := v.Country(pr.Origin)
			p.Origin = &Origin{Code: pr.Origin, Name: name}
			if ct, ok := s.countryTerm(pr.Origin); ok {
				p.Origin.URL = s.rel(ct.URL)
			}
		}
		p.Motivation = pr.Motivation
		if pr.FirstSeen != "" {
			p.ActiveSince = month(pr.FirstSeen)
		}
		for _, x := range pr.ExternalIDs {
			if t.Attack != nil && x.ID == t.Attack.ID {
				continue // shown as the ATT&CK link
			}
			p.ExternalIDs = append(p.ExternalIDs, ExternalID{Source: x.Source, ID: x.ID, URL: externalURL(x.Source, x.ID)})
		}
	}
	// What the term's resolution knows of it, where it knows it.
	p.Tactics = tactics(t, v)
	p.AttackURL, p.CVEURL, p.ISOCode, p.STIXSector = t.AttackURL, t.CVEURL, t.ISOCode, t.STIX
	if t.Attack != nil { // the ATT&CK group or software an actor or malware term is
		p.AttackID, p.AttackURL = t.Attack.ID, t.Attack.URL()
	}
	first, last := t.FirstSeen, t.LastSeen // the months briefs date a campaign to
	if k.SeenSpan {
		first, last = seenSpan(ix, t)
	}
	if first != "" {
		p.Seen = &Seen{First: month(first)}
		if last != "" && last != first {
			p.Seen.Last = month(last)
		}
	}

	// Co-occurring terms of every kind, with counts.
	for _, ok := range ix.Kinds {
		cs := t.Cooc[ok.Name]
		if len(cs) == 0 {
			continue
		}
		var items []Link
		for _, c := range cs[:min(len(cs), o.CoocLimit)] {
			l := s.link(c.Term)
			l.Count = c.N
			items = append(items, l)
		}
		p.Cooc = append(p.Cooc, CoocGroup{Kind: ok.Name, Title: ok.Title, Items: render(l, itemChip, l.chips, items), More: len(cs) - len(items)})
	}

	if len(t.Claims) > 0 {
		rows := make([]TermClaimRow, len(t.Claims))
		for i, c := range t.Claims {
			r := s.briefRow(c.Entry)
			rows[i] = TermClaimRow{By: c.By, Confidence: meter(c.Confidence), URL: r.URL, Title: r.Title, Date: r.Date, Shown: r.Shown}
		}
		p.Claims = render(l, itemTermClaim, nil, rows)
	}

	if campaigns, ok := ix.Kinds.WithRole(taxonomy.Dated); ok && k.CampaignTimeline {
		if cs := t.Cooc[campaigns.Name]; len(cs) > 0 {
			ds := make([]dated, len(cs))
			for i, c := range cs {
				ds[i] = dated{c.Term, c.Term.FirstSeen, c.Term.LastSeen}
			}
			p.CampaignTimeline = render(l, itemCampaign, nil, s.campaignRows(ds))
			terms := make([]*index.Term, len(cs))
			for i, c := range cs {
				terms[i] = c.Term
			}
			p.CampaignBars = s.campaignBars(terms)
		}
	}
	if k.Matrix {
		p.Matrix = s.matrix(l, t.Entries, true)
	}
	p.Activity = activity(l, t.Entries)
	if k.Map {
		p.Map = s.countryMap(l, s.termCountries(t))
	}
	return p, l.err
}

func externalURL(source, id string) string {
	if source == "mitre" {
		return vocab.AttackURL(id)
	}
	return ""
}

// kindPage is a kind's list page; l renders for its depth (one level).
func (s *stager) kindPage(l *lists, k taxonomy.Kind) (*KindPage, error) {
	ix, v := s.ix, s.v
	terms := ix.Terms[k.Name]
	p := &KindPage{
		Title:       k.Title,
		Type:        "terms",
		Kind:        k.Name,
		Singular:    k.Singular,
		Description: k.Description,
		Count:       len(terms),
		ByTactic:    k.GroupByTactic,
	}
	if k.GroupByTactic {
		// Grouped by tactic in matrix order; a technique under several
		// tactics is listed under each.
		for _, ta := range v.Tactics() {
			g := Group{Title: ta.Name}
			for _, t := range terms {
				if slices.Contains(t.Tactics, ta.Short) {
					l := s.link(t)
					l.Count = len(t.Entries)
					g.Items = append(g.Items, l)
				}
			}
			if len(g.Items) > 0 {
				p.Groups = append(p.Groups, g)
			}
		}
	} else {
		g := Group{Title: ""}
		for _, t := range terms {
			l := s.link(t)
			l.Count = len(t.Entries)
			if k.IDs == taxonomy.IDInList {
				l.ID = t.ID
			}
			g.Items = append(g.Items, l)
		}
		p.Groups = append(p.Groups, g)
	}
	if k.SiteMatrix {
		p.Matrix = s.matrix(l, ix.Entries, true)
		// Entries are newest first: each year's are a run of them.
		for i := 0; i < len(ix.Entries); {
			y := ix.Entries[i].Brief.Date.Year()
			j := i
			for j < len(ix.Entries) && ix.Entries[j].Brief.Date.Year() == y {
				j++
			}
			if m := s.matrix(l, ix.Entries[i:j], true); m != nil {
				p.Years = append(p.Years, YearMatrix{Year: y, Matrix: *m})
			}
			i = j
		}
	}
	return p, l.err
}

// fullMatrixSlug is the full matrix page's name in its kind's section.
const fullMatrixSlug = "matrix"

// FullMatrixPath is where the full ATT&CK matrix page of kind k (the one
// flagged SiteMatrix) is staged.
func FullMatrixPath(k taxonomy.Kind) string { return k.Name + "/" + fullMatrixSlug + ".md" }

// fullMatrixPage is the full ATT&CK matrix of every brief (kind k is the
// one flagged SiteMatrix); l renders it two levels down, as a term page.
func (s *stager) fullMatrixPage(l *lists, k taxonomy.Kind) (*FullMatrixPage, error) {
	m := s.fullMatrix(l, s.ix.Entries)
	p := &FullMatrixPage{
		Title:   "Full ATT&CK matrix",
		Type:    "matrix",
		Outputs: []string{"html"},
		Description: fmt.Sprintf("Every technique of ATT&CK Enterprise %s under its tactics, %d of them named in %d brief%s, shaded by how many name each.",
			s.v.AttackVersion, m.Techniques, m.Briefs, plural(m.Briefs)),
		Kind:   Link{Name: k.Title, URL: s.rel(k.Name + "/")},
		Matrix: m,
	}
	return p, l.err
}

// seenSpan is when a term was first and last seen (YYYY-MM): the months
// of its briefs and of the campaigns named with it, whichever are earliest
// and latest.
func seenSpan(ix *index.Index, t *index.Term) (first, last string) {
	if len(t.Entries) == 0 {
		return "", ""
	}
	first = t.Entries[len(t.Entries)-1].Brief.Date.Format("2006-01")
	last = t.Entries[0].Brief.Date.Format("2006-01")
	if campaigns, ok := ix.Kinds.WithRole(taxonomy.Dated); ok {
		for _, c := range t.Cooc[campaigns.Name] {
			if f := c.Term.FirstSeen; f != "" && f < first {
				first = f
			}
			if l := c.Term.LastSeen; l > last {
				last = l
			}
		}
	}
	return first, last
}

// homePage is the home page; l renders its lists at the site root.
func (s *stager) homePage(l *lists) (*HomePage, error) {
	ix := s.ix
	p := &HomePage{Title: "Threat Briefs", Activity: activity(l, ix.Entries), Map: s.countryMap(l, s.allCountries())}
	if len(ix.Entries) > 0 {
		// The last 12 months to the newest brief (not to the day of the
		// build: the same briefs make the same site).
		from := ix.Entries[0].Brief.Date.AddDate(-1, 0, 1)
		n := 0
		for n < len(ix.Entries) && !ix.Entries[n].Brief.Date.Before(from) {
			n++
		}
		p.Matrix, p.MatrixFrom = s.matrix(l, ix.Entries[:n], true), from.Format("2 Jan 2006")
	}
	p.Cross = s.cross(8)
	for _, k := range ix.Kinds {
		if k.HomeTop == "" {
			continue
		}
		g := Group{Kind: k.Name, Title: k.HomeTop}
		for _, t := range ix.Top(k.Name, 8) {
			l := s.link(t)
			l.Count = len(t.Entries)
			g.Items = append(g.Items, l)
		}
		p.Top = append(p.Top, g)
	}
	return p, l.err
}

// cross is the home page's table of the n most named terms of the kind
// flagged CrossRows against the n most named of the kind flagged
// CrossColumns, or nil without such kinds or terms.
func (s *stager) cross(n int) *Cross {
	ix := s.ix
	var rk, ck *taxonomy.Kind
	for i, k := range ix.Kinds {
		if k.CrossRows {
			rk = &ix.Kinds[i]
		}
		if k.CrossColumns {
			ck = &ix.Kinds[i]
		}
	}
	if rk == nil || ck == nil {
		return nil
	}
	rows, cols := ix.Top(rk.Name, n), ix.Top(ck.Name, n)
	if len(rows) == 0 || len(cols) == 0 {
		return nil
	}
	c := &Cross{Title: fmt.Sprintf("%s by %s", rk.Title, ck.Singular), RowKind: rk.Title}
	for _, t := range cols {
		c.Columns = append(c.Columns, s.link(t))
	}
	most := 0
	counts := make([][]int, len(rows))
	for i, r := range rows {
		counts[i] = make([]int, len(cols))
		for _, co := range r.Cooc[ck.Name] {
			if j := slices.Index(cols, co.Term); j >= 0 {
				counts[i][j] = co.N
				most = max(most, co.N)
			}
		}
	}
	if most == 0 {
		return nil
	}
	for i, r := range rows {
		row := CrossRow{Term: s.link(r)}
		for _, n := range counts[i] {
			cell := CrossCell{Count: n}
			if n > 0 {
				cell.Step = step(n, most)
			}
			row.Cells = append(row.Cells, cell)
		}
		c.Rows = append(c.Rows, row)
	}
	c.Legend = legend(most)
	return c
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
