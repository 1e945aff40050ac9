package sitetest

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SharedSchemas returns the directory of the official interchange schemas
// (STIX 2.1, JSON Feed, MISP, TLP 2.0) that exports are validated against:
// ../shared/schemas/ beside the repository root; sub names a directory in
// it. They are kept outside the repository (see their README), so a
// checkout without them skips the test, except under CI=true, where a
// missing schema fails it: CI must never pass by skipping.
func SharedSchemas(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join(filepath.Dir(RepoRoot(t)), "shared", "schemas", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the schemas %s are missing, and CI=true: %v", dir, err)
		}
		t.Skipf("skipping: the schemas %s are missing (under CI=true this fails)", dir)
	}
	return dir
}

// Schemas compiles JSON schemas that refer to each other: every .json file
// under dir is registered with the compiler under its $id (or draft-04 id)
// and its file URL, so that $ref between files resolves without a network.
type Schemas struct {
	dir string
	c   *jsonschema.Compiler
	ids map[string]string // file path relative to dir → the URL it is known by
}

// LoadSchemas registers every schema under dir.
func LoadSchemas(t testing.TB, dir string) *Schemas {
	t.Helper()
	s := &Schemas{dir: dir, c: jsonschema.NewCompiler(), ids: map[string]string{}}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".json" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil // not JSON (a licence, say): not a schema
		}
		rel, _ := filepath.Rel(dir, p)
		url := "file://" + filepath.ToSlash(p)
		if m, ok := doc.(map[string]any); ok {
			for _, k := range []string{"$id", "id"} {
				if id, ok := m[k].(string); ok && id != "" {
					url = id
					break
				}
			}
		}
		s.ids[filepath.ToSlash(rel)] = url
		return s.c.AddResource(url, doc)
	})
	if err != nil {
		t.Fatalf("sitetest: loading the schemas in %s: %v", dir, err)
	}
	return s
}

// Compile compiles the schema in the file rel (a slash path under the
// directory), or reports that there is none.
func (s *Schemas) Compile(t testing.TB, rel string) (*jsonschema.Schema, bool) {
	t.Helper()
	url, ok := s.ids[rel]
	if !ok {
		return nil, false
	}
	sch, err := s.c.Compile(url)
	if err != nil {
		t.Fatalf("sitetest: compiling %s: %v", rel, err)
	}
	return sch, true
}

// Validate checks the JSON document data against sch; it returns the
// validation error, or nil.
func Validate(t testing.TB, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

// STIXVocabulary returns an open vocabulary of STIX 2.1 as the official
// schemas define it: the enum of definitions[name] in the schema file rel
// ("sdos/identity.json", "industry-sector-ov").
func STIXVocabulary(t testing.TB, rel, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(SharedSchemas(t, "stix2.1"), "schemas", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Definitions map[string]struct {
			Enum []string `json:"enum"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	vocab := doc.Definitions[name].Enum
	if len(vocab) == 0 {
		t.Fatalf("%s defines no vocabulary %s", rel, name)
	}
	return vocab
}
