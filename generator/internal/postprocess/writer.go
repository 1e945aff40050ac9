package postprocess

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
	mjson "github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"

	"github.com/threatbriefs/threatbriefs/generator/internal/atomicfile"
	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
)

// NewMinifier returns a minifier for every media type the site publishes,
// configured as Hugo configures its own (hugo/minifiers/config.go), so files
// the generator writes and pages Hugo renders are minified alike.
func NewMinifier() *minify.M {
	m := minify.New()
	m.Add("text/html", splice.HTMLMinifier())
	m.Add("text/css", &css.Minifier{})
	m.Add("application/javascript", &js.Minifier{Version: 2022})
	m.AddRegexp(regexp.MustCompile(`[/+]json$`), &mjson.Minifier{})
	m.Add("image/svg+xml", &svg.Minifier{KeepNamespaces: []string{"", "x-bind"}})
	m.AddRegexp(regexp.MustCompile(`[/+]xml$`), &xml.Minifier{})
	return m
}

// MediaType returns the media type of a file by its extension, or "".
func MediaType(name string) string {
	switch filepath.Ext(name) {
	case ".html":
		return "text/html"
	case ".css":
		return "text/css"
	case ".js":
		return "application/javascript"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".xml":
		return "application/xml"
	}
	return ""
}

// Compact is the media type the Writer writes as it is: JSON, which
// exporters write compact by construction (encoding/json output with HTML
// escaping off), so the JSON minifier would only parse and copy it (on a
// 10,000-brief library that was most of the post-process stage's time and
// several copies of every file in memory). TestCompactOutputIsMinimal holds
// every exporter to it: the minifier leaves each JSON file unchanged.
const Compact = "application/json"

// minified returns the media type a file at path is minified as, or "" for
// one written as it is (JSON, or a type without a minifier: CSV).
func minified(path string) string {
	if mt := MediaType(path); mt != Compact {
		return mt
	}
	return ""
}

// Writer is the export.Sink of the post-process stage: it writes files
// under a site directory, each minified by its media type but JSON (see
// Compact). It is safe for concurrent use.
type Writer struct {
	Dir  string
	m    *minify.M
	dirs sync.Map // directories made so far (create)
	// ctx, when done, refuses every later file (Options.Stop).
	ctx context.Context
	// atomic replaces each file by renaming a finished one over it
	// (Options.Atomic).
	atomic bool
}

// NewWriter returns a Writer for dir.
func NewWriter(dir string) *Writer { return &Writer{Dir: dir, m: NewMinifier()} }

// Write writes data at path (a slash path relative to the directory),
// minified unless it is JSON.
func (w *Writer) Write(path string, data []byte) error {
	if mt := minified(path); mt != "" {
		// Bytes reads data in place (Minify with a reader copies it first).
		min, err := w.m.Bytes(mt, data)
		if err != nil {
			return fmt.Errorf("minifying %s: %w", path, err)
		}
		data = min
	}
	return w.WriteMinified(path, data)
}

// Minify returns data, a file of media type mediaType or a part of one,
// minified, or as it is for JSON (Compact) and types without a minifier.
func (w *Writer) Minify(mediaType string, data []byte) ([]byte, error) {
	if mediaType == Compact {
		return data, nil
	}
	out, err := w.m.Bytes(mediaType, data)
	if errors.Is(err, minify.ErrNotExist) {
		return data, nil
	}
	return out, err
}

// WriteMinified writes data at path as it is.
func (w *Writer) WriteMinified(path string, data []byte) error {
	p, err := w.create(path)
	if err != nil {
		return err
	}
	if w.atomic {
		return atomicfile.Write(p, data)
	}
	return os.WriteFile(p, data, 0o644)
}

// Stream writes the file fn produces at path. JSON (the site's STIX bundle,
// briefs.json) goes to the file as fn writes it, never whole in memory; a
// file to minify is collected first and written by Write, as is every file
// of an atomic Writer.
func (w *Writer) Stream(path string, fn func(io.Writer) error) error {
	if minified(path) != "" || w.atomic {
		var buf bytes.Buffer
		if err := fn(&buf); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return w.Write(path, buf.Bytes()) // minified unless JSON
	}
	p, err := w.create(path)
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
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// create makes the directory of path and returns the file's name.
func (w *Writer) create(path string) (string, error) {
	if w.ctx != nil {
		if err := w.ctx.Err(); err != nil {
			return "", err
		}
	}
	p := filepath.Join(w.Dir, filepath.FromSlash(path))
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
