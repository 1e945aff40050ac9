package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

const greenBrief = `-- content/briefs/2024/delta.md --
---
title: "Delta community-only brief"
date: 2024-06-02
summary: "Delta summary."
tlp: green
actors: [Delta Crew]
sectors: [Energy]
---
Delta body.
`

// --include-tlp green builds an internal edition: the green brief is in it,
// the amber one still is not, and every page says so and is noindex.
func TestInternalEdition(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar")+greenBrief)
	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, MaxTLP: brief.TLPGreen})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Published) != 3 || len(res.Excluded) != 1 || res.Excluded[0].Slug != "charlie" {
		t.Fatalf("published %d, excluded %v", len(res.Published), res.Excluded)
	}
	tree := sitetest.Tree(t, filepath.Join(dir, "public"))
	pages := 0
	for name, data := range tree {
		if !strings.HasSuffix(name, ".html") || strings.Contains(name, "/page/") {
			continue
		}
		pages++
		if !bytes.Contains(data, []byte(`<meta name=robots content="noindex">`)) {
			t.Errorf("%s is not noindex", name)
		}
		if !bytes.Contains(data, []byte("Internal edition: includes briefs up to TLP:GREEN")) {
			t.Errorf("%s has no internal-edition banner", name)
		}
		if bytes.Contains(data, []byte("Charlie")) {
			t.Errorf("%s contains the amber brief", name)
		}
	}
	if pages < 20 {
		t.Fatalf("only %d pages checked", pages)
	}
	if !bytes.Contains(tree["briefs/delta/index.html"], []byte("TLP:GREEN")) {
		t.Error("the green brief does not carry its TLP:GREEN banner")
	}
	if robots := string(tree["robots.txt"]); !strings.Contains(robots, "Disallow: /") {
		t.Errorf("robots.txt of an internal edition: %q", robots)
	}
}

// The public build of the same content has neither the green brief nor
// anything derived from it only.
func TestPublicBuildExcludesGreen(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar")+greenBrief)
	build(t, dir)
	for name, data := range sitetest.Tree(t, filepath.Join(dir, "public")) {
		for _, s := range []string{"Delta", "delta-crew", "/briefs/delta/"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q from the green brief", name, s)
			}
		}
		if strings.HasSuffix(name, ".html") && bytes.Contains(data, []byte("noindex")) {
			t.Errorf("public page %s is noindex", name)
		}
	}
}

// The verify stage fails a build in which anything (here a template an
// author edited) carries the title, URL or an indicator of an excluded
// brief, or what would name it in the MISP feed and the TAXII collections:
// its event's UUID (its STIX report's) and the MD5 of an indicator, as
// hashes.csv lists it.
func TestVerifyCatchesLeaks(t *testing.T) {
	for _, leak := range []string{"Charlie restricted brief", "charlie-secret[.]example", "/briefs/charlie/",
		misp.EventUUID("charlie"), misp.ValueHash("charlie-secret.example")} {
		t.Run(leak, func(t *testing.T) {
			dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar")+"-- layouts/404.html --\n{{ define \"main\" }}see "+leak+"{{ end }}\n")
			_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir})
			if err == nil || !strings.HasPrefix(err.Error(), "verify:") || !strings.Contains(err.Error(), "404.html: contains") {
				t.Fatalf("err = %v, want a verify failure naming 404.html", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
				t.Error("public/ was written")
			}
		})
	}
}

// The MISP feed and the TAXII collections of a public build hold nothing of
// the amber brief: not its event, title, UUID, indicator or the indicator's
// hash; an internal edition that includes it has its event, labelled
// TLP:AMBER.
func TestPlatformFeedsLeaveOutRestricted(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	build(t, dir)
	tree := sitetest.Tree(t, filepath.Join(dir, "public"))
	var manifest map[string]any
	if err := json.Unmarshal(tree[misp.Manifest], &manifest); err != nil {
		t.Fatal(err)
	}
	if len(manifest) != 2 {
		t.Errorf("the public manifest lists %d events, want the 2 public briefs'", len(manifest))
	}
	checked := 0
	for name, data := range tree {
		if !strings.HasPrefix(name, "misp/") && !strings.HasPrefix(name, "taxii2/") {
			continue
		}
		checked++
		for _, s := range []string{"Charlie", misp.EventUUID("charlie"), "charlie-secret", misp.ValueHash("charlie-secret.example"), "Secret Actor"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q from the amber brief", name, s)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d MISP and TAXII files", checked)
	}

	internal := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	if _, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: internal, MaxTLP: brief.TLPAmber}); err != nil {
		t.Fatal(err)
	}
	event, err := os.ReadFile(filepath.Join(internal, "public", filepath.FromSlash(misp.EventPath("charlie"))))
	if err != nil {
		t.Fatalf("the internal edition has no event for the amber brief: %v", err)
	}
	if !bytes.Contains(event, []byte(`"name":"tlp:amber"`)) {
		t.Errorf("the amber brief's event is not tagged tlp:amber: %s", event)
	}
}
