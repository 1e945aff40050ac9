package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

const goodBrief = `---
title: "Good brief"
date: 2024-05-02
summary: "Good summary."
tlp: clear
sectors: [Energy]
---
Body.
`

// Run from a subdirectory of a project, every command works on the project,
// found the way git finds .git: check reports every brief (not "0 briefs
// checked"), build writes the project's public/, new writes the brief where
// it belongs, and so do import, export and serve.
func TestCommandsFindTheProjectFromASubdirectory(t *testing.T) {
	dir := sitetest.Project(t, "-- content/briefs/2024/good.md --\n"+goodBrief+"-- content/briefs/2024/bad.md --\n"+badBrief)
	sub := filepath.Join(dir, "content", "briefs", "2024")
	t.Chdir(sub)

	out, errOut, err := run(t, "check")
	if exitCode(err) != 1 || !strings.Contains(out, "content/briefs/2024/bad.md:3: date:") || !strings.Contains(errOut, "2 briefs checked: 3 error(s)") {
		t.Errorf("check from content/briefs/2024: %v\n%s%s", err, out, errOut)
	}
	os.Remove(filepath.Join(sub, "bad.md"))

	out, errOut, err = run(t, "build")
	if err != nil || !strings.HasPrefix(out, "Built 1 briefs") {
		t.Fatalf("build: %v\n%s%s", err, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "briefs", "good", "index.html")); err != nil {
		t.Errorf("build did not write the project's public/: %v", err)
	}
	if _, err := os.Stat(filepath.Join(sub, "public")); !os.IsNotExist(err) {
		t.Error("build wrote public/ into the working directory")
	}

	now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	out, _, err = runAt(t, now, "new", "Written from a subdirectory")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "briefs", "2025", "written-from-a-subdirectory.md")); err != nil {
		t.Errorf("new did not write into the project's content/briefs/2025/: %v", err)
	}
	if want := filepath.Join("..", "2025", "written-from-a-subdirectory.md"); !strings.Contains(out, "Created "+want+"\n") {
		t.Errorf("new does not name the file as seen from here (%s):\n%s", want, out)
	}
	if nested, _ := filepath.Glob(filepath.Join(sub, "content")); len(nested) > 0 {
		t.Errorf("new wrote under the working directory: %v", nested)
	}
	os.Remove(filepath.Join(dir, "content", "briefs", "2025", "written-from-a-subdirectory.md"))

	out, errOut, err = run(t, "import", "--date", "2024-12-18", sharedReport(t))
	if err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "content", "briefs", "2024", sharedSlug+".md")); err != nil {
		t.Errorf("import did not write into the project's content/briefs/2024/: %v", err)
	}

	offline := filepath.Join(t.TempDir(), "offline")
	if out, errOut, err := run(t, "export", "--dir", offline); err != nil || !strings.Contains(out, "built from 2 briefs") {
		t.Errorf("export: %v\n%s%s", err, out, errOut)
	}

	// serve stops as soon as it says it is serving.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := &stopAt{prefix: "Serving on", stop: cancel}
	var errOut2 strings.Builder
	root := newRoot(served, &errOut2)
	root.SetArgs([]string{"serve", "--port", "0"})
	if err := root.ExecuteContext(ctx); err != nil || !strings.Contains(served.String(), "built 2 briefs") {
		t.Errorf("serve: %v\n%s%s", err, served, &errOut2)
	}
}

// stopAt collects what is written to it and calls stop once a line starts
// with prefix.
type stopAt struct {
	strings.Builder
	prefix string
	stop   func()
}

func (w *stopAt) Write(p []byte) (int, error) {
	n, err := w.Builder.Write(p)
	if strings.HasPrefix(string(p), w.prefix) {
		w.stop()
	}
	return n, err
}

// check --changed from content/ compares the project, not an empty one.
func TestCheckChangedFindsTheProjectFromASubdirectory(t *testing.T) {
	dir := prRepo(t)
	t.Chdir(filepath.Join(dir, "content"))
	out, errOut, err := run(t, "check", "--changed", "main")
	if exitCode(err) != 1 || !strings.Contains(out, "content/briefs/2025/water-utility-edge-intrusions.md") || strings.Contains(out, "No brief or profile changed") {
		t.Errorf("check --changed main from content/: %v\n%s%s", err, out, errOut)
	}
}

// Outside any project, without -s, every command that needs one fails and
// says how to fix it, rather than working on an empty project; -s still
// names a project from anywhere.
func TestCommandsOutsideAProjectFail(t *testing.T) {
	project := sitetest.Project(t, "-- content/briefs/2024/good.md --\n"+goodBrief)
	outside := t.TempDir()
	os.MkdirAll(filepath.Join(outside, "content"), 0o755) // content/ alone is not a project
	t.Chdir(outside)
	want := "not inside a Threat Briefs project: no config.toml with a content/ directory in " + outside + " or any parent; run from the project or pass -s DIR"
	for _, args := range [][]string{
		{"check"},
		{"check", "--changed", "main"},
		{"build"},
		{"serve"},
		{"new", "A title"},
		{"import", "--date", "2024-12-18", sharedReport(t)},
		{"export", "--dir", filepath.Join(outside, "x")},
		{"bench", "--briefs", "1"},
		{"attack-update", filepath.Join(outside, "bundle.json")},
	} {
		_, _, err := run(t, args...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s outside a project: %v", strings.Join(args, " "), err)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 1 {
		t.Errorf("commands wrote into a directory that is not a project: %v", entries)
	}

	out, errOut, err := run(t, "check", "-s", project)
	if err != nil || !strings.Contains(errOut, "1 briefs checked: 0 error(s)") {
		t.Errorf("check -s from outside: %v\n%s%s", err, out, errOut)
	}
	// -s is relative to the working directory, as before.
	rel, err := filepath.Rel(outside, project)
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := run(t, "check", "-s", rel); err != nil || !strings.Contains(errOut, "1 briefs checked") {
		t.Errorf("check -s %s: %v\n%s", rel, err, errOut)
	}
}
