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
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set in this environment")
	}
	t.Setenv("HUGO_MEMORYLIMIT", "") // restored after the test
	os.Unsetenv("HUGO_MEMORYLIMIT")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	root := sitetest.RepoRoot(t)

	debug.SetMemoryLimit(math.MaxInt64)
	out, _, err := run(t, "build", "-s", root, "-d", filepath.Join(t.TempDir(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "Built 11 briefs") {
		t.Fatalf("unexpected output %q", out)
	}
	if got := os.Getenv("HUGO_MEMORYLIMIT"); got != "0.5" {
		t.Errorf("HUGO_MEMORYLIMIT = %q, want 0.5", got)
	}
	if got, want := debug.SetMemoryLimit(-1), membudget.Limit(11); got != want {
		t.Errorf("memory limit %d, want %d (for 11 briefs)", got, want)
	}

	// The user's choices stand.
	t.Setenv("HUGO_MEMORYLIMIT", "2")
	t.Setenv("GOMEMLIMIT", "off")
	debug.SetMemoryLimit(math.MaxInt64)
	if _, _, err := run(t, "build", "-s", root, "-d", filepath.Join(t.TempDir(), "public")); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv("HUGO_MEMORYLIMIT"); got != "2" {
		t.Errorf("HUGO_MEMORYLIMIT = %q, want the user's 2", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit %d, want none (GOMEMLIMIT=off)", got)
	}
}
