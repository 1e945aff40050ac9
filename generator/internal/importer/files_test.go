package importer_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/importer"
)

// ImportFile writes the brief under content/briefs/YYYY/, never over one
// without Force, never twice in one run, and never with a slug another
// year's brief has.
func TestImportFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	report := filepath.Join("testdata", "reports", "cncert-shared.txt")
	slug := "chinese-cyber-center-points-finger-at-u-s-over-alleged"
	p, err := importer.OpenProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	run := importer.NewRun(p, importer.RunOptions{Options: importer.Options{Date: fallbackDate}})
	im, err := run.ImportFile(report)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "content", "briefs", "2024", slug+".md")
	if im.Dest != want || len(im.Check) != 0 {
		t.Errorf("dest %s, check %v", im.Dest, im.Check)
	}
	if data, err := os.ReadFile(want); err != nil || string(data) != string(im.Result.Brief) {
		t.Errorf("the file is not the brief: %v", err)
	}
	if _, err := run.ImportFile(report); err == nil || !strings.Contains(err.Error(), "would be written twice") {
		t.Errorf("a second import in one run: %v", err)
	}
	// A new run without Force refuses; with Force it rewrites.
	if _, err := importer.NewRun(p, importer.RunOptions{Options: importer.Options{Date: fallbackDate}}).ImportFile(report); err == nil || !strings.Contains(err.Error(), "exists; pass --force") {
		t.Errorf("overwrote without force: %v", err)
	}
	if _, err := importer.NewRun(p, importer.RunOptions{Force: true, Options: importer.Options{Date: fallbackDate}}).ImportFile(report); err != nil {
		t.Errorf("force: %v", err)
	}
	// The slug is taken by another year's brief.
	os.MkdirAll(filepath.Join(dir, "content", "briefs", "2023"), 0o755)
	os.Rename(want, filepath.Join(dir, "content", "briefs", "2023", slug+".md"))
	p, _ = importer.OpenProject(dir)
	if _, err := importer.NewRun(p, importer.RunOptions{Options: importer.Options{Date: fallbackDate}}).ImportFile(report); err == nil || !strings.Contains(err.Error(), "already used by content/briefs/2023/") {
		t.Errorf("a slug another year uses: %v", err)
	}
}
