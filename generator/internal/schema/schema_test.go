package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v2"

	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/scaffold"
	"github.com/threatbriefs/threatbriefs/generator/internal/schema"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// ecmaRegexp lets the validator match patterns as ECMAScript does, the
// dialect of the YAML language server that editors run.
type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

func ecmaCompile(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}

// validators compiles the schema twice: with Go's RE2 and with an
// ECMAScript regexp engine. Every verdict below must hold for both, so the
// patterns mean the same to this repository's tools and to an editor's.
func validators(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	data, err := schema.Brief(taxonomy.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for name, engine := range map[string]jsonschema.RegexpEngine{"RE2": nil, "ECMAScript": ecmaCompile} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		if engine != nil {
			c.UseRegexpEngine(engine)
		}
		if err := c.AddResource("brief.schema.json", doc); err != nil {
			t.Fatal(err)
		}
		// Compile validates the schema against the draft-07 meta-schema.
		sch, err := c.Compile("brief.schema.json")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = sch
	}
	return out
}

// instance reads front matter as the generator does (goldmark-meta, YAML
// 1.1) and returns it as JSON, as an editor's YAML server sees it.
func instance(t *testing.T, file string, data []byte) any {
	t.Helper()
	var l diag.List
	doc, ok := load.Parse(file, data, &l)
	if !ok {
		t.Fatalf("%s does not parse: %v", file, l.Items())
	}
	j, err := json.Marshal(plain(doc.Items))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func plain(v any) any {
	switch v := v.(type) {
	case yaml.MapSlice:
		m := make(map[string]any, len(v))
		for _, it := range v {
			m[fmt.Sprint(it.Key)] = plain(it.Value)
		}
		return m
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, val := range v {
			m[fmt.Sprint(k)] = plain(val)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, it := range v {
			out[i] = plain(it)
		}
		return out
	case time.Time:
		return v.Format(time.RFC3339)
	}
	return v
}

// checkErrors is what `check` says about one brief: its errors, not warnings.
func checkErrors(t *testing.T, file string, data []byte) []string {
	t.Helper()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	var l diag.List
	doc, ok := load.Parse(file, data, &l)
	if ok {
		r, _ := resolve.New(v, nil)
		_, diags := validate.Briefs([]load.Doc{doc}, r, taxonomy.Kinds())
		l.Merge(diags)
	}
	var out []string
	for _, d := range l.Items() {
		if d.Severity == diag.Error {
			out = append(out, d.String())
		}
	}
	return out
}

// locations lists the instance locations the schema complains about.
func locations(err error) []string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, u := range ve.BasicOutput().Errors {
		out = append(out, u.InstanceLocation)
	}
	return out
}

func TestCommittedSchemaIsCurrent(t *testing.T) {
	t.Parallel()
	want, err := schema.Brief(taxonomy.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("brief.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("brief.schema.json is out of date; run: go run ./generator schema -o generator/internal/schema/brief.schema.json")
	}
}

func TestSchemaAcceptsEveryExampleBrief(t *testing.T) {
	t.Parallel()
	root := sitetest.RepoRoot(t)
	vs := validators(t)
	n := 0
	err := filepath.WalkDir(filepath.Join(root, load.BriefsDir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		inst := instance(t, filepath.ToSlash(rel), data)
		for engine, sch := range vs {
			if err := sch.Validate(inst); err != nil {
				t.Errorf("%s (%s): %v", rel, engine, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 9 {
		t.Fatalf("found %d example briefs; want the repository's", n)
	}
}

// valid is a small brief check accepts; the corpora below vary it.
const valid = `---
title: "A valid brief"
date: 2024-12-18
summary: "Valid."
tlp: clear
sources:
  - name: CISA
    url: https://www.cisa.gov/
techniques: [T1190]
---
Body.
`

// variant replaces the block of one top-level key (its line and the indented
// lines under it) with text, or adds text when the key is absent.
func variant(key, text string) []byte {
	lines := strings.Split(valid, "\n")
	var out []string
	replaced := false
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], key+":") {
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") {
				i++
			}
			if text != "" {
				out = append(out, text)
			}
			replaced = true
			continue
		}
		if !replaced && i > 0 && lines[i] == "---" {
			out = append(out, text)
			replaced = true
		}
		out = append(out, lines[i])
	}
	return []byte(strings.Join(out, "\n"))
}

// The bad corpus: front matter that check rejects, each for one reason the
// schema can see; the schema must reject it at that place.
var bad = []struct {
	name, key, text string
	at              string // the instance location the schema names
}{
	{"unknown key", "secotrs", "secotrs: [Energy]", ""},
	{"missing title", "title", "", ""},
	{"empty title", "title", `title: ""`, "/title"},
	{"blank title", "title", `title: "   "`, "/title"},
	{"title read as a number", "title", "title: 2024", "/title"},
	{"title too long", "title", "title: " + strings.Repeat("x", validate.MaxTitleRunes+1), "/title"},
	{"summary as a list", "summary", "summary: [a, b]", "/summary"},
	{"date not ISO", "date", "date: 18/12/2024", "/date"},
	{"date month 13", "date", "date: 2024-13-01", "/date"},
	{"updated not a date", "updated", "updated: last week", "/updated"},
	{"TLP not a TLP 2.0 label", "tlp", "tlp: orange", "/tlp"},
	{"TLP misspelled", "tlp", "tlp: amber-strict", "/tlp"},
	{"slug with capitals and spaces", "slug", "slug: Not A Slug", "/slug"},
	{"slug too long", "slug", "slug: " + strings.Repeat("a", validate.MaxSlugLen+1), "/slug"},
	{"sources as a scalar", "sources", "sources: CISA", "/sources"},
	{"source without a name", "sources", "sources:\n  - url: https://www.cisa.gov/", "/sources/0"},
	{"source with an ftp URL", "sources", "sources:\n  - name: CISA\n    url: ftp://ftp.example.org/report", "/sources/0/url"},
	{"source with an unknown key", "sources", "sources:\n  - name: CISA\n    link: https://www.cisa.gov/", "/sources/0"},
	{"confidence not on the scale", "attribution", "attribution:\n  - {actor: APT29, by: NCSC, confidence: certain}", "/attribution/0/confidence"},
	{"claim without a claimant", "attribution", "attribution:\n  - {actor: APT29, confidence: high}", "/attribution/0"},
	{"actors as a scalar", "actors", "actors: APT29", "/actors"},
	{"empty sector", "sectors", `sectors: [""]`, "/sectors/0"},
	{"country NO unquoted (YAML 1.1 false)", "countries", "countries: [NO]", "/countries/0"},
	{"technique ID too short", "techniques", "techniques: [T119]", "/techniques/0"},
	{"sub-technique with one digit", "techniques", "techniques: [T1190.1]", "/techniques/0"},
	{"technique ID as a number", "techniques", "techniques: [1190]", "/techniques/0"},
	{"CVE with a two-digit year", "vulnerabilities", "vulnerabilities: [CVE-24-3400]", "/vulnerabilities/0"},
	{"vulnerability by nickname", "vulnerabilities", "vulnerabilities: [Log4Shell]", "/vulnerabilities/0"},
	{"campaign month 13", "campaigns", "campaigns:\n  - {name: Edge sweep, first_seen: 2024-13}", "/campaigns/0/first_seen"},
	{"campaign month in words", "campaigns", "campaigns:\n  - {name: Edge sweep, last_seen: August 2024}", "/campaigns/0/last_seen"},
	{"indicator of an unknown type", "iocs", "iocs:\n  - {type: hash, value: 44d88612fea8a8f36de82e1278abb02f}", "/iocs/0/type"},
	{"indicator without a value", "iocs", "iocs:\n  - {type: domain}", "/iocs/0"},
	{"list over the limit", "malware", "malware: [" + strings.TrimSuffix(strings.Repeat("x, ", validate.MaxListItems+1), ", ") + "]", "/malware"},
	{"name over the limit", "malware", "malware: [" + strings.Repeat("x", validate.MaxNameRunes+1) + "]", "/malware/0"},
}

func TestSchemaAndCheckRejectTheBadCorpus(t *testing.T) {
	t.Parallel()
	vs := validators(t)
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			data := variant(c.key, c.text)
			const file = "content/briefs/2024/bad.md"
			if errs := checkErrors(t, file, data); len(errs) == 0 {
				t.Fatalf("check accepts it, so the corpus is wrong:\n%s", data)
			}
			inst := instance(t, file, data)
			for engine, sch := range vs {
				err := sch.Validate(inst)
				if err == nil {
					t.Errorf("%s: the schema accepts\n%s", engine, data)
					continue
				}
				found := false
				for _, l := range locations(err) {
					found = found || l == c.at // "" is the front matter itself
				}
				if !found {
					t.Errorf("%s: the schema does not name %q: %v", engine, c.at, err)
				}
			}
		})
	}
}

// The good corpus: spellings check accepts that the schema must not flag,
// so an editor never marks a correct brief.
var good = []struct{ name, key, text string }{
	{"technique by name", "techniques", "techniques: [Exploit Public-Facing Application]"},
	{"technique ID in lower case", "techniques", "techniques: [t1059.001]"},
	{"country by name", "countries", `countries: [United Kingdom, "NO", us]`},
	{"mitigation as a free term", "mitigations", "mitigations: [M1051, Network segmentation]"},
	{"campaign seen in a year only", "campaigns", "campaigns:\n  - {name: Edge sweep, first_seen: 2023, last_seen: 2024-02}"},
	{"optional keys left empty", "updated", "updated:\nslug:\nactors:\nsectors: []\niocs: []"},
	{"source URL left empty", "sources", "sources:\n  - name: CISA\n    title: \"\"\n    url: \"\""},
	{"timestamp as date", "date", "date: 2024-12-18T09:30:00Z"},
	{"CVE in lower case", "vulnerabilities", "vulnerabilities: [cve-2024-3400]"},
	{"indicators", "iocs", "iocs:\n  - {type: ipv4, value: 203.0.113.7, note: scanner}\n  - {type: domain, value: \"update.example[.]com\"}"},
	{"limits reached, not passed", "title", "title: " + strings.Repeat("x", validate.MaxTitleRunes)},
}

func TestSchemaAndCheckAcceptTheGoodCorpus(t *testing.T) {
	t.Parallel()
	vs := validators(t)
	for _, c := range good {
		t.Run(c.name, func(t *testing.T) {
			data := variant(c.key, c.text)
			const file = "content/briefs/2024/good.md"
			if errs := checkErrors(t, file, data); len(errs) > 0 {
				t.Fatalf("check rejects it, so the corpus is wrong: %v\n%s", errs, data)
			}
			inst := instance(t, file, data)
			for engine, sch := range vs {
				if err := sch.Validate(inst); err != nil {
					t.Errorf("%s: %v\n%s", engine, err, data)
				}
			}
		})
	}
}

// What `new` writes is flagged where check flags it (the summary and the
// source an author must still fill in), and passes once filled in.
func TestSchemaOnTheScaffold(t *testing.T) {
	t.Parallel()
	vs := validators(t)
	text := scaffold.Text(taxonomy.Kinds(), "A fresh brief", time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC))
	const file = "content/briefs/2025/a-fresh-brief.md"
	inst := instance(t, file, []byte(text))
	for engine, sch := range vs {
		got := locations(sch.Validate(inst))
		want := []string{"/summary", "/sources/0/name"}
		for _, w := range want {
			if !strings.Contains(strings.Join(got, " "), w) {
				t.Errorf("%s: the unfilled scaffold is not flagged at %s (flagged: %v)", engine, w, got)
			}
		}
	}
	filled := strings.Replace(text, `summary: ""`, `summary: "Filled in."`, 1)
	filled = regexp.MustCompile(`(?m)^  - name: ""$`).ReplaceAllString(filled, "  - name: CISA")
	if errs := checkErrors(t, file, []byte(filled)); len(errs) > 0 {
		t.Fatalf("check rejects the filled scaffold: %v", errs)
	}
	inst = instance(t, file, []byte(filled))
	for engine, sch := range vs {
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: the filled scaffold: %v", engine, err)
		}
	}
}

// A kind added to the table is a field of the brief everywhere the schema
// is used: in the JSON Schema, in what `new` writes, and in what check
// accepts (and where it says a problem is).
func TestANewKindsField(t *testing.T) {
	t.Parallel()
	ks := append(taxonomy.Kinds(), taxonomy.Kind{Name: "tools", Singular: "tool", Title: "Tools", Field: "tools", FieldDoc: "tools the intruders used"})
	data, err := schema.Brief(ks)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties map[string]struct {
			Type        any
			Description string
		}
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if p, ok := s.Properties["tools"]; !ok || p.Description != "tools the intruders used" || fmt.Sprint(p.Type) != "[array null]" {
		t.Errorf("the schema's tools property: %+v (present %v)", p, ok)
	}
	if text := scaffold.Text(ks, "A fresh brief", time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)); !strings.Contains(text, "# tools the intruders used\ntools: []\n") {
		t.Errorf("new does not write the tools field:\n%s", text)
	}

	brief := "---\ntitle: T\ndate: 2025-03-04\nsummary: S\ntlp: clear\ntools: [Hammer, 7]\n---\n"
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	var l diag.List
	doc, _ := load.Parse("content/briefs/2025/t.md", []byte(brief), &l)
	r, _ := resolve.New(v, nil)
	bs, diags := validate.Briefs([]load.Doc{doc}, r, ks)
	if got := fmt.Sprint(bs[0].Lists["tools"]); got != "[Hammer]" {
		t.Errorf("tools decoded as %s", got)
	}
	if got := fmt.Sprint(diags.Items()); !strings.Contains(got, "content/briefs/2025/t.md:6: tools[1]: must be text") {
		t.Errorf("a number among the tools: %s", got)
	}
}
