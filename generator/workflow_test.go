package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	yaml "go.yaml.in/yaml/v3"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

type workflow struct {
	On   map[string]struct{ Branches []string } `yaml:"on"`
	Jobs map[string]struct {
		Steps []struct {
			Uses string
			If   string
			Run  string
			With map[string]string
		}
	}
}

// The CI workflow runs what CONTRIBUTING.md promises, with the Go netlify.toml
// builds with, cached on go.sum, and every generator command it runs is one
// the generator accepts.
func TestCIWorkflow(t *testing.T) {
	root := sitetest.RepoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	pr, onPR := w.On["pull_request"]
	if push := w.On["push"].Branches; !onPR || len(pr.Branches) > 0 || len(push) != 1 || push[0] != "main" {
		t.Errorf("the workflow does not run on every pull request and on pushes to main: %+v", w.On)
	}

	nt, err := os.ReadFile(filepath.Join(root, "netlify.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var n netlifyConfig
	if err := toml.Unmarshal(nt, &n); err != nil {
		t.Fatal(err)
	}
	goVersion := n.Build.Environment["GO_VERSION"]

	var runs []string
	for name, job := range w.Jobs {
		setup := false
		for _, s := range job.Steps {
			if strings.HasPrefix(s.Uses, "actions/setup-go@") {
				setup = true
				if s.With["go-version"] != goVersion || s.With["cache-dependency-path"] != "go.sum" {
					t.Errorf("job %s: setup-go with %v; want go-version %s (netlify.toml) and the cache keyed on go.sum", name, s.With, goVersion)
				}
			}
			if s.Run != "" {
				runs = append(runs, s.Run)
			}
		}
		if !setup {
			t.Errorf("job %s does not set up Go", name)
		}
	}
	all := strings.Join(runs, "\n")
	for _, want := range []string{
		`go run ./generator check --changed "$BASE" --format github --summary "$GITHUB_STEP_SUMMARY"`,
		"go run ./generator check --format github",
		"bash .ci/run",
		"go run ./generator build",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no step runs %q", want)
		}
	}

	// Parse each generator command line with the real CLI.
	for _, line := range strings.Split(all, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "go run ./generator ")
		if !ok {
			continue
		}
		rest = strings.NewReplacer(`"$BASE"`, "origin/main", `"$GITHUB_STEP_SUMMARY"`, "summary.md").Replace(rest)
		args := strings.Fields(rest)
		root := newRoot(io.Discard, io.Discard)
		cmd, flags, err := root.Find(args)
		if err == nil {
			err = cmd.ParseFlags(flags)
		}
		if err != nil || cmd == root {
			t.Errorf("the workflow runs %q, which the generator rejects: %v", line, err)
		}
	}
}
