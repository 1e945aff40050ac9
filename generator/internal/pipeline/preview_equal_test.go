package pipeline_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

// After a save that retitles a brief of a synthetic library (its actors,
// sectors, techniques... each list it by title on their pages), a second
// one, and one that adds a brief naming the same terms, every page the
// preview session rewrote, and every one it left alone, is what a fresh
// build of the same content writes. A term page whose staged bytes
// stay the same while its lists change is the case to watch: Hugo does
// not render it again, and the session must put its new lists in.
func TestPreviewRebuildMatchesAFullBuild(t *testing.T) {
	t.Parallel()
	dir := sitetest.Project(t, "")
	if err := synth.GenerateKind(dir, 300, 1, synth.Shared); err != nil {
		t.Fatal(err)
	}
	open := func(dest string) *pipeline.Session {
		t.Helper()
		s, _, err := pipeline.Open(context.Background(), pipeline.Options{ProjectDir: dir, Destination: dest, Preview: true})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	preview := filepath.Join(t.TempDir(), "public")
	s := open(preview)
	defer s.Close()
	file := filepath.Join(dir, "content", "briefs", "2020", "synthetic-brief-00150.md")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"Retitled once", "Retitled twice", "Copied"} {
		target, data := file, bytes.Replace(orig, []byte("title: \""), []byte("title: \""+title+": "), 1)
		if title == "Copied" {
			target = filepath.Join(dir, "content", "briefs", "2020", "zz-copy.md")
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rebuild(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(t.TempDir(), "public")
		open(fresh).Close()
		got := sitetest.Tree(t, preview)
		var diff []string
		showing := 0
		for rel, want := range sitetest.Tree(t, fresh) {
			if !strings.HasSuffix(rel, ".html") {
				continue
			}
			if bytes.Contains(want, []byte(title)) {
				showing++
			}
			if !bytes.Equal(got[rel], want) {
				diff = append(diff, rel)
			}
		}
		if len(diff) > 0 {
			t.Fatalf("%s: %d page(s) differ from a fresh build: %s", title, len(diff), strings.Join(diff[:min(len(diff), 10)], " "))
		}
		if showing < 10 {
			t.Fatalf("%s: only %d pages show the title; the test needs a brief that many pages list", title, showing)
		}
	}
}
