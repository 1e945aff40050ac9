package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	for _, want := range []string{"tb/index.html", "tb/briefs/one/index.html", "tb/search/index.html", "tb/search/meta.js"} {
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

// export --brief writes links that work: absolute links to the real site
// when baseURL names one (config.toml or --baseURL); while baseURL is the
// example address, no link to the site at all (their text stays, the
// search form goes), and a warning says so.
func TestExportBriefLinksOnlyToARealSite(t *testing.T) {
	dir := sitetest.Project(t, exportLibrary)
	out := t.TempDir()
	export := func(name string, args ...string) (doc, stderr string) {
		t.Helper()
		file := filepath.Join(out, name)
		_, stderr, err := run(t, append(append([]string{"export", "-s", dir}, args...), "--brief", "one", file)...)
		if err != nil {
			t.Fatalf("export --brief %v: %v\n%s", args, err, stderr)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(data), stderr
	}
	hrefs := func(doc string) (out []string) {
		for _, m := range regexp.MustCompile(`(?:href|action)=("[^"]*"|[^\s>]+)`).FindAllStringSubmatch(doc, -1) {
			out = append(out, strings.Trim(m[1], `"`))
		}
		return out
	}

	doc, stderr := export("example.html")
	const warning = "baseURL is the example https://threatbriefs.example.org/; links in the file are written as plain text. Set baseURL in config.toml or pass --baseURL"
	if !strings.Contains(stderr, warning) {
		t.Errorf("no warning about the example baseURL on stderr:\n%s", stderr)
	}
	if strings.Contains(doc, "threatbriefs.example.org") || strings.Contains(doc, "<form") {
		t.Errorf("the file still points at the example site or has the search form:\n%s", doc)
	}
	for _, h := range hrefs(doc) {
		if !strings.HasPrefix(h, "#") {
			t.Errorf("the file links %q; only links within it may stay", h)
		}
	}
	for _, text := range []string{"One brief to export", ">Energy<", ">Actors<"} {
		if !strings.Contains(doc, text) {
			t.Errorf("the file lacks %q: a link's text must stay", text)
		}
	}

	real := "https://briefs.acme-cti.net/"
	doc, stderr = export("flag.html", "--baseURL", real)
	config, err := os.ReadFile(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	config = bytes.Replace(config, []byte(`baseURL = "https://threatbriefs.example.org/"`), []byte(`baseURL = "`+real+`"`), 1)
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), config, 0o644); err != nil {
		t.Fatal(err)
	}
	docConfig, stderrConfig := export("config.html")
	for how, got := range map[string][2]string{"--baseURL": {doc, stderr}, "config.toml": {docConfig, stderrConfig}} {
		doc, stderr := got[0], got[1]
		if strings.Contains(stderr, "baseURL is the example") {
			t.Errorf("%s: a warning although baseURL is %s:\n%s", how, real, stderr)
		}
		for _, want := range []string{real + "sectors/energy/", real + "search/", real + "briefs/"} {
			if !slices.Contains(hrefs(doc), want) {
				t.Errorf("%s: the file does not link %s: %v", how, want, hrefs(doc))
			}
		}
		if !strings.Contains(doc, "<form") {
			t.Errorf("%s: the search form is gone although the site is real", how)
		}
	}
}
