// Package sitetest builds throwaway projects for tests: the repository's
// real config.toml, layouts/ and assets/ plus content given as a txtar
// archive ("-- content/briefs/2024/a.md --" sections), in a temporary
// directory. Tests then run the real pipeline over it.
package sitetest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/threatbriefs/threatbriefs/generator/internal/copytree"
)

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("sitetest: no go.mod above " + file)
		}
		dir = parent
	}
}

// Project writes a project into a new temporary directory and returns its
// path: the repository's config.toml, layouts/ and assets/, then every file
// of the txtar archive (which may override them).
func Project(t testing.TB, archive string) string {
	t.Helper()
	dir := t.TempDir()
	root := RepoRoot(t)
	for _, p := range []string{"config.toml", "layouts", "assets"} {
		if err := copytree.Copy(filepath.Join(root, p), filepath.Join(dir, p)); err != nil {
			t.Fatalf("sitetest: copying %s: %v", p, err)
		}
	}
	WriteArchive(t, dir, archive)
	return dir
}

// WriteArchive writes the files of a txtar archive under dir.
func WriteArchive(t testing.TB, dir, archive string) {
	t.Helper()
	a := txtar.Parse([]byte(archive))
	for _, f := range a.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ReadArchive reads a txtar file from a test's testdata directory.
func ReadArchive(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Tree reads every file under dir into a map of slash path to contents.
func Tree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// SameTree reports the first difference between two trees, or "".
func SameTree(a, b map[string][]byte) string {
	for k, v := range a {
		w, ok := b[k]
		if !ok {
			return k + " is missing"
		}
		if !bytes.Equal(v, w) {
			return k + " differs"
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			return k + " was added"
		}
	}
	return ""
}
