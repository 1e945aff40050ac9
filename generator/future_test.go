package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

const futureBriefs = `-- content/briefs/2026/published.md --
---
title: "Published edge intrusion"
date: 2026-11-20
summary: "Published summary."
tlp: clear
techniques: [T1190]
---
-- content/briefs/2026/scheduled.md --
---
title: "Scheduled zero-day brief"
date: 2026-12-09
summary: "Scheduled summary."
tlp: clear
techniques: [T1190]
---
`

// check and build agree on a brief dated after today: check warns on its
// date line naming the day it goes live and passes; build succeeds, says it
// held the brief back and writes no page for it; --buildFuture (-F)
// publishes it, in both.
func TestCheckAndBuildAgreeOnAFutureBrief(t *testing.T) {
	dir := sitetest.Project(t, futureBriefs)
	now := time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC)
	const warning = "content/briefs/2026/scheduled.md:3: warning: date: dated 2026-12-09, after today (2026-12-03, UTC): held back until a build on or after 2026-12-09; --buildFuture publishes it now\n"

	out, errOut, err := runAt(t, now, "check", "-s", dir)
	if err != nil || out != warning || !strings.Contains(errOut, "2 briefs checked: 0 error(s), 1 warning(s)") {
		t.Errorf("check: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err = runAt(t, now, "build", "-s", dir)
	if err != nil || !strings.HasPrefix(out, "Built 1 briefs (0 excluded by TLP, 1 held back until their date)") || !strings.Contains(errOut, warning) {
		t.Fatalf("build: %v\n%s%s", err, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "briefs", "scheduled")); !os.IsNotExist(err) {
		t.Error("build wrote the held-back brief's page")
	}

	for _, flag := range []string{"--buildFuture", "-F"} {
		out, errOut, err = runAt(t, now, "check", "-s", dir, flag)
		if err != nil || out != "" {
			t.Errorf("check %s: %v\n%s%s", flag, err, out, errOut)
		}
		out, errOut, err = runAt(t, now, "build", "-s", dir, flag)
		if err != nil || !strings.HasPrefix(out, "Built 2 briefs (0 excluded by TLP)") {
			t.Errorf("build %s: %v\n%s%s", flag, err, out, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "briefs", "scheduled", "index.html")); err != nil {
		t.Errorf("build --buildFuture did not publish the brief: %v", err)
	}
}

// export takes --buildFuture too, and says why it will not export a brief
// it holds back.
func TestExportHoldsBackAFutureBrief(t *testing.T) {
	dir := sitetest.Project(t, futureBriefs)
	now := time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC)
	file := filepath.Join(t.TempDir(), "scheduled.html")
	_, errOut, err := runAt(t, now, "export", "-s", dir, "--brief", "scheduled", file)
	if err == nil || !strings.Contains(err.Error(), `brief "scheduled" is dated 2026-12-09, after today: it is held back until then (--buildFuture exports it now)`) {
		t.Errorf("export --brief of a held-back brief: %v\n%s", err, errOut)
	}
	if _, _, err := runAt(t, now, "export", "-s", dir, "-F", "--brief", "scheduled", file); err != nil {
		t.Fatalf("export -F --brief: %v", err)
	}
	if data, _ := os.ReadFile(file); !strings.Contains(string(data), "Scheduled zero-day brief") {
		t.Error("export -F --brief did not write the brief")
	}
	for _, cmd := range []string{"build", "check", "serve", "export"} {
		if out, _, _ := run(t, cmd, "-h"); !strings.Contains(out, "-F, --buildFuture") {
			t.Errorf("%s -h lacks -F, --buildFuture", cmd)
		}
	}
}
