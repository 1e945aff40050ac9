// Package exporttest builds sites for the exports' tests: a small fixture
// library that exercises every export (every IOC type, a claim without a
// campaign, a restricted brief) and the repository's own example content,
// each through the real pipeline into a temporary directory; or, for an
// export's own tests, only checked and indexed (Check), with a Sink that
// keeps what the export writes in memory.
package exporttest

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// BaseURL is the base URL every test site is built for.
const BaseURL = "https://briefs.test/"

//go:embed fixture.txtar
var fixture string

// Site is a built site.
type Site struct {
	Dir    string // the published directory
	Result *pipeline.Result
}

// Fixture builds the fixture library, publishing briefs up to maxTLP
// ("" for the public edition).
func Fixture(t testing.TB, maxTLP brief.TLP) *Site {
	t.Helper()
	return build(t, sitetest.Project(t, fixture), maxTLP)
}

// Project builds a project made of the repository's config, layouts and
// assets and the files of a txtar archive (see sitetest.Project).
func Project(t testing.TB, archive string) *Site {
	t.Helper()
	return build(t, sitetest.Project(t, archive), "")
}

// Example builds the repository's own content.
func Example(t testing.TB) *Site {
	t.Helper()
	return build(t, sitetest.RepoRoot(t), "")
}

func build(t testing.TB, project string, maxTLP brief.TLP) *Site {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: project, Destination: dest, BaseURL: BaseURL, MaxTLP: maxTLP})
	if err != nil {
		t.Fatalf("exporttest: build of %s: %v", project, err)
	}
	return &Site{Dir: dest, Result: res}
}

// Files returns every file of the site, by slash path.
func (s *Site) Files(t testing.TB) map[string][]byte {
	t.Helper()
	return sitetest.Tree(t, s.Dir)
}

// Archive is the fixture library as a txtar archive.
func Archive() string { return fixture }

// Check loads, validates and indexes a project made of the repository's
// config and the files of a txtar archive, publishing briefs up to maxTLP
// ("" for the public edition), without rendering: what an export needs.
func Check(t testing.TB, archive string, maxTLP brief.TLP) *pipeline.Checked {
	t.Helper()
	c, err := pipeline.Check(pipeline.Options{ProjectDir: sitetest.Project(t, archive), MaxTLP: maxTLP})
	if err != nil {
		t.Fatalf("exporttest: %v", err)
	}
	if err := c.Diagnostics.Err(); err != nil {
		t.Fatalf("exporttest: %v", err)
	}
	return c
}

// Sink is an export.Sink that keeps what it is given in memory, by path.
type Sink struct {
	mu    sync.Mutex
	Files map[string][]byte
}

// NewSink returns an empty Sink.
func NewSink() *Sink { return &Sink{Files: map[string][]byte{}} }

// Write keeps a copy of data at rel; a second write to one path is an error.
func (s *Sink) Write(rel string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.Files[rel]; dup {
		return fmt.Errorf("exporttest: %s written twice", rel)
	}
	s.Files[rel] = bytes.Clone(data)
	return nil
}

// Stream keeps what fn writes at rel.
func (s *Sink) Stream(rel string, fn func(w io.Writer) error) error {
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return err
	}
	return s.Write(rel, buf.Bytes())
}
