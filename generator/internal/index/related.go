package index

import (
	"cmp"
	"slices"

	"github.com/threatbriefs/threatbriefs/generator/internal/par"
)

// Related briefs.
//
// The first implementation used Hugo's related content (.Related on every
// brief page, indexed on terms the generator staged as params). Hugo builds
// its own inverted index from those params and, per page, scores and sorts
// the candidates in a map: about 1 s of CPU and 20 MB of a 10,000-brief
// build, repeating work this index has already done (every term already
// lists its briefs). Scoring here uses the same rule as that configuration
// (a weight per kind of shared term, a threshold, newest first among equal
// scores) over dense per-worker arrays.

// RelatedOptions says what makes two briefs related, beyond the score one
// shared term of each kind adds (its kind's RelatedWeight).
type RelatedOptions struct {
	// Cap leaves out terms named by more briefs than this: they say little
	// about how two briefs relate, and skipping them keeps the work linear
	// in the number of briefs (each term contributes at most Cap² pairs).
	Cap int
	// MinScore is the least score a related brief needs.
	MinScore int
	// Count is how many related briefs each brief lists, at most.
	Count int
}

// DefaultRelated ranks briefs by the weights of the kinds of the terms they
// share (taxonomy.Kinds: the actors, campaigns, malware and CVEs, then
// techniques: one shared actor outweighs anything but several shared
// techniques), and a score of 20 is needed: a single shared technique is
// not enough.
func DefaultRelated() RelatedOptions {
	return RelatedOptions{
		Cap:      40,
		MinScore: 20,
		Count:    5,
	}
}

// Related returns, for each brief in ix.Entries (same positions), its most
// related briefs: highest score first, then newest, then by slug.
func (ix *Index) Related(o RelatedOptions) [][]*Entry {
	out := make([][]*Entry, len(ix.Entries))
	if o.Count <= 0 {
		return out
	}
	par.ForWorker(len(ix.Entries), func() func(int) {
		scores := make([]int32, len(ix.Entries))
		var touched []int32
		return func(i int) {
			e := ix.Entries[i]
			touched = touched[:0]
			for _, k := range ix.Kinds {
				w := int32(k.RelatedWeight)
				if w == 0 {
					continue
				}
				for _, t := range e.Terms[k.Name] {
					if len(t.Entries) > o.Cap {
						continue
					}
					for _, other := range t.Entries {
						j := other.pos
						if other == e {
							continue
						}
						if scores[j] == 0 {
							touched = append(touched, j)
						}
						scores[j] += w
					}
				}
			}
			var best []int32
			for _, j := range touched {
				if scores[j] >= int32(o.MinScore) {
					best = append(best, j)
				}
			}
			// Entries are newest first, then by slug: position breaks ties.
			slices.SortFunc(best, func(a, b int32) int { return cmp.Or(cmp.Compare(scores[b], scores[a]), cmp.Compare(a, b)) })
			for _, j := range best[:min(len(best), o.Count)] {
				out[i] = append(out[i], ix.Entries[j])
			}
			for _, j := range touched {
				scores[j] = 0
			}
		}
	})
	return out
}
