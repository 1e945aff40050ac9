package sitetest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Git runs git in dir and returns its standard output, failing the test on
// an error and skipping it when git is not installed. It isolates git from
// the user's and the system's configuration (for this call and for any git
// the code under test runs) and sets a fixed author, so commits work on any
// machine and hooks or signing settings cannot interfere.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for k, v := range map[string]string{
		"GIT_CONFIG_GLOBAL":   os.DevNull,
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME":     "Test Author",
		"GIT_AUTHOR_EMAIL":    "author@example.org",
		"GIT_COMMITTER_NAME":  "Test Author",
		"GIT_COMMITTER_EMAIL": "author@example.org",
	} {
		if os.Getenv(k) != v {
			t.Setenv(k, v)
		}
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// GitInit makes dir a git repository on branch main and commits everything
// in it.
func GitInit(t testing.TB, dir string) {
	t.Helper()
	Git(t, dir, "init", "--quiet", "--initial-branch=main")
	Commit(t, dir, "base")
}

// Commit stages every change in dir and commits it.
func Commit(t testing.TB, dir, message string) {
	t.Helper()
	Git(t, dir, "add", "--all")
	Git(t, dir, "commit", "--quiet", "--allow-empty", "--no-verify", "-m", message)
}
