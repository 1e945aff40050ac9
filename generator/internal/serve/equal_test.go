package serve_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/copytree"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// fullBuild builds the project afresh, as the preview server would for its
// first build (same base URL, preview pages, development), into a
// directory of its own, and returns that directory.
func fullBuild(t *testing.T, dir, base string) string {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	s, _, err := pipeline.Open(context.Background(), pipeline.Options{ProjectDir: dir, Destination: dest, BaseURL: base, Preview: true, Environment: "development"})
	if err != nil {
		t.Fatalf("the full build: %v", err)
	}
	s.Close()
	return dest
}

// differences lists the files of the full build in want that the preview
// at base serves with other bytes (or not at all), and the paths of gone
// that it still serves.
func differences(t *testing.T, base, want string, gone []string) []string {
	t.Helper()
	var diff []string
	for rel, data := range sitetest.Tree(t, want) {
		if code, body := get(t, base+rel); code != http.StatusOK || !bytes.Equal([]byte(body), data) {
			diff = append(diff, rel)
		}
	}
	slices.Sort(diff)
	for _, p := range gone {
		if code, _ := get(t, base+p); code != http.StatusNotFound {
			diff = append(diff, p+" (still served)")
		}
	}
	return diff
}

// After each edit the preview serves exactly the site a full build of the
// same content writes, pages and exports alike (once the exports, written
// after the reload, are done), and nothing a full build no longer has. A
// check error keeps the last good site, exports included, and shows as it
// did before.
func TestServeMatchesAFullBuildAfterEdits(t *testing.T) {
	const heron = "---\ntitle: \"%s\"\ndate: 2024-05-02\nsummary: s\ntlp: clear\nsectors: [Energy]\nactors: [Sand Heron]\nmalware: [Quiet Loader]\n---\nBody.\n"
	brief := func(title string) []byte { return []byte(strings.Replace(heron, "%s", title, 1)) }
	dir := sitetest.Project(t, "-- content/briefs/2024/a.md --\n"+string(brief("First title"))+
		"-- content/briefs/2024/b.md --\n---\ntitle: Other\ndate: 2024-01-10\nsummary: s\ntlp: clear\nactors: [Sand Heron]\n---\nBody.\n")
	pv := start(t, pipeline.Options{ProjectDir: dir})
	a := filepath.Join(dir, "content", "briefs", "2024", "a.md")
	c := filepath.Join(dir, "content", "briefs", "2024", "c.md")
	steps := []struct {
		name string
		edit func()
		gone []string // pages an earlier step had
	}{
		{"add a brief", func() { replace(t, c, brief("Third brief")) }, nil},
		{"edit a title", func() { replace(t, a, brief("Edited title")) }, nil},
		{"rename an actor", func() {
			replace(t, a, bytes.Replace(brief("Edited title"), []byte("Sand Heron"), []byte("Glass Finch"), 1))
			replace(t, c, bytes.Replace(brief("Third brief"), []byte("Sand Heron"), []byte("Glass Finch"), 1))
			os.Remove(filepath.Join(dir, "content", "briefs", "2024", "b.md"))
		}, []string{"actors/sand-heron/", "briefs/other/"}},
		{"delete a brief", func() { os.Remove(c) }, []string{"briefs/c/"}},
	}
	for _, s := range steps {
		s.edit()
		pv.expectReload(t, s.name)
		diff := matchEventually(t, pv.base, fullBuild(t, dir, pv.base), s.gone)
		if len(diff) > 0 {
			t.Fatalf("%s: the preview differs from a full build in %d file(s): %s", s.name, len(diff), strings.Join(diff[:min(len(diff), 20)], " "))
		}
	}

	// A check error right after a save (the save's exports may still be
	// running, and are then stopped): reported as before, and the last good
	// site kept, exports included.
	replace(t, a, brief("Title before the error"))
	pv.expectReload(t, "the save before the error")
	good := filepath.Join(t.TempDir(), "project")
	if err := copytree.Copy(dir, good); err != nil {
		t.Fatal(err)
	}
	replace(t, a, []byte(strings.Replace(string(brief("Title before the error")), "tlp: clear", "tlp: purple", 1)))
	if ev := <-pv.events; !strings.HasPrefix(ev, "error:") || !strings.Contains(ev, "content/briefs/2024/a.md") || !strings.Contains(ev, "tlp") {
		t.Fatalf("event %q, want an error naming the file and the field", ev)
	}
	if diff := matchEventually(t, pv.base, fullBuild(t, good, pv.base), nil); len(diff) > 0 {
		t.Errorf("after a check error the preview differs from the last good build in: %s", strings.Join(diff, " "))
	}
	replace(t, a, brief("Fixed title"))
	pv.expectReload(t, "fixing the error")
	if diff := matchEventually(t, pv.base, fullBuild(t, dir, pv.base), nil); len(diff) > 0 {
		t.Errorf("after the fix the preview differs from a full build in: %s", strings.Join(diff, " "))
	}
}

// matchEventually is differences once the preview's exports, written after
// the reload, have had time to be written: it asks again until there are
// none, for up to a minute.
func matchEventually(t *testing.T, base, want string, gone []string) []string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		diff := differences(t, base, want, gone)
		if len(diff) == 0 || time.Now().After(deadline) {
			return diff
		}
		time.Sleep(50 * time.Millisecond)
	}
}
