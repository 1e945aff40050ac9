package vocab

import (
	"slices"
	"strings"
)

// SuggestTechnique proposes techniques for a name that did not resolve: all
// techniques that share the name when it is ambiguous ("Spearphishing
// Attachment" is a sub-technique of both Phishing and Phishing for
// Information), else the nearest by spelling or by the words it contains.
// The suggestion reads "T1566.001 (Phishing: Spearphishing Attachment)".
func (v *Vocab) SuggestTechnique(s string) (string, bool) {
	key := Norm(s)
	if key == "" {
		return "", false
	}
	var same []string
	var cands []Candidate
	for _, t := range v.Techniques() {
		label := t.ID + " (" + v.TechniqueName(t) + ")"
		if Norm(t.Name) == key {
			same = append(same, label)
		}
		cands = append(cands, Candidate{Name: v.TechniqueName(t), Canonical: label})
		if t.Parent() != "" {
			cands = append(cands, Candidate{Name: t.Name, Canonical: label})
		}
	}
	if len(same) > 0 {
		return strings.Join(same, " or "), true
	}
	return Suggest(s, cands)
}

// SuggestMitigation returns the ATT&CK mitigation whose name is spelled
// almost like s ("Multi-factor Authentification"), as "M1032
// (Multi-factor Authentication)". Only spelling counts: free mitigation
// terms often contain a mitigation's words without meaning it.
func (v *Vocab) SuggestMitigation(s string) (string, bool) {
	key := Norm(s)
	if key == "" {
		return "", false
	}
	ms := v.Mitigations()
	slices.SortFunc(ms, func(a, b Mitigation) int { return strings.Compare(a.ID, b.ID) })
	best, bestD := "", 1<<30
	for _, m := range ms {
		if d := Levenshtein(key, Norm(m.Name)); d < bestD {
			best, bestD = m.ID+" ("+m.Name+")", d
		}
	}
	return best, bestD > 0 && bestD <= max(1, len(key)/6)
}
