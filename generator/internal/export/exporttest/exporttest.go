// Package exporttest gives the exporters' tests what a build gives the
// exporters, without rendering anything: the export.Site of a small fixture
// library that exercises every export (every IOC type, a claim without a
// campaign, a restricted brief), of a library whose text looks like HTML,
// of any txtar archive, or of the
// repository's own example content, each checked by package check (the
// stages a build runs before Hugo, so the index is the one a build
// exports); and Export, which runs exporters into memory.
//
// It imports no Hugo: tests that need rendered pages build a site with
// package pipeline themselves.
package exporttest

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// The facts of every test site's build.
const (
	BaseURL  = "https://briefs.test/"
	Title    = "Threat Briefs"
	Language = "en"
)

// FixtureArchive is the fixture library, a txtar archive of content/.
//
//go:embed fixture.txtar
var FixtureArchive string

// HostileArchive is a library of one brief whose title, summary, actor and
// source look like HTML (every export and page must carry them as text), a
// txtar archive of content/ without a comment, so that it can follow
// another archive.
//
//go:embed hostile.txtar
var HostileArchive string

// Fixture checks the fixture library, publishing briefs up to maxTLP (""
// for the public edition).
func Fixture(t testing.TB, maxTLP brief.TLP) *export.Site {
	t.Helper()
	return Library(t, FixtureArchive, maxTLP)
}

// Library checks the content of a txtar archive ("-- content/briefs/a.md
// --" sections), publishing briefs up to maxTLP.
func Library(t testing.TB, archive string, maxTLP brief.TLP) *export.Site {
	t.Helper()
	fsys, err := txtar.FS(txtar.Parse([]byte(archive)))
	if err != nil {
		t.Fatalf("exporttest: %v", err)
	}
	return site(t, fsys, maxTLP)
}

// Example checks the repository's own content.
func Example(t testing.TB) *export.Site {
	t.Helper()
	return site(t, os.DirFS(sitetest.RepoRoot(t)), "")
}

// Libraries checks the fixture library (public edition) and the example
// content: the two libraries every exporter's output is checked over, by
// name.
func Libraries(t testing.TB) map[string]*export.Site {
	t.Helper()
	return map[string]*export.Site{"fixture": Fixture(t, ""), "example": Example(t)}
}

func site(t testing.TB, fsys fs.FS, maxTLP brief.TLP) *export.Site {
	t.Helper()
	c, err := check.Run(check.Options{FS: fsys, MaxTLP: maxTLP})
	if err != nil {
		t.Fatalf("exporttest: %v", err)
	}
	if err := c.Diagnostics.Err(); err != nil {
		t.Fatalf("exporttest: the library has errors: %v", err)
	}
	return &export.Site{Index: c.Index, Vocab: c.Vocab, BaseURL: BaseURL, Title: Title, Language: Language}
}

// Export runs exporters over s, one after another, and returns every file
// they wrote by path, as they wrote it (the post-process stage would
// minify some). A file written twice fails the test: exporters write
// disjoint files.
func Export(t testing.TB, s *export.Site, exporters ...export.Exporter) map[string][]byte {
	t.Helper()
	out := &Files{m: map[string][]byte{}}
	for _, e := range exporters {
		if err := e.Export(s, out); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
	}
	return out.m
}

// Files is an in-memory export.Sink.
type Files struct {
	mu sync.Mutex
	m  map[string][]byte
}

// Write keeps a copy of data at path.
func (f *Files) Write(path string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[path]; ok {
		return fmt.Errorf("%s written twice", path)
	}
	f.m[path] = bytes.Clone(data)
	return nil
}

// Minify returns data as it is: Files keeps what exporters write, not
// what the post-process stage makes of it.
func (f *Files) Minify(_ string, data []byte) ([]byte, error) { return data, nil }

// WriteMinified keeps a copy of data at path, as Write.
func (f *Files) WriteMinified(path string, data []byte) error { return f.Write(path, data) }

// Stream keeps what fn writes at path.
func (f *Files) Stream(path string, fn func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return err
	}
	return f.Write(path, buf.Bytes())
}
