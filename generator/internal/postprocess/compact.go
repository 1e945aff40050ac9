package postprocess

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
)

// WriteCompact writes data at rel as it is, without minifying it. It is for
// files that are minimal by construction: encoding/json output with HTML
// escaping off, which the JSON minifier would only parse and copy (on a
// 10,000-brief library that was most of the post-process stage's time and
// several copies of every file in memory). TestCompactOutputIsMinimal holds
// every such job to it: the minifier leaves what it wrote unchanged.
func (w *Writer) WriteCompact(rel string, data []byte) error {
	p, err := w.create(rel)
	if err != nil {
		return err
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	return nil
}

// StreamCompact writes the file fn produces at rel, as WriteCompact does,
// without holding it in memory (the site's STIX bundle, briefs.json).
func (w *Writer) StreamCompact(rel string, fn func(io.Writer) error) error {
	p, err := w.create(rel)
	if err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	return nil
}

// create makes rel's directory and returns its path.
func (w *Writer) create(rel string) (string, error) {
	p := filepath.Join(w.Dir, filepath.FromSlash(rel))
	dir := filepath.Dir(p)
	if _, made := w.dirs.Load(dir); made {
		return p, nil // many files share a directory: one MkdirAll (a stat at least) each is a syscall saved
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	w.dirs.Store(dir, true)
	return p, nil
}

// Compact returns the Writer as the export.Sink the export packages write
// through: WriteCompact and StreamCompact.
func (w *Writer) Compact() export.Sink { return compactSink{w} }

type compactSink struct{ w *Writer }

func (s compactSink) Write(rel string, data []byte) error { return s.w.WriteCompact(rel, data) }
func (s compactSink) Stream(rel string, fn func(io.Writer) error) error {
	return s.w.StreamCompact(rel, fn)
}
