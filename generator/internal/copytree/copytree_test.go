package copytree_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/copytree"
)

func TestCopy(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	for name, data := range map[string]string{"a.txt": "a", "d/b.txt": "b", "d/e/c.txt": "c"} {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// An existing file is overwritten.
	if err := os.WriteFile(filepath.Join(dst, "a.txt"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := copytree.Copy(src, dst); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a.txt": "a", "d/b.txt": "b", "d/e/c.txt": "c"} {
		got, err := os.ReadFile(filepath.Join(dst, filepath.FromSlash(name)))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
	// A single file copies to the file named.
	one := filepath.Join(t.TempDir(), "new", "one.txt")
	if err := copytree.Copy(filepath.Join(src, "d", "b.txt"), one); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(one); string(got) != "b" {
		t.Errorf("single file: %q, want %q", got, "b")
	}
	if err := copytree.Copy(filepath.Join(src, "missing"), dst); err == nil {
		t.Error("copying a missing source succeeded")
	}
}
