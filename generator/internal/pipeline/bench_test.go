package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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
