// Package par runs independent pieces of work on every core.
//
// It accepts a count n and the work for one index; the pieces must not
// depend on each other, and each writes only its own results (out[i]).
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls fn(i) for every i in [0, n), on all cores, and returns when
// every call has returned.
func For(n int, fn func(i int)) {
	ForWorker(n, func() func(int) { return fn })
}

// ForWorker is For for work that needs scratch space of its own: each
// goroutine calls newWorker once and then the function it returns for the
// indices it takes.
func ForWorker(n int, newWorker func() func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() {
			work := newWorker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				work(i)
			}
		})
	}
	wg.Wait()
}
