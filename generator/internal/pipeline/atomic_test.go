package pipeline_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// A build that fails at any stage leaves the previous public/ exactly as it
// was, and leaves no working directory behind.
func TestFailedBuildLeavesPublicUnchanged(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(t *testing.T, dir string)
		stage   string
	}{
		{"validation error", func(t *testing.T, dir string) {
			sitetest.WriteArchive(t, dir, "-- content/briefs/2024/broken.md --\n---\ntitle: Broken\ndate: 2024-13-45\nsummary: s\ntlp: clear\n---\n")
		}, "validate"},
		{"template error", func(t *testing.T, dir string) {
			sitetest.WriteArchive(t, dir, "-- layouts/briefs/page.html --\n{{ define \"main\" }}{{ .NoSuchMethod }}{{ end }}\n")
		}, "render"},
		{"broken internal link", func(t *testing.T, dir string) {
			sitetest.WriteArchive(t, dir, "-- content/briefs/2023/bravo.md --\n---\ntitle: Bravo\ndate: 2023-07-01\nsummary: s\ntlp: clear\n---\nSee [nowhere](/no/such/page/).\n")
		}, "verify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
			build(t, dir)
			before := sitetest.Tree(t, filepath.Join(dir, "public"))

			tc.breakIt(t, dir)
			_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, BaseURL: "https://briefs.test/"})
			if err == nil {
				t.Fatal("the build succeeded")
			}
			if !strings.HasPrefix(err.Error(), tc.stage+":") {
				t.Errorf("error %q does not name the %s stage", err, tc.stage)
			}
			if diff := sitetest.SameTree(before, sitetest.Tree(t, filepath.Join(dir, "public"))); diff != "" {
				t.Errorf("public/ changed: %s", diff)
			}
			leftovers, _ := filepath.Glob(filepath.Join(dir, ".public.*"))
			if len(leftovers) > 0 {
				t.Errorf("working directories left behind: %v", leftovers)
			}
		})
	}
}

// A build cancelled mid-render (Ctrl+C once Hugo has written its first
// page) returns only after Hugo has stopped writing, leaves public/ exactly
// as it was, publishes nothing of the new content and removes its working
// directory.
func TestCancelledBuildLeavesPublicUnchanged(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	build(t, dir)
	before := sitetest.Tree(t, filepath.Join(dir, "public"))
	sitetest.WriteArchive(t, dir, "-- content/briefs/2024/delta.md --\n---\ntitle: Delta\ndate: 2024-08-01\nsummary: s\ntlp: clear\n---\nNew.\n")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	first, returned := "", false
	var late []string // files Hugo wrote after Build returned
	_, err := pipeline.Build(ctx, pipeline.Options{ProjectDir: dir, OnRenderWrite: func(rel string) {
		mu.Lock()
		defer mu.Unlock()
		if returned {
			late = append(late, rel)
		}
		if first == "" && strings.HasSuffix(rel, ".html") {
			first = rel
			cancel()
		}
	}})
	mu.Lock()
	returned = true
	mu.Unlock()
	if first == "" {
		t.Fatal("the build wrote no page, so it was never cancelled mid-render")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !strings.HasPrefix(err.Error(), "render:") {
		t.Errorf("error %q does not name the render stage", err)
	}
	if diff := sitetest.SameTree(before, sitetest.Tree(t, filepath.Join(dir, "public"))); diff != "" {
		t.Errorf("public/ changed: %s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "briefs", "delta")); !errors.Is(err, os.ErrNotExist) {
		t.Error("the cancelled build's brief was published")
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".public.*")); len(leftovers) > 0 {
		t.Errorf("working directories left behind after Build returned: %v", leftovers)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(late) > 0 {
		t.Errorf("Hugo was still writing after Build returned: %v", late)
	}
}
