package membudget_test

import (
	"math"
	"os"
	"runtime/debug"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/membudget"
)

func TestLimitGrowsWithTheLibrary(t *testing.T) {
	const mib = 1 << 20
	for n, want := range map[int]int64{0: 180 * mib, 1000: 303 * mib, 10000: 1410 * mib} {
		if got := membudget.Limit(n); got/mib != want/mib {
			t.Errorf("Limit(%d) = %d MiB, want %d MiB", n, got/mib, want/mib)
		}
	}
}

func TestApplyRespectsGOMEMLIMIT(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))

	t.Setenv("GOMEMLIMIT", "off")
	debug.SetMemoryLimit(math.MaxInt64)
	if got := membudget.Apply(10000); got != 0 {
		t.Errorf("with GOMEMLIMIT set, Apply set a limit of %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the runtime's limit changed to %d", got)
	}
}

func TestApplySetsTheLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set in this environment")
	}
	want := membudget.Limit(1000)
	if got := membudget.Apply(1000); got != want {
		t.Errorf("Apply(1000) = %d, want %d", got, want)
	}
	if got := debug.SetMemoryLimit(-1); got != want {
		t.Errorf("the runtime's limit is %d, want %d", got, want)
	}
}
