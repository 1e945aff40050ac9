package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

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
	os.Exit(m.Run())
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

// Ctrl+C while Hugo is writing pages: the process exits 130 and the
// previous public/ is untouched.
func TestInterruptMidRenderLeavesPublicUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1,500-brief library")
	}
	dir := sitetest.Project(t, "-- public/index.html --\nthe previous site\n-- public/briefs/old/index.html --\nan old brief\n")
	if err := synth.Generate(dir, 1500, 7); err != nil {
		t.Fatal(err)
	}
	before := sitetest.Tree(t, filepath.Join(dir, "public"))

	cmd := cli(nil, "build", "-s", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Wait until the build has written pages into its working directory.
	deadline := time.Now().Add(2 * time.Minute)
	rendering := false
	for !rendering && time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("the build finished before it could be interrupted (%v); make the corpus larger", err)
		default:
		}
		matches, _ := filepath.Glob(filepath.Join(dir, ".public.tmp-*", "briefs", "*", "index.html"))
		rendering = len(matches) > 0
		time.Sleep(5 * time.Millisecond)
	}
	if !rendering {
		t.Fatal("the build never started writing pages")
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit: %v, want status 130", err)
	}
	if diff := sitetest.SameTree(before, sitetest.Tree(t, filepath.Join(dir, "public"))); diff != "" {
		t.Errorf("public/ changed: %s", diff)
	}
	// The next build sweeps away what the interrupted one left.
	tmp, err := publish.Prepare(filepath.Join(dir, "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer publish.Discard(tmp)
	left, _ := filepath.Glob(filepath.Join(dir, ".public.*"))
	if len(left) != 1 || left[0] != tmp {
		t.Errorf("after the next Prepare, working directories are %v; want only %s", left, tmp)
	}
}
