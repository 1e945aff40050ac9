package synth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

type frontMatter struct {
	Campaigns []struct {
		Name string
	}
	Malware         []string
	Vulnerabilities []string
	Sources         []struct {
		Name string
	}
}

// briefs reads the front matter of every brief under dir.
func briefs(t *testing.T, dir string) []frontMatter {
	t.Helper()
	var out []frontMatter
	err := filepath.WalkDir(filepath.Join(dir, "content", "briefs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		parts := strings.SplitN(string(data), "---\n", 3)
		var fm frontMatter
		if err := yaml.Unmarshal([]byte(parts[1]), &fm); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out = append(out, fm)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// terms counts the distinct campaigns, CVEs, malware and sources the
// briefs name, and how many briefs name each campaign.
func terms(bs []frontMatter) (distinct int, campaignBriefs map[string]int) {
	seen := map[string]bool{}
	campaignBriefs = map[string]int{}
	for _, b := range bs {
		for _, c := range b.Campaigns {
			seen["c:"+c.Name] = true
			campaignBriefs[c.Name]++
		}
		for _, m := range b.Malware {
			seen["m:"+m] = true
		}
		for _, v := range b.Vulnerabilities {
			seen["v:"+v] = true
		}
		for _, s := range b.Sources {
			seen["s:"+s.Name] = true
		}
	}
	return len(seen), campaignBriefs
}

func TestUniqueShapeGivesEachBriefItsOwnTerms(t *testing.T) {
	const n = 600
	uniq, shared := t.TempDir(), t.TempDir()
	if err := synth.GenerateKind(uniq, n, 1, synth.Unique); err != nil {
		t.Fatal(err)
	}
	if err := synth.GenerateKind(shared, n, 1, synth.Shared); err != nil {
		t.Fatal(err)
	}
	ub, sb := briefs(t, uniq), briefs(t, shared)
	if len(ub) != n || len(sb) != n {
		t.Fatalf("%d and %d briefs, want %d", len(ub), len(sb), n)
	}
	for i, b := range ub {
		if len(b.Campaigns) != 1 || len(b.Vulnerabilities) < 1 || len(b.Vulnerabilities) > 2 || len(b.Malware) < 1 {
			t.Fatalf("brief %d: %d campaigns, %d CVEs, %d malware; want 1, 1 or 2, at least 1", i, len(b.Campaigns), len(b.Vulnerabilities), len(b.Malware))
		}
	}
	ud, uc := terms(ub)
	sd, _ := terms(sb)
	for name, k := range uc {
		if k != 1 {
			t.Errorf("campaign %q is named by %d briefs; each brief's campaign is its own", name, k)
		}
	}
	if len(uc) != n {
		t.Errorf("%d campaigns for %d briefs", len(uc), n)
	}
	// About 1.2 campaigns, CVEs, malware and sources per brief, against a
	// few hundred in all for the shared shape.
	if per := float64(ud) / n; per < 1.1 || per > 1.5 {
		t.Errorf("unique shape: %.2f distinct campaigns, CVEs, malware and sources per brief, want about 1.2", per)
	}
	if ud < 2*sd {
		t.Errorf("unique shape names %d distinct terms, shared %d: not far apart", ud, sd)
	}
}

// The shared shape writes what it wrote before there were shapes: corpora
// kept under bench --dir and the figures in BENCHMARKS.md stay comparable.
func TestSharedShapeUnchanged(t *testing.T) {
	dir := t.TempDir()
	if err := synth.Generate(dir, 50, 1); err != nil {
		t.Fatal(err)
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	h := sha256.New()
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(filepath.ToSlash(rel) + "\x00"))
		h.Write(data)
	}
	if got, want := hex.EncodeToString(h.Sum(nil)), sharedHash; got != want {
		t.Errorf("the shared corpus of 50 briefs hashes to %s, want %s", got, want)
	}
}

// sharedHash is TestSharedShapeUnchanged's hash of the corpus written by
// the code before shapes existed.
const sharedHash = "8cd552fb3cd59531c9c4ec31462465cef658d3014a012eab64b64aaea39e459f"

func TestParseKind(t *testing.T) {
	for _, s := range []string{"shared", "unique"} {
		if k, err := synth.ParseKind(s); err != nil || string(k) != s {
			t.Errorf("ParseKind(%q) = %q, %v", s, k, err)
		}
	}
	if _, err := synth.ParseKind("uniq"); err == nil || !strings.Contains(err.Error(), `"uniq"`) {
		t.Errorf("ParseKind(uniq): %v", err)
	}
}
