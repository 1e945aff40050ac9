package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSchemaCommandWritesTheCommittedSchema(t *testing.T) {
	out, _, err := run(t, "schema")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Schema     string `json:"$schema"`
		Properties map[string]any
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if s.Schema != "http://json-schema.org/draft-07/schema#" || s.Properties["tlp"] == nil {
		t.Errorf("not the brief schema: %.200s", out)
	}
	committed, err := os.ReadFile(filepath.Join("internal", "schema", "brief.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if out != string(committed) {
		t.Error("schema prints something else than the committed brief.schema.json")
	}

	file := filepath.Join(t.TempDir(), "brief.schema.json")
	if _, _, err := run(t, "schema", "-o", file); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(file); string(data) != out {
		t.Error("schema -o wrote something else than schema prints")
	}
	if help, _, err := run(t, "schema", "-h"); err != nil || !strings.Contains(help, "-o, --output") {
		t.Errorf("schema -h: %v\n%s", err, help)
	}
}
