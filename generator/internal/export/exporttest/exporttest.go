// Package exporttest builds sites for the exports' tests: a small fixture
// library that exercises every export (every IOC type, a claim without a
// campaign, a restricted brief) and the repository's own example content,
// each through the real pipeline into a temporary directory.
package exporttest

import (
	"context"
	_ "embed"
	"path/filepath"
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
