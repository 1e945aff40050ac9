package main

import (
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
