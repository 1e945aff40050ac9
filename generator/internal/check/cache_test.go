package check_test

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/threatbriefs/threatbriefs/generator/internal/check"
)

// summary is what a check says about a project: its diagnostics and, for
// every indexed brief, its title and the actors it names.
func summary(t *testing.T, c *check.Checked) string {
	t.Helper()
	out := fmt.Sprint(c.Diagnostics.Items(), c.BriefFiles, len(c.Published), "\n")
	for _, e := range c.Index.Entries {
		out += e.Brief.Title + ":"
		for _, a := range e.Terms["actors"] {
			out += " " + a.Name + " <" + a.URL + ">"
		}
		out += "\n"
	}
	return out
}

// A check through a Cache, run again after each edit, says what a fresh
// check of the same files says: the cache serves a brief whose bytes did
// not change, and is dropped when a profile changes how names resolve.
func TestCacheGivesWhatAFreshRunGives(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"content/briefs/2024/a.md": briefFile("Alpha", "clear", "actors: [Sand Heron]\n"),
		"content/briefs/2024/b.md": briefFile("Beta", "clear", "actors: [Sand Herron]\n"),
	}
	profile := "---\ntitle: Sand Heron\nsynonyms:\n  - {name: Heron Group, by: Vendor}\n---\nA profile.\n"
	steps := []struct {
		name string
		edit func()
	}{
		{"first", func() {}},
		{"edit a title", func() {
			fsys["content/briefs/2024/a.md"] = briefFile("Alpha edited", "clear", "actors: [Sand Heron]\n")
		}},
		{"add a brief", func() { fsys["content/briefs/2024/c.md"] = briefFile("Gamma", "clear", "actors: [Sand Heron]\n") }},
		// b.md's bytes do not change, but its actor is now spelled like
		// the profile's, which validation flags: its cached decoding must
		// not be used.
		{"add a profile", func() { fsys["content/actors/sand-heron/_index.md"] = &fstest.MapFile{Data: []byte(profile)} }},
		{"introduce an error", func() { fsys["content/briefs/2024/a.md"] = briefFile("Alpha", "purple", "actors: [Sand Heron]\n") }},
		{"unchanged, error kept", func() {}},
		{"fix the error", func() { fsys["content/briefs/2024/a.md"] = briefFile("Alpha", "clear", "actors: [Sand Heron]\n") }},
		{"broken YAML", func() { fsys["content/briefs/2024/c.md"] = &fstest.MapFile{Data: []byte("---\ntitle: [\n---\n")} }},
		{"delete a brief", func() { delete(fsys, "content/briefs/2024/c.md") }},
		{"remove the profile", func() { delete(fsys, "content/actors/sand-heron/_index.md") }},
	}
	var cache check.Cache
	for _, s := range steps {
		s.edit()
		cached, err := check.Run(check.Options{FS: fsys, Cache: &cache})
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := check.Run(check.Options{FS: fsys})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := summary(t, cached), summary(t, fresh); got != want {
			t.Errorf("%s: through the cache\n%s\nfresh\n%s", s.name, got, want)
		}
	}
}
