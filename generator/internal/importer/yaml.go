package importer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The front matter is written by hand rather than with a YAML encoder
// because it carries a comment on each suggested value (which phrase of the
// report produced it), and because what reads it is YAML 1.1
// (goldmark-meta): scalar quotes every string that is not plainly safe.

// plainSafeRe is what may be written unquoted: words of letters and digits
// joined by single spaces, dots, hyphens, slashes, apostrophes or "&",
// starting with a letter. Nothing in it can be a YAML indicator, a comment,
// a number or a date.
var plainSafeRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[ .'&/-][A-Za-z0-9]+)*$`)

// yaml11Words are plain scalars YAML 1.1 reads as booleans or null.
var yaml11Words = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true,
	"true": true, "false": true, "null": true}

// scalar writes s as a YAML 1.1 scalar that reads back as exactly s.
func scalar(s string) string {
	if plainSafeRe.MatchString(s) && !yaml11Words[strings.ToLower(s)] {
		return s
	}
	return quote(s)
}

// quote writes a double-quoted YAML scalar: backslash, double quote and
// every non-printable character are escaped.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError:
			b.WriteString(`\uFFFD`)
		case r < 0x10000 && (!unicode.IsPrint(r) || r == '\u00a0'):
			fmt.Fprintf(&b, `\u%04X`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// comment makes text safe as a one-line YAML comment.
func comment(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	text = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, text)
	if utf8.RuneCountInString(text) > 200 {
		text = string([]rune(text)[:199]) + "…"
	}
	return text
}

// yamlWriter writes front matter line by line.
type yamlWriter struct{ b strings.Builder }

// line writes indent, text and an optional trailing comment.
func (y *yamlWriter) line(indent int, text, note string) {
	y.b.WriteString(strings.Repeat(" ", indent))
	y.b.WriteString(text)
	if c := comment(note); c != "" {
		if text != "" {
			y.b.WriteString("  ")
		}
		y.b.WriteString("# ")
		y.b.WriteString(c)
	}
	y.b.WriteByte('\n')
}

// notes writes comment lines.
func (y *yamlWriter) notes(indent int, lines []string) {
	for _, l := range lines {
		y.line(indent, "", l)
	}
}

// list writes a list field, its values each with their comment, then the
// comments on what was not mapped.
func (y *yamlWriter) list(field string, es list, missed []string) {
	if len(es) == 0 {
		y.line(0, field+": []", "")
	} else {
		y.line(0, field+":", "")
		for _, e := range es {
			y.line(2, "- "+scalar(e.value), e.note)
		}
	}
	y.notes(2, missed)
}
