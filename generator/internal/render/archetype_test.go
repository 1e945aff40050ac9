package render

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gohugoio/hugo/create"
	"github.com/spf13/afero"

	"github.com/threatbriefs/threatbriefs/generator/internal/scaffold"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// Hugo itself, given the project's config.toml, finds the brief archetype
// through archetypeDir and creates from it exactly the brief `new` writes:
// `hugo new content briefs/2025/volt-typhoon-returns.md` and
// `go run ./generator new "Volt Typhoon Returns"` give the same file.
func TestHugoNewContentUsesTheBriefArchetype(t *testing.T) {
	dir := sitetest.Project(t, "")
	data, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), filepath.FromSlash(scaffold.ArchetypeFile)))
	if err != nil {
		t.Fatal(err)
	}
	sitetest.WriteArchive(t, dir, "-- "+scaffold.ArchetypeFile+" --\n"+string(data))

	before := time.Now()
	st, err := newSite(Options{ProjectDir: dir, PublishDir: filepath.Join(t.TempDir(), "public")}, false, afero.NewOsFs())
	if err != nil {
		t.Fatal(err)
	}
	sites := st.sites
	const target = "briefs/2025/volt-typhoon-returns.md"
	if err := create.NewContent(sites, "", target, false); err != nil {
		t.Fatal(err)
	}
	// Hugo writes into its content directory, the in-memory staging layer.
	got, err := afero.ReadFile(sites.Fs.Source, filepath.Join(dir, stagedDir, "content", filepath.FromSlash(target)))
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{before, time.Now(), before.UTC(), time.Now().UTC()} {
		if string(got) == scaffold.Text(taxonomy.Kinds(), "Volt Typhoon Returns", now) {
			return
		}
	}
	t.Errorf("hugo new content wrote\n%s\nwant what new writes:\n%s", got, scaffold.Text(taxonomy.Kinds(), "Volt Typhoon Returns", before))
}
