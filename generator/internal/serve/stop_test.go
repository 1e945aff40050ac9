package serve

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// Exports stopped for a newer save (here before they wrote anything) are
// written again after that save's rebuild, also when the save does not
// check: the exports on disk end up those of the last good build.
func TestStoppedExportsAreWrittenAgain(t *testing.T) {
	const brief = "---\ntitle: \"%s\"\ndate: 2024-05-02\nsummary: s\ntlp: %s\n---\nBody.\n"
	write := func(dir, title, tlp string) {
		t.Helper()
		data := strings.Replace(strings.Replace(brief, "%s", title, 1), "%s", tlp, 1)
		if err := os.WriteFile(filepath.Join(dir, "content", "briefs", "2024", "a.md"), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := sitetest.Project(t, "-- content/briefs/2024/b.md --\n---\ntitle: Other\ndate: 2024-01-10\nsummary: s\ntlp: clear\n---\nBody.\n")
	write(dir, "First title", "clear")
	po := pipeline.Options{ProjectDir: dir, Destination: filepath.Join(t.TempDir(), "public"), BaseURL: "http://127.0.0.1:1/", Preview: true}
	s := &server{out: io.Discard, dir: po.Destination, clients: map[chan string]bool{}}
	defer func() { s.session.Close() }()
	defer s.stopExports()
	ctx := context.Background()
	s.rebuild(ctx, po, nil)
	exports := func() string {
		t.Helper()
		if s.exports.done != nil {
			<-s.exports.done // the run of the last rebuild, to its end
		}
		data, err := os.ReadFile(filepath.Join(po.Destination, "briefs.json"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if got := exports(); !strings.Contains(got, "First title") {
		t.Fatalf("the first build's briefs.json: %.300s", got)
	}

	write(dir, "Second title", "clear")
	s.rebuild(ctx, po, nil)
	// A newer save arrives before the exports wrote a file: stop them as
	// rebuild does, started again so that the stop comes first.
	s.stopExports()
	stopped, stop := context.WithCancel(ctx)
	stop()
	s.startExports(stopped)
	<-s.exports.done
	if !s.staleExports {
		t.Fatal("exports stopped before their first file are not marked stale")
	}
	if got := exports(); strings.Contains(got, "Second title") {
		t.Fatal("the stopped exports wrote briefs.json")
	}
	write(dir, "Second title", "purple")
	s.rebuild(ctx, po, nil)
	if s.lastErr == "" {
		t.Fatal("an unknown TLP label checked")
	}
	if got := exports(); !strings.Contains(got, "Second title") || strings.Contains(got, "First title") {
		t.Errorf("after a failed rebuild the exports are not those of the last good build: %.300s", got)
	}
}
