// Package membudget sizes the Go runtime's soft memory limit for a build
// from the size of the library it builds.
//
// It accepts the number of briefs a build publishes. A build's live heap
// peaks while Hugo renders, at about a fixed part (Hugo, templates,
// vocabularies) plus a part per brief (its page, its staged content, its
// share of the term pages): measured at 168 MB for 1,000 synthetic briefs
// and 790 MB for 10,000 (BENCHMARKS.md). With Go's default GOGC=100 the heap
// may then grow to twice that before the collector finishes a cycle, and the
// process's peak memory with it. Limit allows 80% above the expected live
// heap instead: the collector runs a few more cycles near the peak, and the
// peak stays well below twice the live heap. The limit is soft (Go never
// fails an allocation because of it, and caps the collector's share of CPU
// when the live heap is larger than expected), so a library that needs more
// memory still builds, only with more collection.
package membudget

import (
	"os"
	"runtime/debug"
)

const (
	fixed    = 100 << 20 // bytes of live heap whatever the library
	perBrief = 70 << 10  // bytes of live heap per published brief
)

// Limit is the soft memory limit for a build of n briefs, in bytes.
func Limit(n int) int64 {
	return (fixed + int64(n)*perBrief) * 9 / 5
}

// Apply sets the runtime's soft memory limit to Limit(n) unless the user
// chose one with GOMEMLIMIT (including GOMEMLIMIT=off), and returns the
// limit set, or 0.
func Apply(n int) int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return 0
	}
	l := Limit(n)
	debug.SetMemoryLimit(l)
	return l
}
