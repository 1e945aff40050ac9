package load

import (
	"fmt"
	"regexp"
	"strings"
)

// The YAML parsers say where they stopped, not why: "found character that
// cannot start any token" for a tab, "mapping values are not allowed in
// this context" for a colon in an unquoted title, "did not find expected ','
// or '}'" for a defanged URL in a {...} mapping. explainYAML recognises
// these three mistakes, the ones authors make most, and says what to
// change. A hand-written check: no YAML library explains its errors.

// yamlCause is one mistake: which parser messages it produces, whether the
// parser's line for it is 0-based (yaml.v2 counts a parser error's line from
// 0 and a scanner error's from 1), and how to find it on a line of the
// front matter.
type yamlCause struct {
	messages  []string
	zeroBased bool
	find      func(line string) (string, bool) // the explanation, if line has the mistake
}

var yamlCauses = []yamlCause{
	{messages: []string{"tab character", "cannot start any token"}, find: tabIndent},
	{messages: []string{"mapping values are not allowed"}, find: colonInValue},
	{messages: []string{"did not find expected"}, zeroBased: true, find: bracketsInFlow},
}

// explainYAML returns the line (1-based in fm), the top-level key and the
// explanation of a YAML error, given the parser's message and its line in
// fm (0 when it gave none). ok is false when no known mistake fits: then
// the parser's own message is all there is to say.
func explainYAML(fm string, line int, msg string) (at int, field, why string, ok bool) {
	lines := strings.Split(fm, "\n")
	for _, c := range yamlCauses {
		if !containsAny(msg, c.messages) {
			continue
		}
		// The mistake is on the parser's line or, when it reports none or
		// one too early, just before or after: take the nearest at or above
		// the last line it can be on.
		limit := max(line, 1)
		if c.zeroBased {
			limit++
		}
		for i := min(limit, len(lines)) - 1; i >= 0; i-- {
			if w, found := c.find(lines[i]); found {
				return i + 1, topKey(lines, i), w, true
			}
		}
	}
	return 0, "", "", false
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// topKey is the top-level key whose value line i belongs to.
func topKey(lines []string, i int) string {
	for ; i >= 0; i-- {
		if m := topKeyRe.FindStringSubmatch(lines[i]); m != nil {
			return m[1]
		}
	}
	return ""
}

var topKeyRe = regexp.MustCompile(`^([A-Za-z_][\w-]*)[ \t]*:`)

func tabIndent(line string) (string, bool) {
	indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
	if strings.Contains(indent, "\t") && strings.TrimSpace(line) != "" {
		return "this line is indented with a tab; YAML does not allow tabs; indent with spaces", true
	}
	return "", false
}

// plainValueRe matches "key: value" (or "- key: value") where the value
// starts unquoted and is not a list, mapping or block text.
var plainValueRe = regexp.MustCompile(`^\s*(?:-\s+)?([A-Za-z_][\w-]*)[ \t]*:[ \t]+([^\s"'\[{|>&*!%@#].*)$`)

func colonInValue(line string) (string, bool) {
	m := plainValueRe.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	key, val := m[1], m[2]
	if i := strings.Index(val, " #"); i >= 0 {
		val = val[:i]
	}
	val = strings.TrimSpace(val)
	if !strings.Contains(val, ": ") {
		return "", false
	}
	return fmt.Sprintf(`the value of %s contains ": ", which YAML reads as the start of another key; quote the value: %s: %s`, key, key, quote(val)), true
}

// A defanged indicator (hxxp://evil[.]example, 203.0.113[.]7): its square
// brackets end a [list] or {mapping} written on one line.
var (
	defangedRe  = regexp.MustCompile(`(?:[^\s,\[\]{}"']|\[(?:\.|:|://|@|at|dot)\])*\[(?:\.|:|://|@|at|dot)\](?:[^\s,\[\]{}"']|\[(?:\.|:|://|@|at|dot)\])*`)
	keyBeforeRe = regexp.MustCompile(`([A-Za-z_][\w-]*)[ \t]*:[ \t]*$`)
)

func bracketsInFlow(line string) (string, bool) {
	if !strings.ContainsAny(line, "{[") {
		return "", false
	}
	for _, loc := range defangedRe.FindAllStringIndex(line, -1) {
		before := line[:loc[0]]
		if inQuotes(before) || !strings.ContainsAny(before, "{[") {
			continue
		}
		val := line[loc[0]:loc[1]]
		fix := quote(val)
		if m := keyBeforeRe.FindStringSubmatch(before); m != nil {
			fix = m[1] + ": " + fix
		}
		return fmt.Sprintf("%s must be quoted inside [ ] or { }: YAML reads its square brackets as list brackets; write %s", val, fix), true
	}
	return "", false
}

// inQuotes reports whether a quoted YAML string is open at the end of s.
func inQuotes(s string) bool {
	var open rune
	for i, r := range s {
		switch {
		case open == 0 && (r == '"' || r == '\''):
			open = r
		case open == '"' && r == '"' && (i == 0 || s[i-1] != '\\'):
			open = 0
		case open == '\'' && r == '\'':
			open = 0
		}
	}
	return open != 0
}

// quote writes s as a YAML string: double-quoted unless that needs escapes.
func quote(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
