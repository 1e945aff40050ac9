package export_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
)

type keyA struct{}
type keyB struct{}

// Shared builds a value once per Site and key, however many exporters ask
// at once, and hands every one of them that value (or its error).
func TestSharedBuildsOnce(t *testing.T) {
	t.Parallel()
	s := &export.Site{Title: "T"}
	var builds atomic.Int32
	build := func(s *export.Site) (*string, error) {
		builds.Add(1)
		v := s.Title + "!"
		return &v, nil
	}
	got := make([]*string, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			v, err := export.Shared(s, keyA{}, build)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("built %d times, want once", n)
	}
	for _, v := range got {
		if v != got[0] || *v != "T!" {
			t.Fatalf("callers got different values: %v", got)
		}
	}
	// Another key is another value; another Site builds its own.
	if _, err := export.Shared(s, keyB{}, build); err != nil || builds.Load() != 2 {
		t.Errorf("another key: err %v, %d builds", err, builds.Load())
	}
	if v, _ := export.Shared(&export.Site{Title: "U"}, keyA{}, build); *v != "U!" {
		t.Errorf("another site got %q", *v)
	}

	// An error reaches every caller, and is not built again.
	fail := errors.New("no graph")
	var failures atomic.Int32
	for range 2 {
		if _, err := export.Shared(s, struct{ k int }{1}, func(*export.Site) (int, error) { failures.Add(1); return 0, fail }); !errors.Is(err, fail) {
			t.Errorf("got %v, want the build's error", err)
		}
	}
	if failures.Load() != 1 {
		t.Errorf("a failed build ran %d times", failures.Load())
	}
}
