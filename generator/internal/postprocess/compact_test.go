package postprocess_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// compactJobs are the jobs that write through WriteCompact, unminified
// (the term feeds minify their RSS themselves, once per item).
var compactJobs = []string{"briefs.json", "feeds", "stix", "taxii", "misp", "navigator", "tables"}

// TestCompactOutputIsMinimal runs the jobs that skip the minifier over the
// export fixture and the example content, and checks that the minifier
// would not change a byte of any file they write.
func TestCompactOutputIsMinimal(t *testing.T) {
	for name, site := range map[string]*exporttest.Site{"fixture": exporttest.Fixture(t, ""), "example": exporttest.Example(t)} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s := &postprocess.Site{Index: site.Result.Index, Vocab: site.Result.Vocab, BaseURL: exporttest.BaseURL, Out: postprocess.NewWriter(dir)}
			ran := 0
			for _, j := range postprocess.Jobs() {
				if slices.Contains(compactJobs, j.Name) {
					ran++
					if err := j.Run(s); err != nil {
						t.Fatalf("%s: %v", j.Name, err)
					}
				}
			}
			if ran != len(compactJobs) {
				t.Fatalf("ran %d of the jobs %v", ran, compactJobs)
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
				t.Errorf("only %d files checked in %s", n, filepath.Base(dir))
			}
		})
	}
}
