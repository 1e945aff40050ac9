package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

const exportLibrary = `
-- content/briefs/2024/one.md --
---
title: "One brief to export"
date: 2024-06-01
summary: "A fictional brief."
tlp: clear
sectors: [Energy]
---
Body.
-- content/briefs/2024/two.md --
---
title: "Amber brief"
date: 2024-07-01
summary: "Restricted."
tlp: amber
---
`

func TestExportCommand(t *testing.T) {
	dir := sitetest.Project(t, exportLibrary)
	out := t.TempDir()

	zipFile := filepath.Join(out, "tb.zip")
	stdout, stderr, err := run(t, "export", "-s", dir, "--offline", zipFile, "--dir", filepath.Join(out, "tb"))
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	for _, want := range []string{"Wrote " + zipFile, "Offline edition, built from 1 brief as of 1 June 2024", "open tb/index.html", filepath.Join(out, "tb", "index.html")} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	zr, err := zip.OpenReader(zipFile)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, want := range []string{"tb/index.html", "tb/briefs/one/index.html", "tb/search/index.html", "tb/search/index.js"} {
		if !names[want] {
			t.Errorf("the zip lacks %s", want)
		}
	}
	if names["tb/briefs/two/index.html"] {
		t.Error("the zip has the amber brief")
	}
	if _, err := os.Stat(filepath.Join(out, "tb", "briefs", "one", "index.html")); err != nil {
		t.Error(err)
	}

	html := filepath.Join(out, "one.html")
	if _, stderr, err := run(t, "export", "-s", dir, "--brief", "one", html); err != nil {
		t.Fatalf("export --brief: %v\n%s", err, stderr)
	}
	data, err := os.ReadFile(html)
	if err != nil || !strings.Contains(string(data), "One brief to export") || !strings.Contains(string(data), "<style>") {
		t.Errorf("export --brief wrote %d bytes (%v)", len(data), err)
	}
	if _, _, err := run(t, "export", "-s", dir, "--brief", "two", html); err == nil || !strings.Contains(err.Error(), "TLP:AMBER") {
		t.Errorf("exporting the amber brief: %v", err)
	}
	if _, _, err := run(t, "export", "-s", dir, "--include-tlp", "amber", "--brief", "two", html); err != nil {
		t.Errorf("exporting the amber brief with --include-tlp amber: %v", err)
	}
}

func TestExportArguments(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export"}, "say what to write"},
		{[]string{"export", "--brief", "x"}, "needs one output file"},
		{[]string{"export", "--brief", "x", "--offline", "a.zip", "b.html"}, "cannot be combined"},
		{[]string{"export", "--offline", "a.zip", "extra"}, `unexpected argument "extra"`},
	} {
		_, _, err := run(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error with %q", c.args, err, c.want)
		}
	}
}
