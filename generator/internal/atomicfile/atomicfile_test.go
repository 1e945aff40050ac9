package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/atomicfile"
)

func TestWriteReplacesAndLeavesNoTemporaryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "a.tsv")
	for _, data := range []string{"first\n", "second\n"} {
		if err := atomicfile.Write(p, []byte(data)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != data {
			t.Fatalf("read %q, %v; want %q", got, err, data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only a.tsv", len(entries))
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
}

func TestWriteIntoMissingDirectoryFails(t *testing.T) {
	t.Parallel()
	if err := atomicfile.Write(filepath.Join(t.TempDir(), "missing", "a"), []byte("x")); err == nil {
		t.Error("no error for a missing directory")
	}
}
