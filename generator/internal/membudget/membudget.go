// Package membudget sets the Go runtime's memory limit for a one-shot build
// from the size of the content it renders.
//
// It accepts the number of bytes of the project's content files (Staging,
// before anything is loaded), then the number of bytes of staged content
// (what the generator hands Hugo) and of the largest part Hugo renders at
// once (Apply; package batch; the whole site unless it is rendered in
// parts), with the live heap as the render starts, which Apply measures.
// A build's live heap peaks
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
// Apply instead sets a soft limit 70 to 100% above the expected live heap and
// turns the proportional collector off, so the heap is collected when it
// nears the limit: a few collections per build, and a peak below the limit.
// The limit is soft: Go never fails an allocation because of it, and a
// library that needs more memory than expected still builds, with the
// collector busier (it is then capped at about half the CPU).
package membudget

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

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

// limitOn is limit l on a machine with total bytes of memory (0: unknown):
// never more than half of it. With the proportional collector off, the heap
// grows to the limit before it is collected; a limit beyond the machine
// would let it grow until the kernel killed the build, where a lower one
// only makes the collector work harder.
func limitOn(l int64, total uint64) int64 {
	if total > 0 && uint64(l) > total/2 {
		l = int64(total / 2)
	}
	return l
}

// The stages before the render (load, validate, index, stage) keep a live
// heap of about stageFixed plus stagePerByte bytes per byte of the
// project's content files. Measured (BENCHMARKS.md, 2026-12-04): 10 MB for
// the example site's 0.14 MB, 70 and 83 MB for the 1,000-brief shared and
// unique corpora (3.4 MB), 389 and 560 MB for the 10,000-brief ones
// (33 MB); the model gives 16, 87 and 753 MB.
const (
	stageFixed    = 12 << 20
	stagePerByte  = 22
	stageHeadroom = 1.5 // the limit over the expected live heap, as GOGC=50
	// stageFloor is the least limit while staging: below it the collector
	// would run every few megabytes of the build's first second.
	stageFloor = 64 << 20
	// stageMost is the largest library, by its limit, that is staged under
	// a limit rather than at GOGC=50: the model is fitted to the libraries
	// above and a larger one may hold more than it predicts.
	stageMost = 256 << 20
)

// stagingGC is the collector's GOGC until the content is staged, for a
// library of more than stageMost.
const stagingGC = 50

// StagingLimit is the soft memory limit for checking and staging a
// project of content bytes of content files, or 0 when the library is too
// large to stage under one (more than stageMost) or its size is unknown
// (content 0 or less): stageHeadroom over the expected live heap, and at
// least stageFloor.
func StagingLimit(content int64) int64 {
	if content <= 0 {
		return 0
	}
	l := max(int64(stageHeadroom*(stageFixed+stagePerByte*float64(content))), stageFloor)
	if l > stageMost {
		return 0
	}
	return l
}

// Staging sets the collector for the stages before Apply, for a project of
// content bytes of content files: load, validate, index and stage build up
// the checked library and the staged content, which the render then holds
// (in parts) with its limit.
//
// At Go's default GOGC=100 the heap may grow to twice the live heap before
// each collection, and at the end of the stage, with everything staged,
// that was the build's peak: 1.0 GB of heap for 0.52 GB live at 10,000
// unique-shape briefs (BENCHMARKS.md, issue 17). GOGC=50 holds that down;
// but on a small library, whose heap starts at a few megabytes, it
// collects thirty times in the first second (a 1,000-brief build), where
// a limit sized for the library collects two or three times. So a library
// whose StagingLimit is not 0 is staged under it, with the proportional
// collector off; a larger one, or one of unknown size, at GOGC=50. Staging returns true, unless the
// user set GOGC or GOMEMLIMIT, when it changes nothing.
func Staging(content int64) bool {
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		if _, set := os.LookupEnv(v); set {
			return false
		}
	}
	if l := StagingLimit(content); l > 0 {
		debug.SetMemoryLimit(l)
		debug.SetGCPercent(-1)
		return true
	}
	debug.SetGCPercent(stagingGC)
	return true
}

// While Hugo renders a part, the live heap grows by about hugoFixed plus
// hugoPerByte bytes per byte of the part's staged content over what the
// stages left live. Measured (BENCHMARKS.md, 2026-12-04): 22 MB over
// 10 MB for the example site (2.3 MB staged), 101 and 111 MB over 70
// and 83 MB for the 1,000-brief shared and unique corpora (two parts,
// the larger 33.5 MB); the model gives 23 and 101 MB. At 10,000 briefs
// (151 and 136 MB over 389 and 560 MB) PartLimit is the lower limit.
const (
	hugoFixed    = 16 << 20
	hugoPerByte  = 2.5
	liveHeadroom = 2 // the limit over the expected peak live heap
)

// RenderLimit is the soft memory limit for rendering, in parts of at most
// part bytes, staged bytes of content, when live bytes of heap are live as
// the render starts: PartLimit(staged, part), or liveHeadroom over the
// live heap the render is expected to peak at (live plus hugoFixed plus
// hugoPerByte bytes per byte of the part) if that is less. PartLimit's model counts
// every staged byte as Hugo holding it; the lists the generator renders
// (package splice) are in the staged bytes but Hugo never holds them, and
// on a 1,000-brief library they are three quarters of the bytes:
// PartLimit gives 443 MB where the live heap peaks at 171 MB, and the
// memory faulted in for the difference cost more than the collections a
// lower limit adds (BENCHMARKS.md).
func RenderLimit(staged, part, live int64) int64 {
	part = min(part, staged)
	return min(PartLimit(staged, part), int64(liveHeadroom*(float64(live)+hugoFixed+hugoPerByte*float64(part))))
}

// liveHeap is the heap's live bytes: as of the last collection, if that
// figure already gives PartLimit (the heap has mostly grown since, as the
// stages keep what they build, so the exact figure would give it too);
// else after a collection, for the exact figure.
func liveHeap(staged, part int64) int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if last := int64(s[0].Value.Uint64()); RenderLimit(staged, part, last) == PartLimit(staged, part) {
		return last
	}
	runtime.GC()
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// Apply sets the runtime's soft memory limit to RenderLimit(staged, part,
// the live heap now), or half the machine's memory if that is less, and
// turns the proportional collector off (GOGC=off), and returns the limit.
// It changes nothing if the user set GOMEMLIMIT, and leaves the collector
// alone if the user set GOGC.
func Apply(staged, part int64) int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return 0
	}
	l := limitOn(RenderLimit(staged, part, liveHeap(staged, part)), memory.TotalMemory())
	debug.SetMemoryLimit(l)
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(-1)
	}
	return l
}
