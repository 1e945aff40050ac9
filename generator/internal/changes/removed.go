package changes

import (
	"cmp"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"gopkg.in/yaml.v2"
)

// GoneTerm is a term whose page the change removes: no published brief
// names it any more.
type GoneTerm struct {
	Kind taxonomy.Kind
	Name string
	ID   string // for kinds with IDs
	URL  string // the page that goes, /<kind>/<slug>/
}

// DroppedIOC is an indicator a brief carried at the base and no longer
// does (the brief changed, or was removed).
type DroppedIOC struct {
	File string // the brief, as the base had it
	IOC  brief.IOC
}

// FieldChange is what a change did to one front-matter key of a brief.
type FieldChange struct {
	Key    string
	Change string // "added", "removed" or "changed"
	// Old and New are a changed text value (title, date, tlp...), shortened.
	Old, New string
	// Added and Removed are the items a changed list of names gained and
	// lost; both are empty for a list of objects (sources, iocs).
	Added, Removed []string
}

// goneTerms lists the terms with a page at the base (named by a published
// brief) and none now, by taxonomy then name.
func goneTerms(base, head *check.Checked) []GoneTerm {
	var out []GoneTerm
	for _, k := range head.Kinds {
		for _, t := range base.Index.Terms[k.Name] {
			if _, still := head.Index.TermByKey(k.Name, t.Key); !still {
				out = append(out, GoneTerm{Kind: k, Name: t.Name, ID: t.ID, URL: t.URL})
			}
		}
	}
	return out
}

// droppedIOCs lists the indicators of the changed and removed briefs that
// the change drops, in path order.
func droppedIOCs(files []File, base, head *check.Checked) []DroppedIOC {
	headBriefs, baseBriefs := briefsByFile(head), briefsByFile(base)
	var out []DroppedIOC
	for _, f := range files {
		if f.Status == Added || kindOf(head.Kinds, f.Path) != "briefs" {
			continue
		}
		was := baseBriefs[cmp.Or(f.OldPath, f.Path)]
		if was == nil {
			continue
		}
		kept := map[brief.IOC]bool{}
		if now := headBriefs[f.Path]; now != nil && f.Status != Deleted {
			for _, ioc := range now.IOCs {
				kept[brief.IOC{Type: ioc.Type, Value: ioc.Value}] = true
			}
		}
		for _, ioc := range was.IOCs {
			if !kept[brief.IOC{Type: ioc.Type, Value: ioc.Value}] {
				out = append(out, DroppedIOC{File: was.File, IOC: ioc})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b DroppedIOC) int { return strings.Compare(a.File, b.File) })
	return out
}

// fieldChanges sets the Fields of each changed or moved brief: the
// front-matter keys the change added, removed or changed, read from the
// files as written (so a key is named as the author spelled it).
func fieldChanges(briefs []Item, baseFS, headFS fs.FS) {
	for i := range briefs {
		it := &briefs[i]
		if it.Status != Modified && it.Status != Renamed {
			continue
		}
		was, ok1 := frontMatter(baseFS, cmp.Or(it.OldFile, it.File))
		now, ok2 := frontMatter(headFS, it.File)
		if ok1 && ok2 {
			it.Fields = diffFields(was, now)
		}
	}
}

// frontMatter reads the front matter of a file, or false when it does not
// load (its problems are reported by the check).
func frontMatter(fsys fs.FS, file string) (yaml.MapSlice, bool) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil || len(data) > load.MaxFileSize {
		return nil, false
	}
	var diags diag.List
	doc, ok := load.Parse(file, data, &diags)
	return doc.Items, ok
}

// diffFields compares two front matters key by key, in the order of the
// new one, then the keys only the old one had.
func diffFields(was, now yaml.MapSlice) []FieldChange {
	old := map[string]any{}
	for _, it := range was {
		old[fmt.Sprint(it.Key)] = it.Value
	}
	var out []FieldChange
	seen := map[string]bool{}
	for _, it := range now {
		k := fmt.Sprint(it.Key)
		seen[k] = true
		o, n := old[k], it.Value
		switch {
		case absent(o) && absent(n):
		case absent(o):
			out = append(out, FieldChange{Key: k, Change: "added"})
		case absent(n):
			out = append(out, FieldChange{Key: k, Change: "removed"})
		case !reflect.DeepEqual(o, n):
			out = append(out, changed(k, o, n))
		}
	}
	for _, it := range was {
		if k := fmt.Sprint(it.Key); !seen[k] && !absent(it.Value) {
			seen[k] = true
			out = append(out, FieldChange{Key: k, Change: "removed"})
		}
	}
	return out
}

// absent reports whether a value says nothing: missing, empty text or an
// empty list.
func absent(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	case []any:
		return len(v) == 0
	}
	return false
}

// changed describes a key whose value differs: old and new text, or the
// names a list gained and lost.
func changed(key string, o, n any) FieldChange {
	c := FieldChange{Key: key, Change: "changed"}
	ol, oList := o.([]any)
	nl, nList := n.([]any)
	switch {
	case oList && nList:
		os, ok1 := texts(ol)
		ns, ok2 := texts(nl)
		if ok1 && ok2 {
			c.Added, c.Removed = minus(ns, os), minus(os, ns)
		}
	case !oList && !nList:
		if os, ok := text(o); ok {
			if ns, ok := text(n); ok {
				c.Old, c.New = shorten(os), shorten(ns)
			}
		}
	}
	return c
}

// text is a scalar value as written; false for a list or mapping.
func text(v any) (string, bool) {
	switch v := v.(type) {
	case []any, map[any]any, yaml.MapSlice:
		return "", false
	case time.Time:
		return v.Format("2006-01-02"), true
	}
	return fmt.Sprint(v), true
}

func texts(vs []any) ([]string, bool) {
	out := make([]string, len(vs))
	for i, v := range vs {
		s, ok := text(v)
		if !ok {
			return nil, false
		}
		out[i] = s
	}
	return out, true
}

// minus is a without the items of b, in a's order.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:59]) + "…"
	}
	return s
}

// fieldLine describes what changed in a changed brief, for the summary.
func fieldLine(it Item) string {
	var parts []string
	for _, f := range it.Fields {
		s := code(f.Key) + " "
		switch {
		case f.Old != "" || f.New != "":
			s += escape(f.Old) + " → " + escape(f.New)
		case len(f.Added)+len(f.Removed) > 0:
			var items []string
			for _, a := range f.Added {
				items = append(items, "+"+escape(a))
			}
			for _, r := range f.Removed {
				items = append(items, "−"+escape(r))
			}
			s += strings.Join(items, ", ")
		default:
			s += f.Change
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("**Changed in %s:** %s.\n\n", code(it.File), strings.Join(parts, "; "))
}

// removedSection lists the term pages and indicators the change removes.
func (r *Report) removedSection() string {
	if len(r.Gone) == 0 && len(r.Dropped) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("**Removed by this change**\n\n")
	if len(r.Gone) > 0 {
		b.WriteString("Pages that go, as no published brief names their term any more:\n\n")
		kind := ""
		for _, t := range r.Gone {
			s := termLabel(t.Kind, t.Name, t.ID)
			if t.Kind.Name != kind {
				if kind != "" {
					b.WriteString("\n")
				}
				kind = t.Kind.Name
				b.WriteString("- **" + t.Kind.Title + ":** " + s)
			} else {
				b.WriteString(", " + s)
			}
		}
		b.WriteString("\n\n")
	}
	if len(r.Dropped) > 0 {
		b.WriteString("Indicators dropped:\n\n")
		file := ""
		for _, d := range r.Dropped {
			s := code(indicator.Defang(d.IOC.Type, d.IOC.Value)) + " (" + d.IOC.Type + ")"
			if d.File != file {
				if file != "" {
					b.WriteString("\n")
				}
				file = d.File
				b.WriteString("- " + code(d.File) + ": " + s)
			} else {
				b.WriteString(", " + s)
			}
		}
		b.WriteString("\n\n")
	}
	return b.String()
}
