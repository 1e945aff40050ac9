// Package schema writes the JSON Schema of a brief's front matter, for
// editors and other tools that check a brief before `check` does.
//
// It accepts nothing but the generator's own tables: the keys, shapes, enums
// and required fields come from the kinds' brief schema
// (taxonomy.Table.BriefFields, the table validation and `new` use), the
// length and list limits and the slug pattern from validate, and the ATT&CK
// and CVE ID formats from vocab. So the schema cannot drift from
// the rules; a test checks that the committed copy (brief.schema.json,
// written by `go run ./generator schema`) is current.
//
// The schema is JSON Schema draft-07, the newest draft the YAML language
// server (VS Code's YAML extension) validates with, and uses only keywords
// that mean the same in later drafts. Patterns use the syntax that ECMAScript
// and Go's RE2 share. It describes front matter as YAML 1.1 reads it (the
// dialect the generator reads): unquoted NO is a boolean, so a country code
// "NO" must be quoted.
//
// The schema checks shape; `check` checks meaning too. The schema asks for
// the canonical spelling of enum values (tlp: amber), where check also takes
// TLP:AMBER or Amber; and it cannot know whether a well-formed ATT&CK ID
// exists, whether a name is a country, or which names are synonyms.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Draft is the JSON Schema dialect of the schema.
const Draft = "http://json-schema.org/draft-07/schema#"

// node is one JSON Schema object; properties keep the order of the field
// table, so the written schema reads like the scaffold.
type node struct {
	Schema               string     `json:"$schema,omitempty"`
	Title                string     `json:"title,omitempty"`
	Description          string     `json:"description,omitempty"`
	Type                 any        `json:"type,omitempty"` // a name or a list of names
	Properties           properties `json:"properties,omitempty"`
	Required             []string   `json:"required,omitempty"`
	AdditionalProperties *bool      `json:"additionalProperties,omitempty"`
	Items                *node      `json:"items,omitempty"`
	MaxItems             int        `json:"maxItems,omitempty"`
	Enum                 []any      `json:"enum,omitempty"`
	MinLength            int        `json:"minLength,omitempty"`
	MaxLength            int        `json:"maxLength,omitempty"`
	Pattern              string     `json:"pattern,omitempty"`
	Minimum              int        `json:"minimum,omitempty"`
	Maximum              int        `json:"maximum,omitempty"`
	AnyOf                []*node    `json:"anyOf,omitempty"`
	Not                  *node      `json:"not,omitempty"`
}

type property struct {
	name string
	node *node
}

type properties []property

// MarshalJSON writes the properties as one object, in order.
func (ps properties) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := encode(p.name)
		if err != nil {
			return nil, err
		}
		v, err := encode(p.node)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encode marshals without escaping <, > and & ("ATT&CK" stays readable).
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Text limits by field path, as validate applies them.
var maxRunes = map[string]int{
	"title":             validate.MaxTitleRunes,
	"summary":           validate.MaxTextRunes,
	"slug":              validate.MaxSlugLen,
	"sources.name":      validate.MaxNameRunes,
	"sources.title":     validate.MaxTitleRunes,
	"sources.url":       validate.MaxURLBytes,
	"attribution.actor": validate.MaxNameRunes,
	"attribution.by":    validate.MaxNameRunes,
	"campaigns.name":    validate.MaxNameRunes,
	"iocs.value":        validate.MaxURLBytes,
	"iocs.note":         validate.MaxTextRunes,
}

// Patterns of values the schema can check without the vocabularies.
const (
	datePattern  = `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$`
	monthPattern = `^[0-9]{4}(-(0[1-9]|1[0-2]))?$`
	urlPattern   = `^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s]+`
	textPattern  = `\S` // not empty or blank
)

// Brief returns the JSON Schema of the front matter of a brief whose terms
// are of the kinds ks, indented, ending in a newline.
func Brief(ks taxonomy.Table) ([]byte, error) {
	root, err := object(ks, "", ks.BriefFields())
	if err != nil {
		return nil, err
	}
	root.Schema = Draft
	root.Title = "Threat Briefs: brief front matter"
	root.Description = "The YAML front matter of a brief (content/briefs/YYYY/<slug>.md). Generated from the generator's field table by `go run ./generator schema`; `go run ./generator check` is the full check."
	data, err := encode(root)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, data, "", "  "); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

var no = new(bool)

// object is the schema of a mapping with the given fields; path is the
// field path of the mapping ("" for the front matter, "sources" for each of
// its items).
func object(ks taxonomy.Table, path string, fields []brief.Field) (*node, error) {
	n := &node{Type: "object", AdditionalProperties: no}
	for _, f := range fields {
		p := f.Key
		if path != "" {
			p = path + "." + f.Key
		}
		fn, err := field(ks, p, f)
		if err != nil {
			return nil, err
		}
		n.Properties = append(n.Properties, property{f.Key, fn})
		if f.Required {
			n.Required = append(n.Required, f.Key)
		}
	}
	return n, nil
}

// field is the schema of one key. An optional key may be left empty (null),
// as `new` leaves some; a required one must hold a value.
func field(ks taxonomy.Table, path string, f brief.Field) (*node, error) {
	var n *node
	switch f.Kind {
	case brief.KindString:
		n = text(maxRunes[path], f.Required)
		switch path {
		case "slug":
			n.Pattern = validate.SlugRe.String()
		case "sources.url":
			n.Pattern = urlPattern
		}
		if n.Pattern != "" && !f.Required {
			n.Pattern = "^$|" + n.Pattern // left empty, as `new` leaves it
		}
	case brief.KindDate:
		n = &node{Type: "string", Pattern: datePattern}
	case brief.KindMonth:
		// A bare year is read as a number.
		n = &node{Type: []string{"string", "integer"}, Pattern: monthPattern, Minimum: 1000, Maximum: 9999}
	case brief.KindEnum:
		n = &node{Type: "string"}
		for _, v := range f.Enum {
			n.Enum = append(n.Enum, v)
		}
	case brief.KindStringList:
		item, err := listItem(ks, f.Key)
		if err != nil {
			return nil, err
		}
		n = &node{Type: "array", Items: item, MaxItems: validate.MaxListItems}
	case brief.KindObjectList:
		item, err := object(ks, path, f.Sub)
		if err != nil {
			return nil, err
		}
		n = &node{Type: "array", Items: item, MaxItems: validate.MaxListItems}
	default:
		return nil, fmt.Errorf("schema: field %s has a kind the schema does not know (%d)", path, f.Kind)
	}
	n.Description = f.Doc
	if !f.Required {
		n.Type = orNull(n.Type)
		if n.Enum != nil {
			n.Enum = append(n.Enum, nil)
		}
	}
	return n, nil
}

func text(limit int, required bool) *node {
	n := &node{Type: "string", MaxLength: limit}
	if required {
		n.MinLength, n.Pattern = 1, textPattern
	}
	return n
}

func orNull(t any) any {
	switch t := t.(type) {
	case string:
		return []string{t, "null"}
	case []string:
		return append(t, "null")
	}
	return t
}

// listItem is the schema of one name in a term list. Kinds named by ID
// constrain what looks like an ID, as check does: a name may stand for a
// technique, but "T119" can only be a malformed ID; a CVE must be an ID.
// Mitigations are IDs or free terms, but "M105" can only be a malformed ID.
func listItem(ks taxonomy.Table, key string) (*node, error) {
	n := &node{Type: "string", MinLength: 1, MaxLength: validate.MaxNameRunes, Pattern: textPattern}
	var k taxonomy.Kind
	for _, kk := range ks {
		if kk.Field == key {
			k = kk
		}
	}
	idOr := func(id *regexp.Regexp, prefix string) error {
		p, err := foldCase(id.String())
		if err != nil {
			return err
		}
		n.AnyOf = []*node{{Pattern: p}, {Not: &node{Pattern: prefix}}}
		return nil
	}
	var err error
	switch k.Resolution {
	case taxonomy.ByTechnique:
		err = idOr(vocab.TechniqueIDRe, `^[Tt][0-9]`)
	case taxonomy.ByMitigation:
		err = idOr(vocab.MitigationIDRe, `^[Mm][0-9]+$`)
	case taxonomy.ByCVE:
		n.Pattern, err = foldCase(vocab.CVERe.String())
	}
	return n, err
}

// foldCase makes a pattern of literal letters, escapes, groups and counts
// match letters in either case, as check does (it upper-cases IDs before
// matching): ^T\d{4}$ becomes ^[Tt]\d{4}$. A pattern with a character class
// is refused rather than rewritten, so one that needs more fails loudly.
func foldCase(p string) (string, error) {
	if strings.Contains(p, "[") {
		return "", fmt.Errorf("schema: cannot fold the case of %q (it has a character class)", p)
	}
	var b strings.Builder
	escaped, inBraces := false, false
	for _, r := range p {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case r == '{':
			inBraces = true
		case r == '}':
			inBraces = false
		case !inBraces && unicode.IsLetter(r) && r < unicode.MaxASCII:
			fmt.Fprintf(&b, "[%c%c]", unicode.ToUpper(r), unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}
