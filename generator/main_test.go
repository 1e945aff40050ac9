package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// run executes the CLI with args and returns stdout, stderr and the error.
// build and export size the runtime's memory limit and collector for what
// they build (boundMemory): run puts them back for the next test.
func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	defer saveCollector()()
	return execute(args...)
}

// runAt is run with the clock stopped at now.
func runAt(t *testing.T, now time.Time, args ...string) (string, string, error) {
	t.Helper()
	defer saveCollector()()
	return executeContext(withClock(context.Background(), func() time.Time { return now }), args...)
}

// execute executes the CLI with args, leaving the runtime's settings as the
// command left them.
func execute(args ...string) (string, string, error) {
	return executeContext(context.Background(), args...)
}

func executeContext(ctx context.Context, args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	root := newRoot(&out, &errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

// saveCollector returns a function that restores the runtime's memory limit
// and GOGC to what they are now.
func saveCollector() func() {
	limit, gc := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(gc)
	}
}

func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

const badBrief = `---
title: Bad
date: 2024-02-30
summary: s
tlp: clear
secotrs: [Energy]
countries: [NO]
---
`

func TestCheckReportsEveryProblemAndFails(t *testing.T) {
	dir := sitetest.Project(t, "-- content/briefs/2024/bad.md --\n"+badBrief)
	out, _, err := run(t, "check", "-s", dir)
	if exitCode(err) != 1 {
		t.Fatalf("exit code %d, want 1 (err %v)", exitCode(err), err)
	}
	for _, want := range []string{
		`content/briefs/2024/bad.md:3: date: "2024-02-30" has no day 30: February 2024 has 29 days`,
		`content/briefs/2024/bad.md:6: secotrs: unknown key "secotrs"; did you mean "sectors"?`,
		`content/briefs/2024/bad.md:7: countries[0]: NO was read as the boolean false (YAML 1.1 reads unquoted yes/no/on/off that way); quote it: "NO"`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("check output lacks\n  %s\ngot\n%s", want, out)
		}
	}
}

func TestCheckGitHubAnnotations(t *testing.T) {
	dir := sitetest.Project(t, "-- content/briefs/2024/bad.md --\n"+badBrief)
	out, _, err := run(t, "check", "-s", dir, "--format", "github")
	if exitCode(err) != 1 {
		t.Fatalf("exit code %d, want 1", exitCode(err))
	}
	want := `::error file=content/briefs/2024/bad.md,line=6,title=secotrs::secotrs: unknown key "secotrs"; did you mean "sectors"?`
	if !strings.Contains(out, want+"\n") {
		t.Errorf("missing annotation\n  %s\nin\n%s", want, out)
	}
	if strings.Count(out, "::error ") != 3 {
		t.Errorf("want 3 annotations, got:\n%s", out)
	}
}

func TestCheckPassesOnTheExampleContent(t *testing.T) {
	out, errOut, err := run(t, "check", "-s", sitetest.RepoRoot(t))
	if err != nil {
		t.Fatalf("check failed: %v\n%s%s", err, out, errOut)
	}
	if strings.Contains(out, "warning") {
		t.Errorf("the example content has warnings:\n%s", out)
	}
}

func TestNewScaffoldsEveryFieldAndRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	out, _, err := runAt(t, now, "new", "-s", dir, "Volt Typhoon returns: KV-botnet rebuilt")
	if err != nil {
		t.Fatal(err)
	}
	rel := filepath.Join("content", "briefs", "2025", "volt-typhoon-returns-kv-botnet-rebuilt.md")
	if !strings.Contains(out, rel) {
		t.Errorf("output %q does not name %s", out, rel)
	}
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, f := range taxonomy.Kinds().BriefFields() {
		if f.Example == "" {
			if !strings.Contains(text, f.Key+":") {
				t.Errorf("optional field %q is not documented", f.Key)
			}
			continue
		}
		if !strings.Contains(text, "\n"+f.Key+":") || !strings.Contains(text, "# "+f.Doc) {
			t.Errorf("field %q is missing or undocumented", f.Key)
		}
	}
	if !strings.Contains(text, "date: 2025-06-30\n") {
		t.Error("the scaffold is not dated today")
	}
	if !strings.Contains(text, `title: "Volt Typhoon returns: KV-botnet rebuilt"`) {
		t.Error("the title is not quoted as given")
	}
	if err := os.WriteFile(filepath.Join(dir, rel), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runAt(t, now, "new", "-s", dir, "Volt Typhoon returns: KV-botnet rebuilt"); err == nil {
		t.Fatal("new overwrote an existing brief")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, rel)); string(data) != "mine" {
		t.Error("the existing file was changed")
	}
}

// A scaffold only lacks what an author must write: its summary and the
// source's name and address.
func TestNewScaffoldChecksOnceFilledIn(t *testing.T) {
	dir := sitetest.Project(t, "")
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	if _, _, err := runAt(t, now, "new", "-s", dir, "Fresh brief"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runAt(t, now, "check", "-s", dir)
	if exitCode(err) != 1 || !strings.Contains(out, "summary: is required") || !strings.Contains(out, "sources[0]: every field is empty; fill in or remove this entry") {
		t.Errorf("check on an unfilled scaffold: %v\n%s", err, out)
	}
	p := filepath.Join(dir, "content", "briefs", "2025", "fresh-brief.md")
	data, _ := os.ReadFile(p)
	filled := strings.Replace(string(data), `summary: ""`, `summary: "Filled in."`, 1)
	filled = strings.Replace(filled, "  - name: \"\"\n    title: \"\"\n    url: \"\"", "  - name: CISA\n    url: https://www.cisa.gov/", 1)
	os.WriteFile(p, []byte(filled), 0o644)
	if out, _, err := runAt(t, now, "check", "-s", dir); err != nil || strings.Contains(out, "warning") {
		t.Errorf("check on a filled-in scaffold: %v\n%s", err, out)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, cmd := range []string{"build", "check", "serve", "new"} {
		out, _, err := run(t, cmd, "-h")
		if err != nil || !strings.Contains(out, "Usage:") {
			t.Errorf("%s -h: %v\n%s", cmd, err, out)
		}
	}
	out, _, _ := run(t, "build", "-h")
	for _, flag := range []string{"-s, --source", "-d, --destination", "-b, --baseURL", "-e, --environment"} {
		if !strings.Contains(out, flag) {
			t.Errorf("build -h lacks %s", flag)
		}
	}
}

// new dates a brief today in the site's time zone (config.toml timeZone),
// not the machine's: an analyst on Kiritimati (UTC+14) writing at 09:00 on
// 4 December gets a brief dated 3 December on a UTC site, the day the site
// is on, so it is not held back as a future brief; a site set to their
// zone dates it the 4th.
func TestNewDatesTheBriefInTheSiteTimeZone(t *testing.T) {
	kiritimati, err := time.LoadLocation("Pacific/Kiritimati")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, kiritimati)
	for _, tc := range []struct{ zone, date string }{
		{"UTC", "2026-12-03"},
		{"Pacific/Kiritimati", "2026-12-04"},
		{"America/Los_Angeles", "2026-12-03"},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			dir := sitetest.Project(t, "")
			cfg := filepath.Join(dir, "config.toml")
			data, _ := os.ReadFile(cfg)
			os.WriteFile(cfg, []byte(strings.Replace(string(data), `timeZone = "UTC"`, `timeZone = "`+tc.zone+`"`, 1)), 0o644)
			out, _, err := runAt(t, now, "new", "-s", dir, "Morning brief")
			if err != nil {
				t.Fatal(err)
			}
			rel := filepath.Join("content", "briefs", "2026", "morning-brief.md")
			if !strings.Contains(out, rel) {
				t.Errorf("output %q does not name %s", out, rel)
			}
			text, err := os.ReadFile(filepath.Join(dir, rel))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(text), "\ndate: "+tc.date+"\n") {
				t.Errorf("the brief is not dated %s:\n%.300s", tc.date, text)
			}
			// And check, at the same moment, does not hold it back.
			if out, _, _ := runAt(t, now, "check", "-s", dir); strings.Contains(out, "held back") {
				t.Errorf("check holds back the brief new just wrote:\n%s", out)
			}
		})
	}
}
