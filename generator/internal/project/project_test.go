package project

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Root returns the nearest directory holding both config.toml (a file) and
// content/ (a directory), from the start upwards.
func TestRoot(t *testing.T) {
	top := t.TempDir()
	mk := func(p string, dir bool) {
		t.Helper()
		p = filepath.Join(top, filepath.FromSlash(p))
		if dir {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk("site/config.toml", false)
	mk("site/content/briefs/2024", true)
	mk("site/inner/config.toml", true) // a directory named config.toml is not a config
	mk("site/inner/content", true)
	mk("site/inner2/config.toml", false) // config.toml without content/
	mk("site/inner2/deep", true)
	mk("lone/content", true)

	for start, want := range map[string]string{
		"site":                     "site",
		"site/content/briefs/2024": "site",
		"site/inner":               "site",
		"site/inner2/deep":         "site",
	} {
		got, err := Root(filepath.Join(top, start))
		if err != nil || got != filepath.Join(top, want) {
			t.Errorf("Root(%s) = %q, %v; want %s", start, got, err, want)
		}
	}
	_, err := Root(filepath.Join(top, "lone", "content"))
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Start != filepath.Join(top, "lone", "content") {
		t.Errorf("Root outside a project: %v", err)
	}
}
