package stix

import (
	"strconv"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Objects of each kind of term. Each returns the object's ID and a
// constructor for its first appearance.

func (b *builder) actor(t *index.Term) (string, func() *Object) {
	return ID("intrusion-set", t.Key), func() *Object {
		o := &Object{Name: t.Name, Aliases: aliases(t)}
		if p := t.Profile; p != nil {
			o.Description = p.Summary
			o.FirstSeen = monthStart(p.FirstSeen)
			o.PrimaryMotivation = motivation(p.Motivation)
			for _, x := range p.ExternalIDs {
				if x.Source == "mitre" {
					o.ExternalReferences = append(o.ExternalReferences, ExternalReference{SourceName: "mitre-attack", ExternalID: x.ID, URL: vocab.AttackURL(x.ID)})
				} else {
					o.ExternalReferences = append(o.ExternalReferences, ExternalReference{SourceName: x.Source, ExternalID: x.ID})
				}
			}
		}
		o.ExternalReferences = withAttack(o.ExternalReferences, t)
		return o
	}
}

// aliases are a term's other names: its profile's synonyms, then ATT&CK's.
func aliases(t *index.Term) []string {
	var out []string
	for _, s := range t.Aliases() {
		out = append(out, s.Name)
	}
	return out
}

// withAttack adds the mitre-attack reference of an actor or malware term
// that is an ATT&CK group or software, unless its profile already gave it.
func withAttack(refs []ExternalReference, t *index.Term) []ExternalReference {
	if t.Attack == nil {
		return refs
	}
	for _, r := range refs {
		if r.SourceName == "mitre-attack" && r.ExternalID == t.Attack.ID {
			return refs
		}
	}
	return append([]ExternalReference{{SourceName: "mitre-attack", ExternalID: t.Attack.ID, URL: t.Attack.URL()}}, refs...)
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
			URL: vocab.TechniqueURL(t.ID),
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
		o := &Object{Name: t.Name, IsFamily: &yes, Aliases: aliases(t)}
		if p := t.Profile; p != nil {
			o.Description = p.Summary
		}
		o.ExternalReferences = withAttack(o.ExternalReferences, t)
		return o
	}
}

func (b *builder) vulnerability(t *index.Term) (string, func() *Object) {
	return ID("vulnerability", t.ID), func() *Object {
		return &Object{Name: t.ID, ExternalReferences: []ExternalReference{{
			SourceName: "cve", ExternalID: t.ID, URL: vocab.CVEURL(t.ID),
		}}}
	}
}

func (b *builder) mitigation(t *index.Term) (string, func() *Object) {
	return ID("course-of-action", t.Key), func() *Object {
		o := &Object{Name: t.Name}
		if t.ID != "" {
			o.ExternalReferences = []ExternalReference{{SourceName: "mitre-attack", ExternalID: t.ID, URL: vocab.MitigationURL(t.ID)}}
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
