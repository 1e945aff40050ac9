package pipeline_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
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
// author edited) carries the title, URL or an indicator of an excluded brief.
func TestVerifyCatchesLeaks(t *testing.T) {
	for _, leak := range []string{"Charlie restricted brief", "charlie-secret[.]example", "/briefs/charlie/"} {
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
