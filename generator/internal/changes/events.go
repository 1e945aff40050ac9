package changes

import (
	"cmp"
	"reflect"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
)

// staleEvents warns about each brief, published at the base and still
// published, whose content the change edits while the timestamp of its
// MISP event (misp.Timestamp: the start of the later of date: and
// updated:) does not grow. MISP re-fetches an event, and OpenCTI's
// connector takes one, only when its timestamp is newer than what it has:
// such an edit would never reach them. The warning is on the updated: line
// (the date: line when there is none).
func staleEvents(files []File, base, head *pipeline.Checked) *diag.List {
	var l diag.List
	was, now := publishedByFile(base), publishedByFile(head)
	for _, f := range files {
		if (f.Status != Modified && f.Status != Renamed) || kindOf(head.Kinds, f.Path) != "briefs" {
			continue
		}
		b, old := now[f.Path], was[cmp.Or(f.OldPath, f.Path)]
		if b == nil || old == nil || b.Slug != old.Slug || sameContent(*old, *b) {
			continue
		}
		if ts := misp.Timestamp(old); !misp.Timestamp(b).After(ts) {
			field := "updated"
			if b.Updated.IsZero() {
				field = "date"
			}
			l.Warnf(b.File, b.Line(field), field,
				"this published brief changed, but neither date: nor updated: moved past %s, so its MISP event keeps its timestamp and MISP and OpenCTI subscribers keep the copy they have; set updated: to the day this change is published",
				ts.Format(time.DateOnly))
		}
	}
	return &l
}

// publishedByFile maps the published briefs of a check by file.
func publishedByFile(c *pipeline.Checked) map[string]*brief.Brief {
	m := make(map[string]*brief.Brief, len(c.Published))
	for i := range c.Published {
		m[c.Published[i].File] = &c.Published[i]
	}
	return m
}

// sameContent reports whether two versions of a brief say the same thing:
// everything but where they are written (file, line positions) and their
// updated: date.
func sameContent(a, b brief.Brief) bool {
	for _, x := range []*brief.Brief{&a, &b} {
		x.File, x.Pos, x.BodyLine, x.Updated = "", nil, 0, time.Time{}
	}
	return reflect.DeepEqual(a, b)
}
