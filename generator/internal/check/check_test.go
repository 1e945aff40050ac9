package check_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

func briefFile(title, tlp, extra string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\ndate: 2024-05-01\nsummary: Seen at evil.example.\ntlp: " + tlp + "\n" + extra + "---\nBody.\n")}
}

// The index holds the briefs up to MaxTLP (clear when unset), with
// indicators defanged in their prose; the others are Excluded.
func TestRunPublishesUpToMaxTLP(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"content/briefs/2024/open.md":  briefFile("Open", "clear", "iocs:\n  - {type: domain, value: evil.example}\nactors: [Sand Heron]\n"),
		"content/briefs/2024/amber.md": briefFile("Amber", "amber", "actors: [Glass Finch]\n"),
	}
	for _, tc := range []struct {
		max               brief.TLP
		published, actors int
	}{{"", 1, 1}, {brief.TLPAmber, 2, 2}} {
		c, err := check.Run(check.Options{FS: fsys, MaxTLP: tc.max})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Diagnostics.Err(); err != nil {
			t.Fatal(err)
		}
		if len(c.Index.Entries) != tc.published || len(c.Published) != tc.published || len(c.Excluded) != 2-tc.published ||
			len(c.Index.Terms["actors"]) != tc.actors || c.BriefFiles != 2 {
			t.Errorf("MaxTLP %q: %d entries, %d published, %d excluded, %d actors", tc.max, len(c.Index.Entries), len(c.Published), len(c.Excluded), len(c.Index.Terms["actors"]))
		}
		if e, ok := c.Index.Entry("open"); !ok || e.Brief.IOCs[0].Value != "evil.example" || e.Brief.Summary != "Seen at evil[.]example." {
			t.Errorf("MaxTLP %q: the open brief is not indexed with its indicator, defanged in its summary", tc.max)
		}
		var stages []string
		for _, tm := range c.Timings {
			stages = append(stages, tm.Stage)
		}
		if strings.Join(stages, " ") != "load validate index" {
			t.Errorf("timings of %v", stages)
		}
	}
}

// Time records a stage and names it in its error.
func TestTime(t *testing.T) {
	t.Parallel()
	var timings []check.Timing
	boom := errors.New("boom")
	err := check.Time(&timings, "load", func() error { return boom })
	if !errors.Is(err, boom) || err.Error() != "load: boom" || len(timings) != 1 || timings[0].Stage != "load" {
		t.Errorf("err %v, timings %v", err, timings)
	}
}

// Names of a kind are resolved with the site's kind table: an actor kind
// renamed "adversaries" still knows ATT&CK's groups and their aliases, and
// a brief's distinct: list may name its terms.
func TestRunResolvesWithTheSitesKinds(t *testing.T) {
	t.Parallel()
	ks := taxonomy.Kinds().Edit("actors", func(k *taxonomy.Kind) { k.Name, k.Field = "adversaries", "adversaries" })
	fsys := fstest.MapFS{
		"content/briefs/2024/a.md": briefFile("A", "clear", "adversaries: [Cozy Bear, Sandworm Teams]\ndistinct: [Sandworm Teams]\n"),
	}
	c, err := check.Run(check.Options{FS: fsys, Kinds: ks})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Diagnostics.Err(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, term := range c.Index.Terms["adversaries"] {
		names = append(names, term.Name)
	}
	slices.Sort(names)
	if strings.Join(names, ", ") != "APT29, Sandworm Teams" {
		t.Errorf("adversaries %v, want APT29 (Cozy Bear is its ATT&CK alias) and Sandworm Teams (distinct)", names)
	}
}
