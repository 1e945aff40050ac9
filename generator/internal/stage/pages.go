package stage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/feeds"
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

func briefPage(e *index.Entry, related []*index.Entry, ix *index.Index, v *vocab.Vocab) map[string]any {
	b := e.Brief
	fm := map[string]any{
		"title":       b.Title,
		"date":        date(e),
		"summary":     b.Summary,
		"description": b.Summary,
		"tlp":         b.TLP,
		"source_file": b.File,
		"exports":     export.ForBrief(e),
	}
	if !b.Updated.IsZero() {
		fm["lastmod"] = b.Updated.Format("2006-01-02")
	}
	// The site feed's item (layouts/_partials/rss-item.xml) gives the GUID
	// and categories the term feeds give (package feeds).
	if feeds.InSiteFeed(ix, e) {
		fm["feed"] = map[string]any{"guid": feeds.GUID(e), "categories": feeds.Categories(ix, e)}
	}
	var groups []map[string]string
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
		groups = append(groups, map[string]string{"kind": k.Name, "title": k.Title, "items": chipItems(items, false)})
	}
	fm["terms"] = groups
	if len(related) > 0 {
		fm["related"] = relatedItems(related)
	}
	// The chips of the brief's card in lists: its first actors and sectors.
	var card []Link
	for _, kind := range []string{"actors", "sectors"} {
		for i, t := range e.Terms[kind] {
			if i == 3 {
				break
			}
			card = append(card, link(t))
		}
	}
	fm["card"] = card

	// Claims, sources and indicators are staged as HTML list items and
	// table rows (see fragment.go): as maps, each of a 10,000-brief
	// library's ~60,000 would be decoded, copied and looped over by Hugo.
	var claims []claim
	for _, c := range e.Claims {
		claims = append(claims, claim{By: c.By, Actor: c.Actor.Name, URL: rel(c.Actor.URL), Confidence: c.Confidence})
	}
	if len(claims) > 0 {
		fm["claims"] = claimItems(claims)
	}

	var camps []campaignRow
	for _, c := range e.Campaigns {
		camps = append(camps, campaignRow{Name: c.Term.Name, URL: rel(c.Term.URL), First: c.FirstSeen, Last: c.LastSeen})
	}
	slices.SortStableFunc(camps, func(a, b campaignRow) int { return cmp.Compare(a.First, b.First) })
	if len(camps) > 0 {
		fm["campaigns_seen"] = campaignItems(camps)
	}

	var sources []source
	for _, src := range e.Sources {
		sources = append(sources, source{Name: src.Term.Name, TermURL: rel(src.Term.URL), Title: src.Title, URL: src.URL})
	}
	if len(sources) > 0 {
		fm["sources_cited"] = sourceItems(sources)
	}

	var iocs []brief.IOC
	for _, ioc := range b.IOCs {
		iocs = append(iocs, brief.IOC{Type: ioc.Type, Value: indicator.Defang(ioc.Type, ioc.Value), Note: ioc.Note})
	}
	if len(iocs) > 0 {
		fm["iocs"] = iocRows(iocs)
	}
	set := indicator.NewSet(b.IOCs)
	if d := set.Domains(); len(d) > 0 {
		fm["indicator_domains"] = d
	}
	if m := set.Emails(); len(m) > 0 {
		fm["indicator_emails"] = m
	}
	return fm
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

func termPage(k taxonomy.Kind, t *index.Term, ix *index.Index, v *vocab.Vocab, o Options) map[string]any {
	fm := map[string]any{
		"title":      t.Name,
		"type":       "term",
		"kind":       k.Name,
		"kind_title": k.Title,
		"singular":   k.Singular,
		"term_id":    t.ID,
		"count":      len(t.Entries),
		"outputs":    []string{"html"},
		// The term's feeds are written by the feeds package, not Hugo.
		"feeds":   map[string]string{"rss": export.TermRSS(t), "json": export.TermJSONFeed(t)},
		"exports": export.ForTerm(t),
	}
	if len(t.Entries) > 0 {
		fm["date"] = date(t.Entries[0])
	}
	summary := fmt.Sprintf("%s named in %d brief%s.", capitalize(k.Singular), len(t.Entries), plural(len(t.Entries)))
	if t.Profile != nil && t.Profile.Summary != "" {
		summary = t.Profile.Summary
	}
	fm["summary"] = summary
	fm["description"] = summary

	// The briefs naming the term, newest first, by year: the page's dated
	// timeline. Each row is staged as data (not looked up and rendered by a
	// partial): a term page may list thousands of briefs, and Hugo's partial
	// cache holds only 1,000 entries.
	var timeline []map[string]any
	var rows []row
	for i, e := range t.Entries {
		rows = append(rows, rowOf(e))
		if i+1 == len(t.Entries) || t.Entries[i+1].Brief.Date.Year() != e.Brief.Date.Year() {
			timeline = append(timeline, map[string]any{"year": e.Brief.Date.Year(), "items": rowItems(rows)})
			rows = rows[:0]
		}
	}
	fm["timeline"] = timeline

	// Other names: the profile's, with who coined them, then ATT&CK's.
	if aliases := t.Aliases(); len(aliases) > 0 {
		var syn []map[string]string
		for _, s := range aliases {
			syn = append(syn, map[string]string{"name": s.Name, "by": s.By})
		}
		fm["synonyms"] = syn
	}
	if t.Attack != nil {
		fm["attack_id"] = t.Attack.ID
		fm["attack_url"] = t.Attack.URL()
	}
	if p := t.Profile; p != nil {
		if p.Origin != "" {
			name, _ := v.Country(p.Origin)
			origin := map[string]string{"code": p.Origin, "name": name}
			if ct, ok := ix.TermByKey("countries", p.Origin); ok {
				origin["url"] = rel(ct.URL)
			}
			fm["origin"] = origin
		}
		fm["motivation"] = p.Motivation
		fm["first_seen"] = p.FirstSeen
		var ext []map[string]string
		for _, x := range p.ExternalIDs {
			if t.Attack != nil && x.ID == t.Attack.ID {
				continue // shown as the ATT&CK link
			}
			ext = append(ext, map[string]string{"source": x.Source, "id": x.ID, "url": externalURL(x.Source, x.ID)})
		}
		fm["external_ids"] = ext
	}
	switch k.Name {
	case "techniques":
		fm["tactics"] = tactics(t, v)
		if t.ID != "" {
			fm["attack_url"] = vocab.TechniqueURL(t.ID)
		}
	case "mitigations":
		if t.ID != "" {
			fm["attack_url"] = vocab.MitigationURL(t.ID)
		}
	case "vulnerabilities":
		fm["cve_url"] = vocab.CVEURL(t.ID)
	case "countries":
		fm["iso_code"] = t.ID
	case "sectors":
		fm["stix_sector"] = t.STIX
	case "campaigns":
		fm["seen"] = map[string]string{"first": t.FirstSeen, "last": t.LastSeen}
	}

	// Co-occurring terms of every kind, with counts.
	var cooc []map[string]any
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
		cooc = append(cooc, map[string]any{"kind": ok.Name, "title": ok.Title, "items": chipItems(items, true), "more": len(cs) - len(items)})
	}
	fm["cooc"] = cooc

	if len(t.Claims) > 0 {
		fm["claims"] = termClaimItems(t.Claims)
	}

	if k.Name == "actors" {
		var camps []campaignRow
		for _, c := range t.Cooc["campaigns"] {
			camps = append(camps, campaignRow{Name: c.Term.Name, URL: rel(c.Term.URL), First: c.Term.FirstSeen, Last: c.Term.LastSeen})
		}
		slices.SortStableFunc(camps, func(a, b campaignRow) int { return cmp.Compare(a.First, b.First) })
		if len(camps) > 0 {
			fm["campaign_timeline"] = campaignItems(camps)
		}
	}
	return fm
}

func externalURL(source, id string) string {
	if source == "mitre" {
		return vocab.AttackURL(id)
	}
	return ""
}

func kindPage(k taxonomy.Kind, ix *index.Index, v *vocab.Vocab) map[string]any {
	terms := ix.Terms[k.Name]
	fm := map[string]any{
		"title":       k.Title,
		"type":        "terms",
		"kind":        k.Name,
		"singular":    k.Singular,
		"description": k.Description,
		"count":       len(terms),
	}
	var groups []Group
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
				groups = append(groups, g)
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
		groups = append(groups, g)
	}
	fm["groups"] = groups
	return fm
}

func homePage(ix *index.Index) map[string]any {
	var top []Group
	for _, kind := range []string{"actors", "sectors", "techniques"} {
		title := map[string]string{"actors": "Most active actors", "sectors": "Most targeted sectors", "techniques": "Most seen techniques"}[kind]
		g := Group{Kind: kind, Title: title}
		for _, t := range ix.Top(kind, 8) {
			l := link(t)
			l.Count = len(t.Entries)
			g.Items = append(g.Items, l)
		}
		top = append(top, g)
	}
	return map[string]any{"title": "Threat Briefs", "top": top}
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
