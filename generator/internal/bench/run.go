package bench

import (
	"bytes"
	"fmt"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

// Sample is one timed run of a child process.
type Sample struct {
	Wall    time.Duration
	CPU     time.Duration // user and system time of the child
	PeakRSS int64         // bytes
	Output  string        // the child's stdout
}

// Run starts name with args, waits for it, and reports its wall time, CPU
// time and peak resident set size (getrusage of the child). On a machine
// shared with other work the CPU time varies far less than the wall time.
func Run(name string, args ...string) (Sample, error) {
	cmd := exec.Command(name, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return Sample{}, fmt.Errorf("bench: %s %v: %w\n%s", name, args, err, errOut.String())
	}
	s := Sample{Wall: wall, Output: out.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.PeakRSS = ru.Maxrss * 1024 // Linux reports kilobytes
		s.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return s, nil
}

// Median returns the median of ds (the lower middle for an even count).
func Median[T int64 | time.Duration | float64](ds []T) T {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}
