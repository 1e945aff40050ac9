package resolve

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// entry is one term a ByKnown kind knows before any brief names it: a
// profile (with the ATT&CK object it describes, if any) or an ATT&CK object
// no profile describes.
type entry struct {
	name    string // canonical: the profile's title, else ATT&CK's name
	profile *brief.Profile
	attack  *vocab.Named
}

func (e *entry) term() Term {
	return Term{Key: vocab.Norm(e.name), Name: e.name, Profile: e.profile, Attack: e.attack}
}

// known indexes every name of a ByKnown kind: profile titles and synonyms
// (also in Resolver.byName, which is asked first) and ATT&CK names and
// aliases. Near-miss lookups cost O(length of the name) in maps, plus a
// scan of the keys in the edit distance's length window that a character
// set test rules nearly all out of: never a full edit distance to every
// name.
type known struct {
	filler   map[string]bool
	profiles map[*brief.Profile]*entry
	exact    map[string]*entry   // Norm key of an ATT&CK name or alias → entry; names win over aliases
	shared   map[string][]*entry // Norm key of an ATT&CK alias that several entries have
	loose    map[string][]*entry // loose key of every known name → the distinct entries with it
	dropped  map[string][]*entry // loose key of a known name of two or more words with one word left out
	byLen    map[int][]nearKey   // every key (Norm and loose) by its length in runes
}

// nearKey is a key that a misspelling may be near.
type nearKey struct {
	key    []rune
	digits string
	chars  uint64 // charSet(key)
	entry  *entry
}

// charSet is the set of characters in a key as bits: a-z, 0-9, and other
// runes folded onto the remaining bits. One edit adds at most one
// character to the set and removes at most one, so keys within t edits
// differ in at most 2t bits (folding can only hide differences): a
// one-instruction test that rules out most keys before an edit distance.
func charSet(key []rune) uint64 {
	var set uint64
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z':
			set |= 1 << (r - 'a')
		case r >= '0' && r <= '9':
			set |= 1 << (26 + r - '0')
		default:
			set |= 1 << (36 + r%28)
		}
	}
	return set
}

// newKnown indexes the profiles of kind k and its ATT&CK catalogue. A
// profile describes an ATT&CK object when its external_ids give the
// object's ID (mitre: G0034), else when its title is the object's name or
// an alias only that object has, else when one of its synonyms is the
// object's name.
func newKnown(k taxonomy.Kind, v *vocab.Vocab, profiles []*brief.Profile, diags *diag.List) *known {
	kn := &known{filler: map[string]bool{}, profiles: map[*brief.Profile]*entry{}, exact: map[string]*entry{}, shared: map[string][]*entry{},
		loose: map[string][]*entry{}, dropped: map[string][]*entry{}, byLen: map[int][]nearKey{}}
	for _, w := range k.Filler {
		kn.filler[w] = true
	}
	var catalog []*vocab.Named
	switch k.Catalog {
	case taxonomy.AttackGroups:
		catalog = v.Groups()
	case taxonomy.AttackSoftware:
		catalog = v.Software()
	}
	prefix := map[taxonomy.Catalog]string{taxonomy.AttackGroups: "G", taxonomy.AttackSoftware: "S"}[k.Catalog]

	// ATT&CK's names first, then aliases: an object's own name wins over
	// another's alias (LuminousMoth is a group and an alias of Mustang
	// Panda). Names retired objects had lead to their replacement.
	byName, byAlias := map[string]*vocab.Named{}, map[string][]*vocab.Named{}
	for _, n := range catalog {
		byName[vocab.Norm(n.Name)] = n
	}
	alias := func(name string, n *vocab.Named) {
		key := vocab.Norm(name)
		if _, isName := byName[key]; isName || key == "" || slices.Contains(byAlias[key], n) {
			return
		}
		byAlias[key] = append(byAlias[key], n)
	}
	for _, n := range catalog {
		for _, a := range n.Aliases {
			alias(a, n)
		}
	}
	for _, r := range v.Retirements() {
		if n, ok := v.NamedByID(r.ReplacedBy); ok && strings.HasPrefix(r.ID, prefix) {
			alias(r.Name, n)
		}
	}

	// Profiles, each linked to the ATT&CK object it describes; then every
	// ATT&CK object no profile describes.
	linked := map[*vocab.Named]*entry{}
	all := make([]*entry, 0, len(profiles)+len(catalog))
	for _, p := range profiles {
		e := &entry{name: p.Title, profile: p}
		all = append(all, e)
		kn.profiles[p] = e
		for _, x := range p.ExternalIDs {
			if x.Source != "mitre" {
				continue
			}
			path := "external_ids." + x.Source
			n, ok := v.NamedByID(x.ID)
			switch {
			case !ok || !strings.HasPrefix(n.ID, prefix):
				diags.Warnf(p.File, p.Line(path), path, "%s", badAttackID(v, prefix, x.ID))
			case linked[n] != nil:
				other := linked[n].profile
				diags.Errorf(p.File, p.Line(path), path, "%s is already the ATT&CK ID of %s (%s): one %s, one profile", n.ID, other.Title, other.File, k.Singular)
			default:
				e.attack = n
				linked[n] = e
			}
		}
	}
	link := func(e *entry, n *vocab.Named) bool {
		if n == nil || linked[n] != nil {
			return false
		}
		e.attack = n
		linked[n] = e
		return true
	}
	for _, e := range all {
		if e.attack != nil {
			continue
		}
		key := vocab.Norm(e.profile.Title)
		if link(e, byName[key]) || (len(byAlias[key]) == 1 && link(e, byAlias[key][0])) {
			continue
		}
		for _, s := range e.profile.Synonyms {
			if link(e, byName[vocab.Norm(s.Name)]) {
				break
			}
		}
	}
	for _, n := range catalog {
		if linked[n] == nil {
			e := &entry{name: n.Name, attack: n}
			all = append(all, e)
			linked[n] = e
		}
	}

	// Lookups by name. Profiles' own names are in Resolver.byName; here
	// they count for loose and near matches.
	for key, n := range byName {
		kn.exact[key] = linked[n]
	}
	for key, ns := range byAlias {
		if len(ns) == 1 {
			kn.exact[key] = linked[ns[0]]
			continue
		}
		for _, n := range ns {
			kn.shared[key] = append(kn.shared[key], linked[n])
		}
	}
	type named struct {
		name string
		e    *entry
	}
	seen := map[named]bool{}
	add := func(name string, e *entry) {
		if seen[named{name, e}] {
			return
		}
		seen[named{name, e}] = true
		words := kn.words(name)
		lk := strings.Join(words, "")
		if hasLetter(lk) && !slices.Contains(kn.loose[lk], e) {
			kn.loose[lk] = append(kn.loose[lk], e)
		}
		if len(words) >= 2 {
			for i := range words {
				dk := strings.Join(slices.Delete(slices.Clone(words), i, i+1), "")
				if len([]rune(dk)) >= minNear && hasLetter(dk) && !slices.Contains(kn.dropped[dk], e) {
					kn.dropped[dk] = append(kn.dropped[dk], e)
				}
			}
		}
		for _, key := range []string{vocab.Norm(name), lk} {
			if rs := []rune(key); len(rs) >= minNear && !seen[named{"\x00" + key, e}] {
				seen[named{"\x00" + key, e}] = true
				kn.byLen[len(rs)] = append(kn.byLen[len(rs)], nearKey{key: rs, digits: digits(key), chars: charSet(rs), entry: e})
			}
		}
	}
	for _, e := range all {
		add(e.name, e)
		if p := e.profile; p != nil {
			for _, s := range p.Synonyms {
				add(s.Name, e)
			}
		}
		if n := e.attack; n != nil {
			add(n.Name, e)
			for _, a := range n.Aliases {
				add(a, e)
			}
		}
	}
	return kn
}

// badAttackID explains why a profile's mitre external ID links it to no
// ATT&CK object of its kind.
func badAttackID(v *vocab.Vocab, prefix, id string) string {
	if r, ok := v.Retirement(id); ok && strings.HasPrefix(r.ID, prefix) {
		return retiredMessage(v, r, id)
	}
	what := map[string]string{"G": "group", "S": "software"}[prefix]
	return fmt.Sprintf("%s is not an ATT&CK %s ID (ATT&CK v%s); the page links to no ATT&CK %s", id, what, v.AttackVersion, what)
}

// minNear is the shortest key that edit distance and dropped words apply
// to: shorter names (Tor, Net, APT1) are too alike to guess between.
const minNear = 5

// words splits a name into folded words without the kind's filler words.
func (kn *known) words(s string) []string {
	s = strings.ToLower(norm.NFKC.String(s))
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&' }) {
		if w = vocab.Norm(w); w != "" && !kn.filler[w] {
			out = append(out, w)
		}
	}
	return out
}

// canonical returns the one entry a name resolves to silently: a name that
// differs from a known one only in case, spacing, punctuation or filler
// words ("Sandworm", "the Lazarus group"), when only one term has it.
func (kn *known) canonical(value string) (*entry, bool) {
	es := kn.loose[strings.Join(kn.words(value), "")]
	if len(es) == 1 {
		return es[0], true
	}
	return nil, false
}

// nearMisses lists the entries a name that did not resolve is probably a
// misspelling of, best first: names it shares a loose key with (ambiguous),
// names it adds one word to or drops one word from, and names within a
// small edit distance (one edit up to 15 letters, two from 16; none below
// five) that have the same digits (APT41 is not APT42).
func (kn *known) nearMisses(value string) []*entry {
	var out []*entry
	addAll := func(es []*entry) {
		for _, e := range es {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	words := kn.words(value)
	lk := strings.Join(words, "")
	addAll(kn.loose[lk])
	if len(words) >= 2 {
		for i := range words {
			rest := strings.Join(slices.Delete(slices.Clone(words), i, i+1), "")
			if len([]rune(rest)) >= minNear && hasLetter(rest) {
				addAll(kn.loose[rest])
			}
		}
	}
	addAll(kn.dropped[lk])
	type hit struct {
		e *entry
		d int
	}
	var hits []hit
	var rows [2][]int
	for _, key := range []string{vocab.Norm(value), lk} {
		q := []rune(key)
		t := maxEdits(len(q))
		if t == 0 {
			continue
		}
		dg, chars := digits(key), charSet(q)
		for n := len(q) - t; n <= len(q)+t; n++ {
			for _, c := range kn.byLen[n] {
				if bits.OnesCount64(chars^c.chars) > 2*t || c.digits != dg {
					continue
				}
				if d := boundedLevenshtein(q, c.key, t, &rows); d <= t {
					hits = append(hits, hit{c.entry, d})
				}
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(a.e.name, b.e.name)) })
	for _, h := range hits {
		addAll([]*entry{h.e})
	}
	return out
}

// maxEdits is how many edits a key of n runes may be from a known one and
// still count as a misspelling of it.
func maxEdits(n int) int {
	switch {
	case n < minNear:
		return 0
	case n < 16:
		return 1
	}
	return 2
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

func hasLetter(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// boundedLevenshtein is the edit distance of a and b when it is at most
// limit, else limit+1. It fills only the diagonal band |i-j| <= limit and
// stops as soon as a whole row exceeds limit (Ukkonen's cut-off), so a
// distant candidate costs a few cells, not len(a)·len(b). rows is scratch
// space kept between calls. (The full vocab.Levenshtein serves the
// suggestions that rank every candidate.)
func boundedLevenshtein(a, b []rune, limit int, rows *[2][]int) int {
	inf := limit + 1
	if d := len(a) - len(b); d > limit || -d > limit {
		return inf
	}
	for i := range rows {
		if cap(rows[i]) < len(b)+2 {
			rows[i] = make([]int, len(b)+2)
		}
	}
	prev, cur := rows[0][:len(b)+2], rows[1][:len(b)+2]
	for j := 0; j <= len(b); j++ {
		prev[j] = min(j, inf)
	}
	prev[len(b)+1] = inf
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(len(b), i+limit)
		if lo == 1 {
			cur[0] = min(i, inf)
		} else {
			cur[lo-1] = inf
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			// prev[j] just right of the previous row's band is inf (set below).
			cur[j] = min(prev[j-1]+cost, cur[j-1]+1, prev[j]+1, inf)
			rowMin = min(rowMin, cur[j])
		}
		cur[hi+1] = inf
		if rowMin > limit {
			return inf
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// byKnown resolves a name of a ByKnown kind (see the package doc).
func (r *Resolver) byKnown(k taxonomy.Kind, value string) (Term, Issue) {
	key := vocab.Norm(value)
	if key == "" {
		return Term{Key: key, Name: value}, Issue{Severity: diag.Error, Message: fmt.Sprintf("%q has no letters or digits", value)}
	}
	kn := r.known[k.Name]
	if p, ok := r.byName[k.Name][key]; ok {
		return kn.profileTerm(p), fine
	}
	if e, ok := kn.exact[key]; ok {
		return e.term(), fine
	}
	free := Term{Key: key, Name: value}
	if es := kn.shared[key]; len(es) > 0 {
		return free, Issue{Severity: diag.Error, NearMiss: true, Message: fmt.Sprintf("%q is an ATT&CK alias of %s; name the %s meant (if it is another one, add %q to distinct:)",
			value, orList(es, true), k.Singular, value)}
	}
	if e, ok := kn.canonical(value); ok {
		return e.term(), fine
	}
	if es := kn.nearMisses(value); len(es) > 0 {
		return free, Issue{Severity: diag.Error, NearMiss: true, Message: fmt.Sprintf("%q is not a known %s; did you mean %s? (if it is a different %s, add %q to distinct:)",
			value, k.Singular, orList(es[:min(len(es), 3)], false), k.Singular, value)}
	}
	return free, fine
}

// profileTerm is the term of profile p, with the ATT&CK object it describes.
func (kn *known) profileTerm(p *brief.Profile) Term {
	if e, ok := kn.profiles[p]; ok {
		return e.term()
	}
	return (&entry{name: p.Title, profile: p}).term()
}

// orList names entries for a message: "Volt Typhoon" or "Saint Bear" (G1031)
// or "Ember Bear" (G1003).
func orList(es []*entry, ids bool) string {
	var parts []string
	for _, e := range es {
		s := fmt.Sprintf("%q", e.name)
		if ids && e.attack != nil {
			s += " (" + e.attack.ID + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " or ")
}
