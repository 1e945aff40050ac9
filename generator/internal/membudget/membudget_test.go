package membudget_test

import (
	"math"
	"os"
	"runtime/debug"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/membudget"
)

// restore puts the runtime's collector settings back after a test.
func restore(t *testing.T) {
	limit, gc := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	t.Cleanup(func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(gc)
	})
}

func TestLimitGrowsWithTheContent(t *testing.T) {
	const mb = 1_000_000
	// The staged sizes of the 1,000- and 10,000-brief synthetic corpora.
	for staged, want := range map[int64]int64{0: 106, 20_308_170: 303, 133_383_836: 1399} {
		if got := membudget.Limit(staged) / mb; got != want {
			t.Errorf("Limit(%d) = %d MB, want %d MB", staged, got, want)
		}
	}
}

func TestApplySetsTheLimitAndTurnsGOGCOff(t *testing.T) {
	restore(t)
	for _, v := range []string{"GOMEMLIMIT", "GOGC"} {
		if _, set := os.LookupEnv(v); set {
			t.Skipf("%s is set in this environment", v)
		}
	}
	// Whatever this test process holds, the limit is at most PartLimit's
	// and no less than what the heap holds now plus Hugo's share.
	most := membudget.Limit(20_000_000)
	got := membudget.Apply(20_000_000, 20_000_000)
	if got > most || got < 100_000_000+2*(16<<20) {
		t.Errorf("Apply = %d, want at most %d and at least 2 × (16 MiB + 2.5 × 20 MB)", got, most)
	}
	if set := debug.SetMemoryLimit(-1); set != got {
		t.Errorf("the runtime's limit is %d, want Apply's %d", set, got)
	}
	if got := debug.SetGCPercent(100); got != -1 {
		t.Errorf("GOGC is %d, want off (-1)", got)
	}
}

func TestApplyRespectsTheUsersSettings(t *testing.T) {
	restore(t)
	t.Setenv("GOMEMLIMIT", "off")
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(100)
	if got := membudget.Apply(20_000_000, 20_000_000); got != 0 {
		t.Errorf("with GOMEMLIMIT set, Apply set a limit of %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the runtime's limit changed to %d", got)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOMEMLIMIT set, GOGC changed to %d", got)
	}

	os.Unsetenv("GOMEMLIMIT")
	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	if got := membudget.Apply(20_000_000, 20_000_000); got == 0 {
		t.Error("with only GOGC set, Apply set no limit")
	}
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("with GOGC set, Apply changed it to %d", got)
	}
}

func TestLimitIsAtMostHalfTheMachine(t *testing.T) {
	const staged = 133_383_836 // the 10,000-brief corpus: 1.4 GB
	if got := membudget.LimitOn(membudget.Limit(staged), 2_000_000_000); got != 1_000_000_000 {
		t.Errorf("on a 2 GB machine: %d, want 1 GB", got)
	}
	if got, want := membudget.LimitOn(membudget.Limit(staged), 24_000_000_000), membudget.Limit(staged); got != want {
		t.Errorf("on a 24 GB machine: %d, want %d", got, want)
	}
	if got, want := membudget.LimitOn(membudget.Limit(staged), 0), membudget.Limit(staged); got != want {
		t.Errorf("memory unknown: %d, want %d", got, want)
	}
}

// Rendered in parts, the limit is set by the largest part, with the parts
// still to render counted as they were staged.
func TestPartLimitFollowsTheLargestPart(t *testing.T) {
	const staged = 356_000_000 // the 10,000-brief unique-shape corpus
	whole, parted := membudget.Limit(staged), membudget.PartLimit(staged, 50_000_000)
	if parted >= whole/2 {
		t.Errorf("limit in parts of 50 MB: %d, want well below the whole site's %d", parted, whole)
	}
	if got := membudget.PartLimit(staged, 2*staged); got != whole {
		t.Errorf("a part larger than the site: %d, want the whole site's %d", got, whole)
	}
}

func TestStagingSetsALimitForASmallLibraryAndGOGC50ForALargeOne(t *testing.T) {
	restore(t)
	for _, v := range []string{"GOMEMLIMIT", "GOGC"} {
		if _, set := os.LookupEnv(v); set {
			t.Skipf("%s is set in this environment", v)
		}
	}
	const small, large = 3_365_081, 33_663_538 // the 1,000- and 10,000-brief corpora's content files
	debug.SetGCPercent(100)
	if !membudget.Staging(small) {
		t.Error("Staging changed nothing with neither GOGC nor GOMEMLIMIT set")
	}
	if got := debug.SetGCPercent(100); got != -1 {
		t.Errorf("GOGC is %d while staging a small library, want off (-1)", got)
	}
	if got, want := debug.SetMemoryLimit(-1), membudget.StagingLimit(small); got != want || want == 0 {
		t.Errorf("the limit while staging a small library is %d, want %d", got, want)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	if !membudget.Staging(large) {
		t.Error("Staging changed nothing with neither GOGC nor GOMEMLIMIT set")
	}
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("GOGC is %d while staging a large library, want 50", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("staging a large library set a limit of %d", got)
	}
	t.Setenv("GOGC", "100")
	if membudget.Staging(small) {
		t.Error("with GOGC set, Staging changed it")
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, it is %d, want 100", got)
	}
}

// The staging limit follows the content, never below its floor; a
// library beyond the model's reach, or of unknown size (0: content/ could
// not be read), gets none (and GOGC=50).
func TestStagingLimit(t *testing.T) {
	const mb = 1_000_000
	for content, want := range map[int64]int64{0: 0, -1: 0, 139_304: 67, 3_365_081: 129, 3_436_273: 132, 33_663_538: 0} {
		if got := membudget.StagingLimit(content) / mb; got != want {
			t.Errorf("StagingLimit(%d) = %d MB, want %d MB", content, got, want)
		}
	}
}

// The render's limit follows the live heap when the staged bytes
// overstate what Hugo will hold (the 1,000-brief corpus, whose lists are
// three quarters of its staged bytes), and is PartLimit's otherwise (the
// 10,000-brief unique corpus).
func TestRenderLimitFollowsTheLiveHeap(t *testing.T) {
	const mb = 1_000_000
	for _, c := range []struct{ staged, part, live, want int64 }{
		{40_232_153, 33_543_508, 70_375_336, 342},   // 1,000 shared: PartLimit 443
		{340_387_706, 33_554_771, 559_869_400, 953}, // 10,000 unique: 2 × 660 MB is more
		{2_331_348, 2_331_348, 10_373_352, 65},      // the example site
	} {
		if got := membudget.RenderLimit(c.staged, c.part, c.live) / mb; got != c.want {
			t.Errorf("RenderLimit(%d, %d, %d) = %d MB, want %d MB", c.staged, c.part, c.live, got, c.want)
		}
		if got, most := membudget.RenderLimit(c.staged, c.part, c.live), membudget.PartLimit(c.staged, c.part); got > most {
			t.Errorf("RenderLimit(%d, %d, %d) = %d, above PartLimit's %d", c.staged, c.part, c.live, got, most)
		}
	}
}
