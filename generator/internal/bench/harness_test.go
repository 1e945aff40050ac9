package bench_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/bench"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

// fakeChild makes the test binary act as the generator's `build` child
// when the harness runs it: it writes a file into the destination and
// reports stage times that depend on the run, as JSON, through
// --timings-file. The real build is tested elsewhere; this tests what the
// harness does with what a child reports.
const fakeChild = "BENCH_TEST_FAKE_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(fakeChild) == "1" {
		os.Exit(child(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func child(args []string) int {
	flags := map[string]string{}
	for i := 1; i+1 < len(args); i += 2 {
		flags[args[i]] = args[i+1]
	}
	if args[0] != "build" || flags["-d"] == "" || flags["--timings-file"] == "" {
		fmt.Fprintln(os.Stderr, "unexpected arguments", args)
		return 2
	}
	os.MkdirAll(flags["-d"], 0o755)
	os.WriteFile(filepath.Join(flags["-d"], "index.html"), []byte("<p>hi</p>"), 0o644)
	// Runs 0, 1, 2 write out-N-0, -1, -2: stage times 1, 2, 3 (load) and
	// 30, 10, 20 ms (render), so the medians are 2 and 20 ms.
	r := flags["-d"][len(flags["-d"])-1] - '0'
	render := []time.Duration{30, 10, 20}[r]
	err := bench.WriteTimings(flags["--timings-file"], []bench.StageTime{
		{Stage: "load", Duration: time.Duration(r+1) * time.Millisecond},
		{Stage: "render", Duration: render * time.Millisecond},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// What a person reads is not what the harness decodes.
	fmt.Println("Built 5 briefs\n  load 999s")
	return 0
}

func TestMeasureDecodesTheChildsTimings(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(fakeChild, "1")
	dir := t.TempDir()
	rep, err := bench.Measure(bench.Options{Self: self, Source: sitetest.RepoRoot(t), Dir: dir, Sizes: []int{5}, Runs: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Sizes) != 1 {
		t.Fatalf("%d sizes", len(rep.Sizes))
	}
	s := rep.Sizes[0]
	got := fmt.Sprint(s.Stages)
	if want := "[{load 2ms} {render 20ms}]"; got != want {
		t.Errorf("stage medians %s, want %s", got, want)
	}
	if s.Files != 1 || s.Bytes != int64(len("<p>hi</p>")) {
		t.Errorf("output %d files, %d bytes", s.Files, s.Bytes)
	}
	var b strings.Builder
	rep.WriteMarkdown(&b)
	if !strings.Contains(b.String(), "| CPU |") || s.CPU <= 0 || s.CPU > time.Minute {
		t.Errorf("the child's CPU time %s is not reported:\n%s", s.CPU, b.String())
	}
	if !strings.Contains(b.String(), "- 5 briefs: load 0.002s, render 0.020s\n") {
		t.Errorf("the report does not show the medians:\n%s", b.String())
	}
	// The outputs and timing files are gone; the corpus is kept for the
	// next run.
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 1 || !strings.HasSuffix(left[0], "corpus-5-seed1") {
		t.Errorf("left behind: %v", left)
	}
}

func TestReadTimingsRejectsText(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.json")
	os.WriteFile(p, []byte("  load 1.2s\n"), 0o644)
	if _, err := bench.ReadTimings(p); err == nil {
		t.Error("human-readable timings were accepted")
	}
}

// Each shape has a corpus of its own beside the other, and the shared one
// keeps the name corpora had before shapes existed.
func TestMeasureKeepsAShapesCorpusApart(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []synth.Kind{synth.Shared, synth.Unique} {
		if _, err := bench.Measure(bench.Options{Source: sitetest.RepoRoot(t), Dir: dir, Sizes: []int{40}, Seed: 1, Shape: k, GenerateOnly: true}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"corpus-40-seed1", "corpus-unique-40-seed1"} {
		if _, err := os.Stat(filepath.Join(dir, name, "content", "briefs")); err != nil {
			t.Errorf("no corpus %s: %v", name, err)
		}
	}
	a, _ := os.ReadFile(filepath.Join(dir, "corpus-40-seed1", ".complete"))
	b, _ := os.ReadFile(filepath.Join(dir, "corpus-unique-40-seed1", ".complete"))
	if string(a) == string(b) {
		t.Errorf("both corpora are stamped %q: one could be taken for the other", a)
	}
}
