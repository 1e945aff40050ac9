package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// A brief that does not load (its YAML is broken) was still checked: the
// count says so, beside the error that names it.
func TestCheckCountsBriefsThatDoNotLoad(t *testing.T) {
	dir := sitetest.Project(t, `
-- content/briefs/2024/good.md --
---
title: Good
date: 2024-05-01
summary: s
tlp: clear
---
-- content/briefs/2024/tabs.md --
---
title: Tabs
date: 2024-05-01
summary: s
tlp: clear
sectors:
	- Energy
---
`)
	out, errOut, err := run(t, "check", "-s", dir)
	if exitCode(err) != 1 {
		t.Fatalf("exit code %d, want 1\n%s%s", exitCode(err), out, errOut)
	}
	want := "content/briefs/2024/tabs.md:7: sectors: front matter is not valid YAML: this line is indented with a tab; YAML does not allow tabs; indent with spaces\n"
	if !strings.Contains(out, want) {
		t.Errorf("check output lacks\n  %sgot\n%s", want, out)
	}
	if !strings.Contains(errOut, "2 briefs checked: 1 error(s), 0 warning(s)") {
		t.Errorf("stderr: %s", errOut)
	}
}

// A title typed without quotes arrives as several arguments: new says to
// quote it, and writes nothing.
func TestNewSaysToQuoteATitleOfSeveralWords(t *testing.T) {
	dir := t.TempDir()
	_, _, err := run(t, "new", "-s", dir, "A", "long", "title")
	if err == nil || err.Error() != `new takes the title as one argument; quote it: new "A long title"` {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "content")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("new wrote something: %v", err)
	}
	if _, _, err := run(t, "new", "-s", dir); err == nil || err.Error() != `new needs the title of the brief: new "Title of the brief"` {
		t.Errorf("without a title: err = %v", err)
	}
}
