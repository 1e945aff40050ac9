package importer

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// notes collects what the stages mapped and what they could not, in the
// order found. Result.Notes lists them; the comment lines of what was not
// mapped are written into the brief under their field.
type notes struct {
	list   []Note
	missed map[string][]string // field → comment lines
	warned map[string][]string // field → comment lines
}

// warn notes something the analyst must look at before publishing.
func (n *notes) warn(field, reason string) {
	n.list = append(n.list, Note{Field: field, Reason: reason, Warning: true})
	if n.warned == nil {
		n.warned = map[string][]string{}
	}
	n.warned[field] = append(n.warned[field], wrap("WARNING: "+reason, 100)...)
}

func (n *notes) mapped(field, value, from, reason string) {
	n.list = append(n.list, Note{Field: field, Value: value, From: from, Reason: reason})
}

func (n *notes) miss(field, from, reason string) {
	n.list = append(n.list, Note{Field: field, From: from, Reason: reason})
	if n.missed == nil {
		n.missed = map[string][]string{}
	}
	line := "not mapped: " + reason
	if from != "" {
		line = fmt.Sprintf("not mapped: %q: %s", short(from, 90), reason)
	}
	n.missed[field] = append(n.missed[field], line)
}

// noteOrder is the order of fields in Result.Notes: the order of the
// brief's front matter, as a reviewer reads it.
var noteOrder = []string{"brief", "title", "summary", "date", "sources", "attribution", "actors", "campaigns", "sectors",
	"countries", "techniques", "malware", "iocs", "vulnerabilities", "mitigations"}

// sorted returns the notes ordered by field (attribution and actors
// together), each field's notes in the order found.
func (n *notes) sorted() []Note {
	rank := func(f string) int {
		if f == "attribution" {
			f = "actors"
		}
		if i := slices.Index(noteOrder, f); i >= 0 {
			return i
		}
		return len(noteOrder)
	}
	out := slices.Clone(n.list)
	slices.SortStableFunc(out, func(a, b Note) int { return rank(a.Field) - rank(b.Field) })
	return out
}

// entry is one value of a list field with the comment written beside it.
type entry struct {
	value, note string
}

// list is a list field's values, without repeats.
type list []entry

// add appends value unless the list has it, and notes it as mapped.
func (l *list) add(n *notes, field, value, from, note string) bool {
	if slices.ContainsFunc(*l, func(e entry) bool { return e.value == value }) {
		return false
	}
	*l = append(*l, entry{value: value, note: note})
	n.mapped(field, value, from, note)
	return true
}

// unmap forgets that value was mapped into field.
func (n *notes) unmap(field, value string) {
	n.list = slices.DeleteFunc(n.list, func(x Note) bool { return x.Field == field && x.Value == value })
}

// wrap breaks text into lines of at most width runes at spaces (a longer
// word gets a line of its own); later lines are indented by two spaces.
func wrap(text string, width int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			out = append(out, line)
			line = " "
		}
		if line == "" || line == " " {
			line += w
		} else {
			line += " " + w
		}
	}
	if strings.TrimSpace(line) != "" {
		out = append(out, line)
	}
	return out
}
