// Package copytree copies a file or a directory tree on the local file
// system. It accepts a source path (a regular file or a directory) and a
// destination path; directories are created as needed and existing files
// are overwritten. (os.CopyFS refuses to overwrite and copies no single
// file, and the benchmark refreshes a corpus's templates in place.)
package copytree

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Copy copies src to dst: a file to the file dst (creating its directory),
// a directory's whole tree under dst. Files are written 0644 and
// directories 0755.
func Copy(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if rel == "." { // src is a file: make dst's directory
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
