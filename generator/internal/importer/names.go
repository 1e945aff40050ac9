package importer

import (
	"regexp"
	"slices"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// nameIndex finds ATT&CK names written in prose, word for word (case,
// punctuation and plural -s aside): "Remote Email Collection", "web
// shells", "Network Segmentation". Only names of two words or more are
// indexed; one-word names ("Phishing", "Audit") are ordinary words in a
// report and are left to the phrase tables. Matching costs one map lookup
// per word of the line and a comparison per name starting with that word.
type nameIndex struct {
	byFirst map[string][]indexedName
}

type indexedName struct {
	words []string
	id    string
}

func (x *nameIndex) add(name, id string) {
	ws := words(name)
	if len(ws) < 2 {
		return
	}
	if x.byFirst == nil {
		x.byFirst = map[string][]indexedName{}
	}
	x.byFirst[ws[0]] = append(x.byFirst[ws[0]], indexedName{words: ws, id: id})
}

// find returns the names in line, longest first where two overlap, in
// order of appearance, each with the words as written.
func (x *nameIndex) find(line string) []match {
	orig := tokensOf(line)
	ws := words(line)
	var out []match
	for i := 0; i < len(ws); {
		best := indexedName{}
		for _, n := range x.byFirst[ws[i]] {
			if len(n.words) > len(best.words) && i+len(n.words) <= len(ws) && slices.Equal(ws[i:i+len(n.words)], n.words) {
				best = n
			}
		}
		if best.id == "" {
			i++
			continue
		}
		out = append(out, match{ID: best.id, Phrase: strings.Join(orig[i:i+len(best.words)], " ")})
		i += len(best.words)
	}
	return out
}

// Technique names too common in prose to suggest their technique ("a
// legitimate web service", "accounts without multi-factor authentication"
// is no Modify Authentication Process), and the tactics whose two-word
// sub-technique names are ordinary nouns ("Social Media", "IP Addresses").
var (
	proseTechniqueNames = map[string]bool{"webservice": true, "webservices": true, "cloudservices": true, "multifactorauthentication": true}
	nounTactics         = []string{"reconnaissance", "resource-development"}
)

// techniqueNames indexes the names of current techniques that name one
// technique only (many sub-techniques share a name: "Domain Accounts").
func techniqueNames(v *vocab.Vocab) *nameIndex {
	x := &nameIndex{}
	for _, t := range v.Techniques() {
		if r, ok := v.ResolveTechnique(t.Name); !ok || r.ID != t.ID || proseTechniqueNames[vocab.Norm(t.Name)] {
			continue
		}
		onlyNouns := !slices.ContainsFunc(t.Tactics, func(s string) bool { return !slices.Contains(nounTactics, s) })
		if onlyNouns && len(words(t.Name)) < 3 {
			continue
		}
		x.add(t.Name, t.ID)
	}
	return x
}

// mitigationNames indexes the names of current mitigations (but "Do Not
// Mitigate", which is none).
func mitigationNames(v *vocab.Vocab) *nameIndex {
	x := &nameIndex{}
	for _, m := range v.Mitigations() {
		if vocab.Norm(m.Name) != "donotmitigate" {
			x.add(m.Name, m.ID)
		}
	}
	return x
}

var (
	techniqueIDRe  = regexp.MustCompile(`\bT\d{4}(?:\.\d{3})?\b`)
	mitigationIDRe = regexp.MustCompile(`\bM1\d{3}\b`)
)

// finder finds the ATT&CK IDs a line of prose names, three ways: by its
// phrase table, by an ID written in it, by a name from its index.
type finder struct {
	phrases table
	ids     *regexp.Regexp
	names   *nameIndex
}

func techniqueFinder(v *vocab.Vocab) finder {
	return finder{phrases: techniquePhrases, ids: techniqueIDRe, names: techniqueNames(v)}
}

func mitigationFinder(v *vocab.Vocab) finder {
	return finder{phrases: mitigationPhrases, ids: mitigationIDRe, names: mitigationNames(v)}
}

// find returns the IDs line names, each with the words that named it: the
// phrase table's first, then IDs, then names. IDs may repeat.
func (f finder) find(line string) []match {
	hits := suggest(f.phrases, line)
	for _, id := range f.ids.FindAllString(line, -1) {
		hits = append(hits, match{ID: id, Phrase: id})
	}
	return append(hits, f.names.find(line)...)
}
