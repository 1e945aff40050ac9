package stage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

func briefPage(e *index.Entry, ix *index.Index, v *vocab.Vocab) map[string]any {
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
	var groups []Group
	for _, k := range ix.Kinds {
		terms := e.Terms[k.Name]
		// Related content (Hugo's .Related) is indexed on these slugs.
		keys := make([]string, len(terms))
		for i, t := range terms {
			keys[i] = t.Slug
		}
		fm[k.Name] = keys
		if len(terms) == 0 || k.Name == "sources" || k.Name == "campaigns" {
			continue
		}
		g := Group{Kind: k.Name, Title: k.Title}
		for _, t := range terms {
			l := link(t)
			if k.Name == "techniques" {
				l.Note = tacticNames(t, v)
			}
			g.Items = append(g.Items, l)
		}
		groups = append(groups, g)
	}
	fm["terms"] = groups

	var claims []map[string]any
	for _, c := range e.Claims {
		claims = append(claims, map[string]any{
			"actor": c.Actor.Name, "url": rel(c.Actor.URL), "by": c.By,
			"confidence": c.Confidence, "score": c.Confidence.Score(),
		})
	}
	fm["claims"] = claims

	var camps []map[string]any
	for _, c := range e.Campaigns {
		camps = append(camps, map[string]any{"name": c.Term.Name, "url": rel(c.Term.URL), "first_seen": c.FirstSeen, "last_seen": c.LastSeen})
	}
	slices.SortStableFunc(camps, func(a, b map[string]any) int {
		return cmp.Compare(a["first_seen"].(string), b["first_seen"].(string))
	})
	fm["campaigns_seen"] = camps

	var sources []map[string]any
	for _, src := range e.Sources {
		sources = append(sources, map[string]any{"name": src.Term.Name, "title": src.Title, "url": src.URL, "term_url": rel(src.Term.URL)})
	}
	fm["sources_cited"] = sources

	var iocs []map[string]any
	for _, ioc := range b.IOCs {
		iocs = append(iocs, map[string]any{"type": ioc.Type, "value": Defang(ioc.Type, ioc.Value), "note": ioc.Note})
	}
	fm["iocs"] = iocs
	return fm
}

func tacticNames(t *index.Term, v *vocab.Vocab) string {
	var names []string
	for _, s := range t.Tactics {
		if ta, ok := v.Tactic(s); ok {
			names = append(names, ta.Name)
		}
	}
	return strings.Join(names, ", ")
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
		"outputs":    []string{"html", "rss", "jsonfeed"},
		"exports":    export.ForTerm(t),
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

	briefs := make([]string, len(t.Entries))
	for i, e := range t.Entries {
		briefs[i] = "/briefs/" + e.Brief.Slug
	}
	fm["briefs"] = briefs

	if p := t.Profile; p != nil {
		var syn []map[string]string
		for _, s := range p.Synonyms {
			syn = append(syn, map[string]string{"name": s.Name, "by": s.By})
		}
		fm["synonyms"] = syn
		if p.Origin != "" {
			name, _ := v.Country(p.Origin)
			origin := map[string]string{"code": p.Origin, "name": name}
			if ct, ok := ix.Term("countries", slugOfCountry(p.Origin)); ok {
				origin["url"] = rel(ct.URL)
			}
			fm["origin"] = origin
		}
		fm["motivation"] = p.Motivation
		fm["first_seen"] = p.FirstSeen
		var ext []map[string]string
		for _, x := range p.ExternalIDs {
			ext = append(ext, map[string]string{"source": x.Source, "id": x.ID, "url": externalURL(x.Source, x.ID)})
		}
		fm["external_ids"] = ext
	}
	switch k.Name {
	case "techniques":
		var tactics []string
		for _, s := range t.Tactics {
			if ta, ok := v.Tactic(s); ok {
				tactics = append(tactics, ta.Name)
			}
		}
		fm["tactics"] = tactics
		fm["attack_url"] = attackURL(t.ID)
	case "mitigations":
		if t.ID != "" {
			fm["attack_url"] = "https://attack.mitre.org/mitigations/" + t.ID + "/"
		}
	case "vulnerabilities":
		fm["cve_url"] = "https://www.cve.org/CVERecord?id=" + t.ID
	case "countries":
		fm["iso_code"] = t.ID
	case "sectors":
		fm["stix_sector"] = t.STIX
	case "campaigns":
		fm["seen"] = map[string]string{"first": t.FirstSeen, "last": t.LastSeen}
	}

	// Co-occurring terms of every other kind, with counts.
	var cooc []Group
	for _, ok := range ix.Kinds {
		cs := t.Cooc[ok.Name]
		if len(cs) == 0 {
			continue
		}
		g := Group{Kind: ok.Name, Title: ok.Title}
		for i, c := range cs {
			if i == o.CoocLimit {
				g.More = len(cs) - i
				break
			}
			l := link(c.Term)
			l.Count = c.N
			g.Items = append(g.Items, l)
		}
		cooc = append(cooc, g)
	}
	fm["cooc"] = cooc

	var claims []map[string]any
	for _, c := range t.Claims {
		claims = append(claims, map[string]any{
			"by": c.By, "confidence": c.Confidence, "brief": "/briefs/" + c.Entry.Brief.Slug,
			"date": date(c.Entry),
		})
	}
	fm["claims"] = claims

	// A dated timeline, oldest first: the briefs, and (for actors) the
	// campaigns with the months they were seen.
	var timeline []map[string]any
	for i := len(t.Entries) - 1; i >= 0; i-- {
		e := t.Entries[i]
		timeline = append(timeline, map[string]any{"date": date(e), "brief": "/briefs/" + e.Brief.Slug})
	}
	fm["timeline"] = timeline
	if k.Name == "actors" {
		var camps []map[string]string
		for _, c := range t.Cooc["campaigns"] {
			camps = append(camps, map[string]string{"name": c.Term.Name, "url": rel(c.Term.URL), "first_seen": c.Term.FirstSeen, "last_seen": c.Term.LastSeen})
		}
		slices.SortStableFunc(camps, func(a, b map[string]string) int { return cmp.Compare(a["first_seen"], b["first_seen"]) })
		fm["campaign_timeline"] = camps
	}
	return fm
}

func slugOfCountry(code string) string {
	b := []byte(code)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

func attackURL(id string) string {
	if id == "" {
		return ""
	}
	p := id
	for i := range len(p) {
		if p[i] == '.' {
			p = p[:i] + "/" + p[i+1:]
		}
	}
	return "https://attack.mitre.org/techniques/" + p + "/"
}

func externalURL(source, id string) string {
	switch source {
	case "mitre":
		return "https://attack.mitre.org/groups/" + id + "/"
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
