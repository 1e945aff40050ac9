package pipeline_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// A published brief and a brief dated 2026-12-09 that shares its technique
// and sector, and names an actor, a malware family and an indicator of its
// own.
const futureSite = `-- content/briefs/2026/published.md --
---
title: "Published edge intrusion"
date: 2026-11-20
summary: "Published summary."
tlp: clear
sectors: [Energy]
techniques: [T1190]
---
Published body.
-- content/briefs/2026/scheduled.md --
---
title: "Scheduled zero-day brief"
date: 2026-12-09
summary: "Scheduled summary."
tlp: clear
actors: [Scheduled Crew]
sectors: [Energy]
techniques: [T1190]
malware: [Embargoed Loader]
iocs:
  - {type: domain, value: embargoed-c2.example.net}
---
Scheduled body.
`

// at returns a clock stopped at t.
func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// diagnostics lists the diagnostics as check prints them.
func diagnostics(l *diag.List) []string {
	var out []string
	for _, d := range l.Items() {
		out = append(out, d.String())
	}
	return out
}

// A brief dated after today (in the site's time zone) is held back: check
// warns on its date line, naming the day it goes live, and build, given the
// same input, succeeds and publishes nothing of it (no page, no term page
// of its own, no link from the terms it shares, no feed, export or search
// entry), exactly like a brief excluded by TLP. check and build agree.
func TestFutureBriefIsHeldBackByCheckAndBuild(t *testing.T) {
	dir := sitetest.Project(t, futureSite)
	o := pipeline.Options{ProjectDir: dir, BaseURL: "https://briefs.test/", Now: at(time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC))}

	c, err := pipeline.Check(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"content/briefs/2026/scheduled.md:3: warning: date: dated 2026-12-09, after today (2026-12-03, UTC): held back until a build on or after 2026-12-09; --buildFuture publishes it now"}
	if got := diagnostics(c.Diagnostics); !slices.Equal(got, want) {
		t.Errorf("check:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if len(c.HeldBack) != 1 || c.HeldBack[0].Slug != "scheduled" || len(c.Published) != 1 {
		t.Errorf("held back %d, published %d", len(c.HeldBack), len(c.Published))
	}

	res, err := pipeline.Build(context.Background(), o)
	if err != nil {
		t.Fatalf("check passed with a warning, build failed: %v", err)
	}
	if got := diagnostics(res.Diagnostics); !slices.Equal(got, want) {
		t.Errorf("build's diagnostics differ from check's:\n  %s", strings.Join(got, "\n  "))
	}
	public := filepath.Join(dir, "public")
	tree := sitetest.Tree(t, public)
	if tree["briefs/published/index.html"] == nil {
		t.Fatal("the published brief has no page")
	}
	for name, data := range tree {
		for _, s := range []string{"Scheduled zero-day brief", "Scheduled summary", "/briefs/scheduled/", "scheduled-crew", "Scheduled Crew", "Embargoed Loader", "embargoed", "2026-12-09"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q of the held-back brief", name, s)
			}
		}
		if strings.HasPrefix(name, "briefs/scheduled/") {
			t.Errorf("the held-back brief has a file: %s", name)
		}
	}
	for _, term := range []string{"/techniques/t1190/", "/sectors/energy/"} {
		links := sitetest.PageLinks(t, public, term, "briefs.test")
		if !slices.Contains(links, "/briefs/published/") {
			t.Errorf("%s does not link the published brief: %v", term, links)
		}
		if slices.Contains(links, "/briefs/scheduled/") {
			t.Errorf("%s links the held-back brief", term)
		}
	}

	// --buildFuture publishes it now, with no warning, and Hugo renders it.
	o.BuildFuture = true
	res, err = pipeline.Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := diagnostics(res.Diagnostics); len(got) > 0 {
		t.Errorf("--buildFuture still warns: %v", got)
	}
	page, err := os.ReadFile(filepath.Join(public, "briefs", "scheduled", "index.html"))
	if err != nil || !bytes.Contains(page, []byte("Scheduled zero-day brief")) {
		t.Errorf("--buildFuture did not render the brief: %v", err)
	}
	if links := sitetest.PageLinks(t, public, "/techniques/t1190/", "briefs.test"); !slices.Contains(links, "/briefs/scheduled/") {
		t.Errorf("with --buildFuture the technique does not link the brief: %v", links)
	}
}

// "Today" is the date in config.toml's timeZone, whatever the machine's:
// at 11:00 UTC on 8 December it is already 9 December on Kiritimati
// (UTC+14), so a site set to that zone publishes a brief dated the 9th,
// and a site on UTC holds it back.
func TestTodayIsTheSiteTimeZones(t *testing.T) {
	now := at(time.Date(2026, 12, 8, 11, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		zone     string
		heldBack int
	}{
		{"UTC", 1},
		{"Pacific/Kiritimati", 0},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			dir := sitetest.Project(t, futureSite)
			cfg := filepath.Join(dir, "config.toml")
			data, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			data = bytes.Replace(data, []byte(`timeZone = "UTC"`), []byte(`timeZone = "`+tc.zone+`"`), 1)
			if err := os.WriteFile(cfg, data, 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.HeldBack) != tc.heldBack {
				t.Errorf("held back %d, want %d (today is %s)", len(res.HeldBack), tc.heldBack, res.Today.Format(time.DateOnly))
			}
			_, err = os.Stat(filepath.Join(dir, "public", "briefs", "scheduled", "index.html"))
			if published := err == nil; published != (tc.heldBack == 0) {
				t.Errorf("page published: %v, want %v", published, tc.heldBack == 0)
			}
		})
	}
}

// A timeZone Go does not know is an error naming config.toml, not UTC.
func TestUnknownTimeZoneIsAnError(t *testing.T) {
	dir := sitetest.Project(t, futureSite)
	cfg := filepath.Join(dir, "config.toml")
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, bytes.Replace(data, []byte(`timeZone = "UTC"`), []byte(`timeZone = "Mars/Olympus_Mons"`), 1), 0o644)
	_, err := pipeline.Check(pipeline.Options{ProjectDir: dir})
	if err == nil || !strings.Contains(err.Error(), `config.toml: timeZone: "Mars/Olympus_Mons" is not a time zone`) {
		t.Errorf("err = %v", err)
	}
}
