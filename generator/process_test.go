package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/publish"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

// TestMain lets tests run the CLI in a child process: the test binary runs
// main() when THREATBRIEFS_RUN_CLI is set.
func TestMain(m *testing.M) {
	if os.Getenv("THREATBRIEFS_RUN_CLI") == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	removeExamples()
	os.Exit(code)
}

func cli(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "THREATBRIEFS_RUN_CLI=1"), env...)
	return cmd
}

// Two builds of the same content, at different times and in different time
// zones, write byte-identical trees.
func TestBuildsAreReproducibleAcrossTimeZones(t *testing.T) {
	root := sitetest.RepoRoot(t)
	var trees []map[string][]byte
	for _, tz := range []string{"UTC", "Pacific/Kiritimati", "America/Los_Angeles"} {
		dest := filepath.Join(t.TempDir(), "public")
		out, err := cli([]string{"TZ=" + tz}, "build", "-s", root, "-d", dest).CombinedOutput()
		if err != nil {
			t.Fatalf("TZ=%s: %v\n%s", tz, err, out)
		}
		trees = append(trees, sitetest.Tree(t, dest))
	}
	for i := 1; i < len(trees); i++ {
		if diff := sitetest.SameTree(trees[0], trees[i]); diff != "" {
			t.Errorf("build %d differs from build 0: %s", i, diff)
		}
	}
	if len(trees[0]) < 100 {
		t.Fatalf("only %d files built", len(trees[0]))
	}
}

// Ctrl+C while Hugo is rendering: the build says it is stopping, exits
// 130, leaves the previous public/ untouched and removes its working
// directory. The home page template reads a named pipe, so Hugo is held
// mid-render until the test has interrupted the build and seen it say so:
// no race with how fast the machine renders.
func TestInterruptMidRenderLeavesPublicUnchanged(t *testing.T) {
	dir := sitetest.Project(t, "-- public/index.html --\nthe previous site\n-- public/briefs/old/index.html --\nan old brief\n")
	if err := synth.Generate(dir, 30, 7); err != nil {
		t.Fatal(err)
	}
	gate := filepath.Join(dir, "render-gate.fifo")
	if err := syscall.Mkfifo(gate, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	home := filepath.Join(dir, "layouts", "home.html")
	tmpl, err := os.ReadFile(home)
	if err != nil {
		t.Fatal(err)
	}
	held := strings.Replace(string(tmpl), `{{ define "main" }}`, `{{ define "main" }}{{ $gate := os.ReadFile "render-gate.fifo" }}`, 1)
	if held == string(tmpl) {
		t.Fatal(`layouts/home.html has no {{ define "main" }} to hold the render in`)
	}
	if err := os.WriteFile(home, []byte(held), 0o644); err != nil {
		t.Fatal(err)
	}
	before := sitetest.Tree(t, filepath.Join(dir, "public"))

	cmd := cli(nil, "build", "-s", dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var output []string
	// Opening the pipe for writing waits for Hugo to open it for reading,
	// in the home page's template.
	opened := make(chan *os.File, 1)
	go func() {
		if f, err := os.OpenFile(gate, os.O_WRONLY, 0); err == nil {
			opened <- f
		}
	}()
	var writer *os.File
	for writer == nil {
		select {
		case writer = <-opened:
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the build ended before rendering the home page: %v\n%s", cmd.Wait(), strings.Join(output, "\n"))
			}
			output = append(output, l)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for noticed := false; !noticed; {
		l, ok := <-lines
		if !ok {
			t.Fatalf("the build ended without saying it was interrupted:\n%s", strings.Join(output, "\n"))
		}
		output = append(output, l)
		noticed = strings.HasPrefix(l, "Interrupted: stopping")
	}
	writer.Close() // Hugo reads to the end of the pipe and goes on
	for l := range lines {
		output = append(output, l)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit: %v, want status 130\n%s", err, strings.Join(output, "\n"))
	}
	if diff := sitetest.SameTree(before, sitetest.Tree(t, filepath.Join(dir, "public"))); diff != "" {
		t.Errorf("public/ changed: %s", diff)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".public.*")); len(left) > 0 {
		t.Errorf("working directories left behind: %v", left)
	}
}

// A build killed outright cannot clean up: the next build sweeps away the
// working directory it left.
func TestNextBuildSweepsAKilledBuildsWorkingDirectory(t *testing.T) {
	dir := sitetest.Project(t, "-- public/index.html --\nthe previous site\n")
	// The name publish.Prepare gives a working directory, with a PID above
	// any the kernel hands out (pid_max is at most 2^22).
	left := filepath.Join(dir, fmt.Sprintf(".public.tmp-%d-123", 1<<30))
	if err := os.MkdirAll(filepath.Join(left, "briefs", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := publish.Prepare(filepath.Join(dir, "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer publish.Discard(tmp)
	all, _ := filepath.Glob(filepath.Join(dir, ".public.*"))
	if len(all) != 1 || all[0] != tmp {
		t.Errorf("after the next Prepare, working directories are %v; want only %s", all, tmp)
	}
}
