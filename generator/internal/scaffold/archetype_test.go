package scaffold_test

import (
	"flag"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/threatbriefs/threatbriefs/generator/internal/scaffold"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

var update = flag.Bool("update", false, "rewrite the archetype file from scaffold.Archetype")

// The archetype on disk is the scaffold, and config.toml points Hugo at it.
func TestArchetypeFileIsCurrent(t *testing.T) {
	t.Parallel()
	root := sitetest.RepoRoot(t)
	p := filepath.Join(root, filepath.FromSlash(scaffold.ArchetypeFile))
	if *update {
		if err := os.WriteFile(p, []byte(scaffold.Archetype(taxonomy.Kinds())), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != scaffold.Archetype(taxonomy.Kinds()) {
		t.Errorf("%s is out of date; run: go test ./generator/internal/scaffold -run TestArchetypeFileIsCurrent -update", scaffold.ArchetypeFile)
	}

	data, err := os.ReadFile(filepath.Join(root, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct{ ArchetypeDir string }
	if err := toml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if want := path.Dir(scaffold.ArchetypeFile); cfg.ArchetypeDir != want {
		t.Errorf("config.toml: archetypeDir = %q, want %q", cfg.ArchetypeDir, want)
	}
}

// The archetype is the text `new` writes, with template actions exactly
// where the title and the date go, and nowhere else.
func TestArchetypeIsTheScaffold(t *testing.T) {
	t.Parallel()
	a := scaffold.Archetype(taxonomy.Kinds())
	actions := regexp.MustCompile(`\{\{.*?\}\}`).FindAllString(a, -1)
	if len(actions) != 2 {
		t.Fatalf("want two template actions, found %q", actions)
	}
	date := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
	filled := strings.Replace(a, actions[0], "Volt Typhoon Returns", 1)
	filled = strings.Replace(filled, actions[1], date.Format("2006-01-02"), 1)
	if want := scaffold.Text(taxonomy.Kinds(), "Volt Typhoon Returns", date); filled != want {
		t.Errorf("the archetype differs from the scaffold:\n%s\nwant\n%s", filled, want)
	}
	if !strings.Contains(a, "\ntitle: \""+actions[0]+"\"\n") || !strings.Contains(a, "\ndate: "+actions[1]+"\n") {
		t.Errorf("the actions are not the title and the date:\n%s", a)
	}
}
