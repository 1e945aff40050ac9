package pipeline_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

// BenchmarkBuild builds a synthetic library through the whole pipeline, for
// profiling (go test -bench Build -cpuprofile cpu.out). The whole-process
// figures in BENCHMARKS.md come from `go run ./generator bench`.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := sitetest.Project(b, "")
			if err := synth.Generate(dir, n, 1); err != nil {
				b.Fatal(err)
			}
			dest := filepath.Join(b.TempDir(), "public")
			b.ResetTimer()
			for range b.N {
				if _, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, Destination: dest}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
