package pipeline_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

// BenchmarkBuild builds a synthetic library through the whole pipeline, for
// profiling (go test -bench Build -cpuprofile cpu.out). It generates 1,000
// briefs, or uses the corpus in $THREATBRIEFS_BENCH_CORPUS (one written by
// `generator bench --generate-only`). The whole-process figures in
// BENCHMARKS.md come from `go run ./generator bench`.
func BenchmarkBuild(b *testing.B) {
	dir := os.Getenv("THREATBRIEFS_BENCH_CORPUS")
	name := "corpus"
	if dir == "" {
		dir = sitetest.Project(b, "")
		if err := synth.Generate(dir, 1000, 1); err != nil {
			b.Fatal(err)
		}
		name = fmt.Sprint(1000)
	}
	b.Run(name, func(b *testing.B) {
		dest := filepath.Join(b.TempDir(), "public")
		if d := os.Getenv("THREATBRIEFS_BENCH_DEST"); d != "" {
			dest = d
		}
		b.ResetTimer()
		for range b.N {
			if _, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, Destination: dest}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSessionRebuild is the preview server's work after an author saves
// one brief of a 1,000-brief library, of each corpus shape: check and stage
// the project again, re-render what changed. (The browser then reloads;
// serve rewrites the exports after that, which this does not time.)
func BenchmarkSessionRebuild(b *testing.B) {
	for _, kind := range []synth.Kind{synth.Shared, synth.Unique} {
		b.Run(string(kind), func(b *testing.B) {
			dir := sitetest.Project(b, "")
			if err := synth.GenerateKind(dir, 1000, 1, kind); err != nil {
				b.Fatal(err)
			}
			s, _, err := pipeline.Open(context.Background(), pipeline.Options{ProjectDir: dir, Destination: filepath.Join(b.TempDir(), "public"), Preview: true})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			file := filepath.Join(dir, "content", "briefs", "2020", "synthetic-brief-00500.md")
			orig, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			stages := map[string]time.Duration{}
			b.ResetTimer()
			for i := range b.N {
				edited := bytes.Replace(orig, []byte("title: \""), []byte(fmt.Sprintf("title: \"Edit %d: ", i)), 1)
				if err := os.WriteFile(file, edited, 0o644); err != nil {
					b.Fatal(err)
				}
				res, err := s.Rebuild(context.Background(), nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, t := range res.Timings {
					stages[t.Stage] += t.Duration
				}
			}
			for st, d := range stages {
				b.ReportMetric(d.Seconds()/float64(b.N), st+"-s/op")
			}
		})
	}
}
