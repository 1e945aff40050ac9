package postprocess_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// writes is an exporter that writes files, streams others, then returns
// err.
type writes struct {
	name            string
	files, streamed map[string]string
	err             error
}

func (w writes) Name() string { return w.name }

func (w writes) Export(_ *export.Site, out export.Sink) error {
	for path, data := range w.files {
		if err := out.Write(path, []byte(data)); err != nil {
			return err
		}
	}
	for path, data := range w.streamed {
		if err := out.Stream(path, func(w io.Writer) error { _, err := io.WriteString(w, data); return err }); err != nil {
			return err
		}
	}
	return w.err
}

// The Writer minifies every file by its media type, written or streamed,
// but JSON (compact by construction: an exporter's job) and types without
// a minifier.
func TestWriterMinifiesByMediaType(t *testing.T) {
	t.Parallel()
	const (
		xml  = "<rss version=\"2.0\">\n  <channel>\n    <title> A </title>\n  </channel>\n</rss>\n"
		js   = "window.x = { a : 1 } ;\n"
		html = "<p>  a  </p>\n"
		json = "{ \"a\" : 1 }"
		csv  = "a, b\n"
	)
	files := map[string]string{"a/index.xml": xml, "search/index.js": js, "a/p.html": html, "a/index.json": json, "briefs.csv": csv}
	streamed := map[string]string{"b/index.xml": xml, "s/x.js": js, "b/index.json": json}
	dir := t.TempDir()
	if err := postprocess.Run(dir, &export.Site{}, []export.Exporter{writes{name: "test", files: files, streamed: streamed}}); err != nil {
		t.Fatal(err)
	}
	in := maps.Clone(files)
	maps.Copy(in, streamed)
	m := postprocess.NewMinifier()
	got := sitetest.Tree(t, dir)
	for path, data := range in {
		want := []byte(data)
		if mt := postprocess.MediaType(path); mt != "" && mt != postprocess.Compact {
			var buf bytes.Buffer
			if err := m.Minify(mt, &buf, strings.NewReader(data)); err != nil {
				t.Fatal(err)
			}
			if want = buf.Bytes(); bytes.Equal(want, []byte(data)) {
				t.Fatalf("%s: the minifier leaves %q as it is: the test checks nothing", path, data)
			}
		}
		if !bytes.Equal(got[path], want) {
			t.Errorf("%s: wrote %q, want %q", path, got[path], want)
		}
	}
	if len(got) != len(in) {
		t.Errorf("wrote %d files, want %d", len(got), len(in))
	}
}

// Run runs every exporter, and an error names the exporter that failed
// and the file, not the stage: the pipeline wraps the error in
// "post-process: ", which would otherwise read "post-process:
// postprocess: ...".
func TestRunNamesTheExporterThatFailed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "blocked"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var list []export.Exporter
	for i := range 4 {
		list = append(list, writes{name: fmt.Sprint("ok", i), files: map[string]string{fmt.Sprintf("ok%d/a.json", i): "{}"}})
	}
	boom := errors.New("boom")
	for _, tc := range []struct {
		exporter writes
		want     string
	}{
		{writes{name: "fails", err: boom}, "fails: boom"},
		{writes{name: "writes", files: map[string]string{"blocked/a.json": "{}"}}, "writes: "},
		{writes{name: "streams", streamed: map[string]string{"blocked/a.json": "{}"}}, "streams: "},
		{writes{name: "minifies", streamed: map[string]string{"blocked/a.xml": "<a/>"}}, "minifies: "},
	} {
		err := postprocess.Run(dir, &export.Site{}, append([]export.Exporter{tc.exporter}, list...))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "postprocess") ||
			(tc.exporter.err == nil && !strings.Contains(err.Error(), "blocked")) {
			t.Errorf("%s: err = %v", tc.exporter.name, err)
		}
	}
	for i := range 4 {
		if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("ok%d/a.json", i))); err != nil {
			t.Errorf("exporter ok%d did not run: %v", i, err)
		}
	}
}

// Minify gives a part of a file the form Write gives such a file (minified,
// or as it is for JSON and types without a minifier), and WriteMinified
// writes what it is given as it is: an exporter that assembles files from
// parts minifies each part once (package export/feeds).
func TestWriterMinifyAndWriteMinified(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := postprocess.NewWriter(dir)
	for _, tc := range []struct{ mediaType, in, want string }{
		{"application/xml", "<item>\n  <title> A </title>\n</item>\n", "<item><title>A</title></item>"},
		{postprocess.Compact, "{ \"a\" : 1 }", "{ \"a\" : 1 }"},
		{"text/csv", "a, b\n", "a, b\n"},
	} {
		got, err := w.Minify(tc.mediaType, []byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("Minify(%s, %q) = %q, %v; want %q", tc.mediaType, tc.in, got, err, tc.want)
		}
	}
	const raw = "<rss>\n  <channel/>\n</rss>\n"
	if err := w.WriteMinified("a/b/index.xml", []byte(raw)); err != nil {
		t.Fatal(err)
	}
	if got := sitetest.Tree(t, dir)["a/b/index.xml"]; string(got) != raw {
		t.Errorf("WriteMinified wrote %q, want %q as it is", got, raw)
	}
}
