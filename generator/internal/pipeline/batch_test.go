package pipeline_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// A site rendered in parts (package batch) is the site rendered in one
// run, byte for byte: the example site, its pages in parts of about 20 KB
// (dozens of Hugo runs), against one run; the web site and the offline
// edition (relative URLs, no alias pages).
func TestBatchedBuildIsByteIdentical(t *testing.T) {
	root := sitetest.RepoRoot(t)
	for _, offline := range []bool{false, true} {
		t.Run(map[bool]string{false: "web", true: "offline"}[offline], func(t *testing.T) {
			whole := filepath.Join(t.TempDir(), "whole")
			var wholeStaged, wholePart int64
			wres, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: root, Destination: whole, Offline: offline,
				OnStaged: func(n, part int64) { wholeStaged, wholePart = n, part }})
			if err != nil {
				t.Fatal(err)
			}
			parted := filepath.Join(t.TempDir(), "parted")
			var part int64
			res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: root, Destination: parted, Offline: offline, PartBytes: 20_000,
				OnStaged: func(_, p int64) { part = p }})
			if err != nil {
				t.Fatal(err)
			}
			if wholePart != wholeStaged || part >= wholeStaged/4 {
				t.Errorf("largest part: %d bytes in one run, %d in parts, of %d staged; want the whole, then a small part", wholePart, part, wholeStaged)
			}
			if res.Pages != wres.Pages || res.Pages < 100 {
				t.Errorf("the parted build counts %d pages, one run %d; want every page of the site", res.Pages, wres.Pages)
			}
			want := sitetest.Tree(t, whole)
			got := sitetest.Tree(t, parted)
			for p, data := range want {
				if g, ok := got[p]; !ok {
					t.Errorf("%s: missing from the parted build", p)
				} else if !bytes.Equal(g, data) {
					t.Errorf("%s: differs in the parted build", p)
				}
			}
			for p := range got {
				if _, ok := want[p]; !ok {
					t.Errorf("%s: written only by the parted build", p)
				}
			}
			if len(want) < 500 {
				t.Errorf("the site has %d files; the test needs the example site", len(want))
			}
		})
	}
}
