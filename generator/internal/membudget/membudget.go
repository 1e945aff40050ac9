// Package membudget sets the Go runtime's memory limit for a one-shot build
// from the size of the content it renders.
//
// It accepts the number of bytes of staged content (what the generator hands
// Hugo) and of the largest part Hugo renders at once (package batch; the
// whole site unless it is rendered in parts). A build's live heap peaks
// while Hugo renders, at about a fixed part (Hugo, templates,
// vocabularies, the index) plus a multiple of the staged content: Hugo
// keeps every page's source, its decoded front matter and its parsed
// Markdown until the run ends. Measured (BENCHMARKS.md): 168 MB live
// for 20 MB staged (1,000 synthetic briefs), 790 MB for 133 MB (10,000);
// the model below gives 176 MB and 820 MB.
//
// With Go's default GOGC=100 the heap may grow to twice the live heap before
// a collection finishes, and the process's peak memory with it; and the
// collector runs dozens of times before the peak, while the heap is still
// small, for nothing: the peak is what memory must be found for anyway.
// Apply instead sets a soft limit 70% above the expected live heap and
// turns the proportional collector off, so the heap is collected when it
// nears the limit: a few collections per build, and a peak below the limit.
// The limit is soft: Go never fails an allocation because of it, and a
// library that needs more memory than expected still builds, with the
// collector busier (it is then capped at about half the CPU).
package membudget

import (
	"os"
	"runtime/debug"

	"github.com/pbnjay/memory"
)

const (
	fixed    = 60 << 20 // bytes of live heap whatever the content
	perByte  = 5.7      // bytes of live heap per byte of staged content
	headroom = 1.7      // the limit over the expected live heap
)

// Limit is the soft memory limit for rendering staged bytes of content
// in one run.
func Limit(staged int64) int64 { return PartLimit(staged, staged) }

// PartLimit is the soft memory limit for rendering staged bytes of content
// in parts of at most part bytes (package batch): Hugo holds one part at a
// time, at perByte per byte, while the parts still to render wait as they
// were staged, a byte each.
func PartLimit(staged, part int64) int64 {
	part = min(part, staged)
	return int64(headroom * (fixed + perByte*float64(part) + float64(staged-part)))
}

// limitOn is Limit on a machine with total bytes of memory (0: unknown):
// never more than half of it. With the proportional collector off, the heap
// grows to the limit before it is collected; a limit beyond the machine
// would let it grow until the kernel killed the build, where a lower one
// only makes the collector work harder.
func limitOn(staged, part int64, total uint64) int64 {
	l := PartLimit(staged, part)
	if total > 0 && uint64(l) > total/2 {
		l = int64(total / 2)
	}
	return l
}

// stagingGC is the collector's GOGC until the content is staged.
const stagingGC = 50

// Staging sets the collector for the stages before Apply: load, validate,
// index and stage build up the checked library and the staged content,
// which the render then holds (in parts) with its limit. At Go's default
// GOGC=100 the heap may grow to twice the live heap before each
// collection, and at the end of the stage, with everything staged, that
// was the build's peak: 1.0 GB of heap for 0.52 GB live at 10,000
// unique-shape briefs (BENCHMARKS.md, issue 17). It sets GOGC=50 and
// returns true, unless the user set GOGC or GOMEMLIMIT.
func Staging() bool {
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		if _, set := os.LookupEnv(v); set {
			return false
		}
	}
	debug.SetGCPercent(stagingGC)
	return true
}

// Apply sets the runtime's soft memory limit to PartLimit(staged, part),
// or half the machine's memory if that is less, and turns the
// proportional collector off (GOGC=off), and returns the limit. It changes
// nothing if the user set GOMEMLIMIT, and leaves the collector alone if the
// user set GOGC.
func Apply(staged, part int64) int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return 0
	}
	l := limitOn(staged, part, memory.TotalMemory())
	debug.SetMemoryLimit(l)
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(-1)
	}
	return l
}
