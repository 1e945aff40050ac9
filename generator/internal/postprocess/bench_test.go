package postprocess_test

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporters"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

// BenchmarkRun runs the post-process stage alone over a checked synthetic
// library, for profiling the exports (go test -bench Run -benchtime 1x
// -cpuprofile cpu.out). It generates 1,000 briefs, or uses the corpus in
// $THREATBRIEFS_BENCH_CORPUS (one written by `generator bench
// --generate-only`), and writes into $THREATBRIEFS_BENCH_DEST or a temporary
// directory. It reports the peak heap the stage added on top of the index
// (live and not yet collected objects, sampled every millisecond) as
// peak-heap-MB, and the process's CPU time during the stage as user-s/op
// and sys-s/op.
func BenchmarkRun(b *testing.B) {
	dir := os.Getenv("THREATBRIEFS_BENCH_CORPUS")
	if dir == "" {
		dir = b.TempDir()
		if err := synth.Generate(dir, 1000, 1); err != nil {
			b.Fatal(err)
		}
	}
	c, err := check.Run(check.Options{FS: os.DirFS(dir)})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Diagnostics.Err(); err != nil {
		b.Fatal(err)
	}
	dest := os.Getenv("THREATBRIEFS_BENCH_DEST")
	if dest == "" {
		dest = filepath.Join(b.TempDir(), "public")
	}
	s := &export.Site{Index: c.Index, Vocab: c.Vocab, BaseURL: "https://briefs.test/", Title: "Threat Briefs", Language: "en"}
	all := exporters.All()
	b.Run("all", func(b *testing.B) {
		measure(b, dest, func() error { return postprocess.Run(dest, s, all) })
	})
	// The exports of issue 4 together: every exporter but the term feeds,
	// which Hugo rendered until they moved here.
	b.Run("exports", func(b *testing.B) {
		exports := slices.DeleteFunc(slices.Clone(all), func(e export.Exporter) bool { return e.Name() == "feeds" })
		measure(b, dest, func() error { return postprocess.Run(dest, s, exports) })
	})
	// Each exporter alone, into a fresh directory.
	for _, e := range all {
		b.Run(e.Name(), func(b *testing.B) {
			measure(b, dest, func() error { return postprocess.Run(dest, s, []export.Exporter{e}) })
		})
	}
	runtime.KeepAlive(c)
}

// measure times run b.N times, each into an emptied dest, and reports the
// peak heap it added and the CPU time it took.
func measure(b *testing.B, dest string, run func() error) {
	var peak uint64
	var user, sys time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if err := os.RemoveAll(dest); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		base := heapObjects()
		stop, got := sampleHeap()
		user0, sys0 := cpuTime()
		b.StartTimer()
		err := run()
		b.StopTimer()
		user1, sys1 := cpuTime()
		user, sys = user+user1-user0, sys+sys1-sys0
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if p := *got; p > base && p-base > peak {
			peak = p - base
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(user.Seconds()/float64(b.N), "user-s/op")
	b.ReportMetric(sys.Seconds()/float64(b.N), "sys-s/op")
}

// cpuTime is the CPU time the process has used, in user space and in the
// kernel (writing files, faulting in memory): with wall time it shows how
// well a run used the machine's cores, and unlike wall time it does not
// grow when other processes compete for them.
func cpuTime() (user, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapObjects() uint64 {
	metrics.Read(heapSample)
	return heapSample[0].Value.Uint64()
}

// sampleHeap records the largest heap (live and not yet collected objects)
// until stop is called.
func sampleHeap() (stop func(), peak *uint64) {
	var p uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			p = max(p, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }, &p
}
