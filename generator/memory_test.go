package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/membudget"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// build caps Hugo's cache and sets a soft memory limit sized for the
// library, unless the user chose either.
func TestBuildBoundsMemory(t *testing.T) {
	for _, v := range []string{"GOMEMLIMIT", "GOGC"} {
		if _, set := os.LookupEnv(v); set {
			t.Skipf("%s is set in this environment", v)
		}
	}
	t.Setenv("HUGO_MEMORYLIMIT", "") // restored after the test
	os.Unsetenv("HUGO_MEMORYLIMIT")
	root := sitetest.RepoRoot(t)
	// Not run(), which puts the runtime's settings back before they can be
	// looked at.
	t.Cleanup(saveCollector())
	build := func() (string, error) {
		out, _, err := execute("build", "-s", root, "-d", filepath.Join(t.TempDir(), "public"))
		return out, err
	}

	debug.SetMemoryLimit(math.MaxInt64)
	out, err := build()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Built 11 briefs") {
		t.Fatalf("unexpected output %q", out)
	}
	if got := os.Getenv("HUGO_MEMORYLIMIT"); got != "0.5" {
		t.Errorf("HUGO_MEMORYLIMIT = %q, want 0.5", got)
	}
	// The example's staged content is a few megabytes, and its live heap
	// tens of megabytes: the limit is sized for those (RenderLimit), under
	// what the staged bytes alone would give; and it is Apply's, not the
	// limit the content was staged under.
	got := debug.SetMemoryLimit(-1)
	if got < 32<<20 || got > membudget.Limit(10<<20) {
		t.Errorf("memory limit %d, want one sized for a few megabytes of content (%d to %d)", got, 32<<20, membudget.Limit(10<<20))
	}
	if staging := membudget.StagingLimit(contentBytes(filepath.Join(root, "content"))); staging == 0 || got == staging {
		t.Errorf("memory limit %d after the build, the staging limit %d: want the render's limit in place of a staging limit", got, staging)
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GOGC %d, want off", got)
	}

	// The user's choices stand.
	t.Setenv("HUGO_MEMORYLIMIT", "2")
	t.Setenv("GOMEMLIMIT", "off")
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(100)
	if _, err := build(); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv("HUGO_MEMORYLIMIT"); got != "2" {
		t.Errorf("HUGO_MEMORYLIMIT = %q, want the user's 2", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit %d, want none (GOMEMLIMIT=off)", got)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d, want the 100 it was", got)
	}
}

// contentBytes counts what the loader reads: files under content/, through
// a symbolic link to the directory or to a file as well.
func TestContentBytesFollowsLinks(t *testing.T) {
	real := t.TempDir()
	if err := os.MkdirAll(filepath.Join(real, "briefs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "briefs", "a.md"), make([]byte, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "b.md")
	if err := os.WriteFile(other, make([]byte, 500), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(other, filepath.Join(real, "briefs", "b.md")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	link := filepath.Join(t.TempDir(), "content")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if got := contentBytes(link); got != 1500 {
		t.Errorf("contentBytes through a linked directory and a linked file = %d, want 1500", got)
	}
	if got := contentBytes(filepath.Join(t.TempDir(), "none")); got != 0 {
		t.Errorf("contentBytes of a missing directory = %d, want 0", got)
	}
}
