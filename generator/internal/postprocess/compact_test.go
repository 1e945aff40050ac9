package postprocess_test

import (
	"bytes"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporters"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// TestCompactOutputIsMinimal runs every exporter through the post-process
// stage over the export fixture and the example content, and checks that
// the minifier would not change a byte of any file: not of those the
// Writer wrote as it is (postprocess.Compact: JSON), nor of those an
// exporter assembled from parts it minified (the term feeds' RSS, through
// Sink.WriteMinified), nor of those the Writer minified.
func TestCompactOutputIsMinimal(t *testing.T) {
	t.Parallel()
	for name, s := range exporttest.Libraries(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := postprocess.Run(dir, s, exporters.All()); err != nil {
				t.Fatal(err)
			}
			m := postprocess.NewMinifier()
			n := 0
			for rel, data := range sitetest.Tree(t, dir) {
				mt := postprocess.MediaType(rel)
				if mt == "" {
					continue
				}
				n++
				var buf bytes.Buffer
				if err := m.Minify(mt, &buf, bytes.NewReader(data)); err != nil {
					t.Fatalf("%s: %v", rel, err)
				}
				if !bytes.Equal(buf.Bytes(), data) {
					t.Errorf("%s: the minifier changes it (%d bytes to %d)", rel, len(data), buf.Len())
				}
			}
			if n < 20 {
				t.Errorf("only %d files checked", n)
			}
		})
	}
}
