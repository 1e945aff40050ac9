package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
	"gopkg.in/yaml.v2"
)

// Limits on one brief. They bound the cost of a hostile file and are far above
// anything a real brief needs.
const (
	MaxListItems  = 200
	MaxNameRunes  = 120
	MaxTitleRunes = 200
	MaxTextRunes  = 1000
	MaxURLBytes   = 2048
)

// decoder turns goldmark-meta's values into typed ones, reporting each
// problem at the line of the value it concerns.
type decoder struct {
	file  string
	pos   *load.Positions // consulted only to report a problem
	seen  map[string]int  // repeats of a duplicated key already reported
	diags *diag.List
}

func (d *decoder) line(path string) int { return d.pos.Line(path) }

func (d *decoder) errorf(path, format string, args ...any) {
	d.diags.Errorf(d.file, d.line(path), path, format, args...)
}

func (d *decoder) warnf(path, format string, args ...any) {
	d.diags.Warnf(d.file, d.line(path), path, format, args...)
}

// describe names the YAML type of a value for an error message.
func describe(v any) string {
	switch v := v.(type) {
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case int, int64, uint64, float64:
		return fmt.Sprintf("the number %v", v)
	case []any:
		return "a list"
	case map[any]any, yaml.MapSlice:
		return "a mapping"
	case time.Time:
		return "a timestamp"
	}
	return fmt.Sprintf("%T", v)
}

// str decodes a text value. YAML 1.1 reads unquoted yes/no/on/off as
// booleans and digits as numbers; the message says how to quote them.
func (d *decoder) str(path string, v any, limit int) (string, bool) {
	var s string
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		s = v
	case bool, int, int64, uint64, float64:
		raw := d.pos.Plain(path)
		if raw == "" {
			raw = fmt.Sprint(v)
		}
		if _, isBool := v.(bool); isBool {
			d.errorf(path, "%s was read as %s (YAML 1.1 reads unquoted yes/no/on/off that way); quote it: \"%s\"", raw, describe(v), raw)
		} else {
			d.errorf(path, "must be text, but %s was read as %s; quote it: \"%s\"", raw, describe(v), raw)
		}
		return "", false
	default:
		d.errorf(path, "must be text, not %s", describe(v))
		return "", false
	}
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); limit > 0 && n > limit {
		d.errorf(path, "is %d characters long; at most %d are allowed", n, limit)
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			d.errorf(path, "contains the control character %U", r)
			return "", false
		}
	}
	return s, true
}

// list decodes a YAML sequence; a scalar where a list belongs is an error.
func (d *decoder) list(path string, v any) ([]any, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case []any:
		if len(v) > MaxListItems {
			d.errorf(path, "has %d items; at most %d are allowed in one list", len(v), MaxListItems)
			return nil, false
		}
		return v, true
	}
	d.errorf(path, "must be a list (write [a, b] or one \"- item\" per line), not %s", describe(v))
	return nil, false
}

// pair is one key and value of a mapping, in document order.
type pair struct {
	key string
	val any
}

// mapping decodes a YAML mapping (goldmark-meta yields yaml.MapSlice at the
// top and map[any]any inside lists).
func (d *decoder) mapping(path string, v any) ([]pair, bool) {
	var out []pair
	switch m := v.(type) {
	case yaml.MapSlice:
		for _, it := range m {
			out = append(out, pair{fmt.Sprint(it.Key), it.Value})
		}
	case map[any]any:
		for k, val := range m {
			out = append(out, pair{fmt.Sprint(k), val})
		}
		// Map order is random; sort by key so decoding is deterministic
		// (diagnostics are sorted by line when printed).
		slices.SortFunc(out, func(a, b pair) int { return strings.Compare(a.key, b.key) })
	default:
		d.errorf(path, "must be a mapping of keys to values, not %s", describe(v))
		return nil, false
	}
	return out, true
}

// fields decodes a mapping against a schema: unknown keys (with the nearest
// valid one suggested), duplicate keys and missing required keys are
// reported; known keys are returned by name.
func (d *decoder) fields(path string, v any, schema []brief.Field) (map[string]any, bool) {
	pairs, ok := d.mapping(path, v)
	if !ok {
		return nil, false
	}
	out := map[string]any{}
	firstPath := map[string]string{} // where each key was first given
	valid := true
	for _, p := range pairs {
		kp := p.key
		if path != "" {
			kp = path + "." + p.key
		}
		f, known := findField(schema, p.key)
		if !known {
			msg := fmt.Sprintf("unknown key %q", p.key)
			if s, ok := nearestKey(p.key, schema); ok {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; valid keys are " + keyList(schema)
			}
			d.errorf(kp, "%s", msg)
			valid = false
			continue
		}
		if first, dup := firstPath[f.Key]; dup {
			l := d.line(first)
			line := l
			if r := d.pos.Repeats(kp); len(r) > d.seen[kp] {
				line = r[d.seen[kp]]
			}
			if d.seen == nil {
				d.seen = map[string]int{}
			}
			d.seen[kp]++
			d.diags.Errorf(d.file, line, kp, "duplicate key %q (first given on line %d)", p.key, l)
			valid = false
			continue
		}
		firstPath[f.Key] = kp
		out[f.Key] = p.val
	}
	for _, f := range schema {
		if !f.Required {
			continue
		}
		if val, ok := out[f.Key]; !ok || isEmpty(val) {
			where := path
			d.errorf(joinPath(where, f.Key), "is required (%s)", f.Doc)
			valid = false
		}
	}
	return out, valid
}

// emptyEntry reports whether v is a mapping whose every value is empty.
func emptyEntry(v any) bool {
	switch m := v.(type) {
	case map[any]any:
		for _, val := range m {
			if !isEmpty(val) {
				return false
			}
		}
	case yaml.MapSlice:
		for _, it := range m {
			if !isEmpty(it.Value) {
				return false
			}
		}
	default:
		return false
	}
	return true
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	}
	return false
}

func findField(schema []brief.Field, key string) (brief.Field, bool) {
	for _, f := range schema {
		if f.Key == key {
			return f, true
		}
	}
	return brief.Field{}, false
}

func nearestKey(key string, schema []brief.Field) (string, bool) {
	best, bestD := "", 1<<30
	for _, f := range schema {
		if d := vocab.Levenshtein(strings.ToLower(key), f.Key); d < bestD {
			best, bestD = f.Key, d
		}
	}
	return best, bestD <= max(2, len(key)/3)
}

func keyList(schema []brief.Field) string {
	keys := make([]string, len(schema))
	for i, f := range schema {
		keys[i] = f.Key
	}
	return strings.Join(keys, ", ")
}

var dateRe = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:$|T)`)

// badDay says which part of a date written YYYY-MM-DD does not exist
// (month 13, 32 January, 30 February), or "".
func badDay(s string) string {
	m := dateRe.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	if mo < 1 || mo > 12 {
		return fmt.Sprintf("%q has no month %s; months are 01 to 12", s, m[2])
	}
	if last := time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day(); day < 1 || day > last {
		return fmt.Sprintf("%q has no day %s: %s %d has %d days", s, m[3], time.Month(mo), y, last)
	}
	return ""
}

// date decodes YYYY-MM-DD (or an RFC 3339 timestamp) to a UTC date.
func (d *decoder) date(path string, v any) (time.Time, bool) {
	if t, ok := v.(time.Time); ok {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
	}
	s, ok := d.str(path, v, 40)
	if !ok {
		return time.Time{}, false
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
	}
	if msg := badDay(s); msg != "" {
		d.errorf(path, "%s", msg)
		return time.Time{}, false
	}
	d.errorf(path, "%q is not a date; write YYYY-MM-DD, e.g. 2024-12-18", s)
	return time.Time{}, false
}

var monthRe = regexp.MustCompile(`^(\d{4})(?:-(\d{2}))?$`)

// month decodes YYYY-MM or YYYY (a bare year reads as a YAML number).
func (d *decoder) month(path string, v any) (string, bool) {
	if n, ok := v.(int); ok {
		v = strconv.Itoa(n)
	}
	s, ok := d.str(path, v, 20)
	if !ok || s == "" {
		return "", ok
	}
	m := monthRe.FindStringSubmatch(s)
	if m == nil {
		d.errorf(path, "%q is not a month; write YYYY-MM (or YYYY when only the year is known)", s)
		return "", false
	}
	if m[2] != "" {
		if mo, _ := strconv.Atoi(m[2]); mo < 1 || mo > 12 {
			d.errorf(path, "%q has no month %s; months are 01 to 12", s, m[2])
			return "", false
		}
	}
	return s, true
}

// enum decodes one of the fixed set of values of f (case-insensitive). A
// value that is not one gets a suggestion: the value f.Near gives for it,
// or else the one spelled nearly the same.
func (d *decoder) enum(path string, v any, f brief.Field) (string, bool) {
	s, ok := d.str(path, v, 40)
	if !ok {
		return "", false
	}
	for _, a := range f.Enum {
		if strings.EqualFold(s, a) {
			return a, true
		}
	}
	msg := fmt.Sprintf("%q is not one of %s", s, strings.Join(f.Enum, ", "))
	if near, ok := f.Near[strings.ToLower(s)]; ok {
		msg += fmt.Sprintf("; did you mean %q?", near)
	} else if near, ok := nearestKey(s, enumFields(f.Enum)); ok && s != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	d.errorf(path, "%s", msg)
	return "", false
}

// enumFields wraps values as fields, for nearestKey.
func enumFields(values []string) []brief.Field {
	out := make([]brief.Field, len(values))
	for i, v := range values {
		out[i].Key = v
	}
	return out
}

// strList decodes a list of text values.
func (d *decoder) strList(path string, v any, limit int) []string {
	items, ok := d.list(path, v)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", path, i)
		s, ok := d.str(ip, it, limit)
		if !ok {
			continue
		}
		if s == "" {
			d.errorf(ip, "is empty")
			continue
		}
		out = append(out, s)
	}
	return out
}

// objects decodes a list of mappings against a schema.
func (d *decoder) objects(path string, v any, schema []brief.Field) []map[string]any {
	items, ok := d.list(path, v)
	if !ok {
		return nil
	}
	var out []map[string]any
	for i, it := range items {
		ip := fmt.Sprintf("%s[%d]", path, i)
		if emptyEntry(it) {
			// What `new` writes for sources, left as it was.
			d.errorf(ip, "every field is empty; fill in or remove this entry")
			continue
		}
		m, ok := d.fields(ip, it, schema)
		if ok {
			out = append(out, m)
		}
	}
	return out
}

// lookalike maps Cyrillic and Greek letters that render like Latin ones to
// the Latin letter. Unicode's full confusables table (UTS #39) has no
// maintained Go package; names in CTI are Latin-script, so mixed-script names
// are what to catch, and this table covers the letters used to fake them.
var lookalike = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ӏ': 'l',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
	'ο': 'o', 'ν': 'v', 'α': 'a', 'ι': 'i', 'κ': 'k', 'τ': 't', 'υ': 'u',
}

// mixedScript reports whether a name mixes Latin letters with Cyrillic or
// Greek ones, and returns the all-Latin name it imitates.
func mixedScript(s string) (string, bool) {
	var latin, other bool
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Latin, r):
			latin = true
		case unicode.Is(unicode.Cyrillic, r), unicode.Is(unicode.Greek, r):
			other = true
		}
	}
	if !latin || !other {
		return "", false
	}
	var b strings.Builder
	for _, r := range s {
		if l, ok := lookalike[r]; ok {
			r = l
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// name decodes a term name: text, not empty, not a mixed-script lookalike.
func (d *decoder) name(path string, v any) (string, bool) {
	s, ok := d.str(path, v, MaxNameRunes)
	if !ok {
		return "", false
	}
	if looks, mixed := mixedScript(s); mixed {
		d.errorf(path, "%q mixes Latin letters with Cyrillic or Greek lookalikes (reads as %q); use one script", s, looks)
		return "", false
	}
	return s, true
}
