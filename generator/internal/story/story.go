// Package story finds the briefs in a library that may report the same
// story as another brief, so that one story is not split over two pages.
//
// It accepts a brief, the resolver its names resolve with, the library's
// briefs and the resolver theirs resolve with (the same one, or the one of
// another version of the project, as `check --changed` compares). A brief
// of the library may repeat the story when it cites the same document (a
// source URL, trailing slash aside), or names an actor and a source the
// brief names too (as canonical terms: "Sandworm" and "APT44" are one
// actor) and is dated within Days of it. A brief without a date yet (a
// report imported without one) matches on actor and source alone. The
// work is linear in the library's term mentions.
package story

import (
	"fmt"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// Days is how far apart two briefs naming the same actor and source may
// be dated and still be one story.
const Days = 7

// Same is a brief of the library that may report the same story.
type Same struct {
	File, Title string
	Date        time.Time
	// Why says what they have in common: "cites the same document",
	// "names the same actor and source, 2 day(s) apart".
	Why string
}

// Find lists, in library order, the briefs of lib that may report the
// story b reports. A brief never repeats itself (same File).
func Find(b *brief.Brief, r *resolve.Resolver, lib []brief.Brief, lr *resolve.Resolver) []Same {
	urls := map[string]bool{}
	for _, s := range b.Sources {
		if s.URL != "" {
			urls[strings.TrimSuffix(s.URL, "/")] = true
		}
	}
	actors, sources := keys(r, taxonomy.Attributed, b), keys(r, taxonomy.Cited, b)
	var out []Same
	for i := range lib {
		e := &lib[i]
		if e.File != "" && e.File == b.File {
			continue
		}
		why := ""
		for _, s := range e.Sources {
			if s.URL != "" && urls[strings.TrimSuffix(s.URL, "/")] {
				why = "cites the same document"
			}
		}
		if why == "" && len(actors) > 0 && len(sources) > 0 &&
			overlaps(actors, keys(lr, taxonomy.Attributed, e)) && overlaps(sources, keys(lr, taxonomy.Cited, e)) {
			days := int(b.Date.Sub(e.Date).Abs().Hours() / 24)
			switch {
			case b.Date.IsZero() && !e.Date.IsZero():
				why = "names the same actor and source (there is no date to compare)"
			case b.Date.IsZero() || e.Date.IsZero() || days > Days:
			case days == 0:
				why = "names the same actor and source, on the same date"
			default:
				why = fmt.Sprintf("names the same actor and source, %d day(s) apart", days)
			}
		}
		if why != "" {
			out = append(out, Same{File: e.File, Title: e.Title, Date: e.Date, Why: why})
		}
	}
	return out
}

// keys resolves the names a brief gives for the kind of a role (in the
// resolver's kind table: the actors, the sources) to their terms' keys.
func keys(r *resolve.Resolver, role taxonomy.Role, b *brief.Brief) map[string]bool {
	out := map[string]bool{}
	k, ok := r.Kinds().WithRole(role)
	if !ok {
		return out
	}
	for _, ref := range k.Refs(b) {
		t, _ := r.Resolve(k, ref.Value)
		out[t.Key] = true
	}
	return out
}

func overlaps(a, b map[string]bool) bool {
	for k := range a {
		if b[k] {
			return true
		}
	}
	return false
}
