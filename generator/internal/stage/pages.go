package stage

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// row is a brief as a line of a list: link, title and date (ISO and shown).
type row struct {
	URL, Title, Date, Shown string
}

func rowOf(e *index.Entry) row {
	return row{URL: rel(e.URL), Title: e.Brief.Title, Date: date(e), Shown: e.Brief.Date.Format("2 Jan 2006")}
}

func briefPage(e *index.Entry, related []*index.Entry, ix *index.Index, v *vocab.Vocab) *BriefPage {
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
	for _, k := range ix.Kinds {
		terms := e.Terms[k.Name]
		if len(terms) == 0 || k.Name == "sources" || k.Name == "campaigns" {
			continue
		}
		var items []Link
		for _, t := range terms {
			l := link(t)
			if k.Name == "techniques" {
				l.Note = strings.Join(tactics(t, v), ", ")
			}
			items = append(items, l)
		}
		p.Terms = append(p.Terms, TermGroup{Kind: k.Name, Title: k.Title, Items: template.HTML(chipItems(items, false))})
	}
	if len(related) > 0 {
		p.Related = template.HTML(relatedItems(related))
	}
	// The chips of the brief's card in lists: its first actors and sectors.
	for _, kind := range []string{"actors", "sectors"} {
		for i, t := range e.Terms[kind] {
			if i == 3 {
				break
			}
			p.Card = append(p.Card, link(t))
		}
	}

	// Claims, sources and indicators are staged as HTML list items and
	// table rows (see fragment.go): as maps, each of a 10,000-brief
	// library's ~60,000 would be decoded, copied and looped over by Hugo.
	var claims []claim
	for _, c := range e.Claims {
		claims = append(claims, claim{By: c.By, Actor: c.Actor.Name, URL: rel(c.Actor.URL), Confidence: c.Confidence})
	}
	if len(claims) > 0 {
		p.Claims = template.HTML(claimItems(claims))
	}

	var camps []campaignRow
	for _, c := range e.Campaigns {
		camps = append(camps, campaignRow{Name: c.Term.Name, URL: rel(c.Term.URL), First: c.FirstSeen, Last: c.LastSeen})
	}
	slices.SortStableFunc(camps, func(a, b campaignRow) int { return cmp.Compare(a.First, b.First) })
	if len(camps) > 0 {
		p.CampaignsSeen = template.HTML(campaignItems(camps))
	}

	var sources []source
	for _, src := range e.Sources {
		sources = append(sources, source{Name: src.Term.Name, TermURL: rel(src.Term.URL), Title: src.Title, URL: src.URL})
	}
	if len(sources) > 0 {
		p.SourcesCited = template.HTML(sourceItems(sources))
	}

	var iocs []brief.IOC
	for _, ioc := range b.IOCs {
		iocs = append(iocs, brief.IOC{Type: ioc.Type, Value: indicator.Defang(ioc.Type, ioc.Value), Note: ioc.Note})
	}
	if len(iocs) > 0 {
		p.IOCs = template.HTML(iocRows(iocs))
	}
	set := indicator.NewSet(b.IOCs)
	p.IndicatorDomains = set.Domains()
	p.IndicatorEmails = set.Emails()
	return p
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

func termPage(k taxonomy.Kind, t *index.Term, ix *index.Index, v *vocab.Vocab, o Options) *TermPage {
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
	// timeline. Each row is staged as data (not looked up and rendered by a
	// partial): a term page may list thousands of briefs, and Hugo's partial
	// cache holds only 1,000 entries.
	var rows []row
	for i, e := range t.Entries {
		rows = append(rows, rowOf(e))
		if i+1 == len(t.Entries) || t.Entries[i+1].Brief.Date.Year() != e.Brief.Date.Year() {
			p.Timeline = append(p.Timeline, YearRows{Year: e.Brief.Date.Year(), Items: template.HTML(rowItems(rows))})
			rows = rows[:0]
		}
	}

	if pr := t.Profile; pr != nil {
		for _, s := range pr.Synonyms {
			p.Synonyms = append(p.Synonyms, Synonym{Name: s.Name, By: s.By})
		}
		if pr.Origin != "" {
			name, _ := v.Country(pr.Origin)
			p.Origin = &Origin{Code: pr.Origin, Name: name}
			if ct, ok := ix.TermByKey("countries", pr.Origin); ok {
				p.Origin.URL = rel(ct.URL)
			}
		}
		p.Motivation = pr.Motivation
		p.FirstSeen = pr.FirstSeen
		for _, x := range pr.ExternalIDs {
			p.ExternalIDs = append(p.ExternalIDs, ExternalID{Source: x.Source, ID: x.ID, URL: externalURL(x.Source, x.ID)})
		}
	}
	switch k.Name {
	case "techniques":
		p.Tactics = tactics(t, v)
		if t.ID != "" {
			p.AttackURL = vocab.TechniqueURL(t.ID)
		}
	case "mitigations":
		if t.ID != "" {
			p.AttackURL = vocab.MitigationURL(t.ID)
		}
	case "vulnerabilities":
		p.CVEURL = vocab.CVEURL(t.ID)
	case "countries":
		p.ISOCode = t.ID
	case "sectors":
		p.STIXSector = t.STIX
	case "campaigns":
		p.Seen = &Seen{First: t.FirstSeen, Last: t.LastSeen}
	}

	// Co-occurring terms of every kind, with counts.
	for _, ok := range ix.Kinds {
		cs := t.Cooc[ok.Name]
		if len(cs) == 0 {
			continue
		}
		var items []Link
		for _, c := range cs[:min(len(cs), o.CoocLimit)] {
			l := link(c.Term)
			l.Count = c.N
			items = append(items, l)
		}
		p.Cooc = append(p.Cooc, CoocGroup{Kind: ok.Name, Title: ok.Title, Items: template.HTML(chipItems(items, true)), More: len(cs) - len(items)})
	}

	if len(t.Claims) > 0 {
		p.Claims = template.HTML(termClaimItems(t.Claims))
	}

	if k.Name == "actors" {
		var camps []campaignRow
		for _, c := range t.Cooc["campaigns"] {
			camps = append(camps, campaignRow{Name: c.Term.Name, URL: rel(c.Term.URL), First: c.Term.FirstSeen, Last: c.Term.LastSeen})
		}
		slices.SortStableFunc(camps, func(a, b campaignRow) int { return cmp.Compare(a.First, b.First) })
		if len(camps) > 0 {
			p.CampaignTimeline = template.HTML(campaignItems(camps))
		}
	}
	return p
}

func externalURL(source, id string) string {
	if source == "mitre" {
		return vocab.GroupURL(id)
	}
	return ""
}

func kindPage(k taxonomy.Kind, ix *index.Index, v *vocab.Vocab) *KindPage {
	terms := ix.Terms[k.Name]
	p := &KindPage{
		Title:       k.Title,
		Type:        "terms",
		Kind:        k.Name,
		Singular:    k.Singular,
		Description: k.Description,
		Count:       len(terms),
	}
	if k.Name == "techniques" {
		// Grouped by tactic in matrix order; a technique under several
		// tactics is listed under each.
		for _, ta := range v.Tactics() {
			g := Group{Title: ta.Name}
			for _, t := range terms {
				if slices.Contains(t.Tactics, ta.Short) {
					l := link(t)
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
			l := link(t)
			l.Count = len(t.Entries)
			if k.Name == "countries" {
				l.ID = t.ID
			}
			g.Items = append(g.Items, l)
		}
		p.Groups = append(p.Groups, g)
	}
	return p
}

func homePage(ix *index.Index) *HomePage {
	p := &HomePage{Title: "Threat Briefs"}
	for _, kind := range []string{"actors", "sectors", "techniques"} {
		title := map[string]string{"actors": "Most active actors", "sectors": "Most targeted sectors", "techniques": "Most seen techniques"}[kind]
		g := Group{Kind: kind, Title: title}
		for _, t := range ix.Top(kind, 8) {
			l := link(t)
			l.Count = len(t.Entries)
			g.Items = append(g.Items, l)
		}
		p.Top = append(p.Top, g)
	}
	return p
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
