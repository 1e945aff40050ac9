// Package atomicfile writes a file so that a reader sees either the old
// content or the new, never a half-written file.
//
// It accepts a path on the local file system and the bytes to put there:
// Write writes them to a temporary file in the same directory and renames it
// over path (a rename within a directory is atomic on POSIX systems). The
// directory must exist. Written by hand because the standard library has no
// such call and the libraries that do (renameio) would be a dependency for
// fifteen lines.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data, readable by everyone (0644).
func Write(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
