package par_test

import (
	"sync/atomic"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/par"
)

func TestForCallsEveryIndexOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		calls := make([]atomic.Int32, n)
		par.For(n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Errorf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
}

func TestForWorkerGivesEachGoroutineItsOwnScratch(t *testing.T) {
	const n = 500
	var workers atomic.Int32
	sums := make([]int, n)
	par.ForWorker(n, func() func(int) {
		workers.Add(1)
		scratch := make([]int, 1) // shared by no other goroutine
		return func(i int) {
			scratch[0] = i
			sums[i] = scratch[0] * 2
		}
	})
	for i, s := range sums {
		if s != 2*i {
			t.Fatalf("sums[%d] = %d", i, s)
		}
	}
	if workers.Load() < 1 {
		t.Error("no worker was made")
	}
}
