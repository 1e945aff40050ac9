package vocab

import (
	"fmt"
	"io"
	"slices"
)

// TableChange is what changed in one ATT&CK table between two versions of
// the vocabularies. Each entry reads "T1219 Remote Access Tools"; a
// renamed one "T1219 Remote Access Software → Remote Access Tools".
type TableChange struct {
	Table                   string // tactics, techniques, mitigations, groups, software
	Added, Removed, Renamed []string
}

// Diff lists, table by table, the IDs added, removed or renamed from old to
// next (tables without a change are left out), sorted.
func Diff(old, next *Vocab) []TableChange {
	var out []TableChange
	for _, tb := range attackTables {
		a, b := tb.items(old), tb.items(next)
		am, bm := map[string]string{}, map[string]string{}
		for _, x := range a {
			am[x.id] = x.name
		}
		for _, x := range b {
			bm[x.id] = x.name
		}
		c := TableChange{Table: tb.name}
		for _, x := range b {
			if n, ok := am[x.id]; !ok {
				c.Added = append(c.Added, x.id+" "+x.name)
			} else if n != x.name {
				c.Renamed = append(c.Renamed, fmt.Sprintf("%s %s → %s", x.id, n, x.name))
			}
		}
		for _, x := range a {
			if _, ok := bm[x.id]; !ok {
				c.Removed = append(c.Removed, x.id+" "+x.name)
			}
		}
		if len(c.Added)+len(c.Removed)+len(c.Renamed) == 0 {
			continue
		}
		slices.Sort(c.Added)
		slices.Sort(c.Removed)
		slices.Sort(c.Renamed)
		out = append(out, c)
	}
	return out
}

// WriteText prints the changes for a person: each list under a
// "  techniques added (3):" line, at most max entries of each (0: all).
func WriteText(w io.Writer, changes []TableChange, max int) error {
	for _, c := range changes {
		for _, l := range []struct {
			what  string
			items []string
		}{{"added", c.Added}, {"removed", c.Removed}, {"renamed", c.Renamed}} {
			if len(l.items) == 0 {
				continue
			}
			if _, err := fmt.Fprintf(w, "  %s %s (%d):\n", c.Table, l.what, len(l.items)); err != nil {
				return err
			}
			for i, s := range l.items {
				if max > 0 && i == max {
					fmt.Fprintf(w, "    ... and %d more\n", len(l.items)-max)
					break
				}
				fmt.Fprintf(w, "    %s\n", s)
			}
		}
	}
	return nil
}

type idName struct{ id, name string }

// attackTables reads each ATT&CK table of a Vocab as IDs and names.
var attackTables = []struct {
	name  string
	items func(v *Vocab) []idName
}{
	{"tactics", func(v *Vocab) (out []idName) {
		for _, t := range v.Tactics() {
			out = append(out, idName{t.ID, t.Name})
		}
		return out
	}},
	{"techniques", func(v *Vocab) (out []idName) {
		for _, t := range v.Techniques() {
			out = append(out, idName{t.ID, v.TechniqueName(t)})
		}
		return out
	}},
	{"mitigations", func(v *Vocab) (out []idName) {
		for _, m := range v.Mitigations() {
			out = append(out, idName{m.ID, m.Name})
		}
		return out
	}},
	{"groups", func(v *Vocab) (out []idName) {
		for _, n := range v.Groups() {
			out = append(out, idName{n.ID, n.Name})
		}
		return out
	}},
	{"software", func(v *Vocab) (out []idName) {
		for _, n := range v.Software() {
			out = append(out, idName{n.ID, n.Name})
		}
		return out
	}},
}
