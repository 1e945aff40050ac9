package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dlclark/regexp2/v2"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

type vscodeTasks struct {
	Tasks []struct {
		Label          string
		Command        string
		ProblemMatcher json.RawMessage
	}
}

type problemMatcher struct {
	FileLocation []string
	Severity     string
	Pattern      struct {
		Regexp                        string
		File, Line, Severity, Message int
	}
}

// The VS Code tasks that run check turn its output into problems on the
// right file and line, with the right severity: the matcher is applied with
// an ECMAScript regexp engine (VS Code's dialect) to check's real output.
func TestVSCodeProblemMatcherReadsCheckOutput(t *testing.T) {
	root := sitetest.RepoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, ".vscode", "tasks.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tasks vscodeTasks
	if err := json.Unmarshal(data, &tasks); err != nil {
		t.Fatal(err)
	}

	dir := sitetest.Project(t, "-- content/briefs/2024/bad.md --\n"+badBrief+
		"-- content/briefs/2024/warned.md --\n---\ntitle: W\ndate: 2024-01-02\nsummary: s\ntlp: clear\nsectors: [Widgets]\n---\n")
	out, _, _ := run(t, "check", "-s", dir)
	c, err := pipeline.Check(pipeline.Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, d := range c.Diagnostics.Items() {
		msg := d.Message
		if d.Field != "" {
			msg = d.Field + ": " + msg
		}
		want = append(want, d.File+"|"+strconv.Itoa(d.Line)+"|"+d.Severity.String()+"|"+msg)
	}
	if len(want) < 4 || c.Diagnostics.ErrorCount() == len(want) {
		t.Fatalf("want errors and a warning to match, got %v", want)
	}

	checked := 0
	for _, task := range tasks.Tasks {
		if !strings.Contains(task.Command, "./generator check") {
			continue
		}
		checked++
		var m problemMatcher
		if err := json.Unmarshal(task.ProblemMatcher, &m); err != nil {
			t.Fatalf("task %q: %v", task.Label, err)
		}
		if m.FileLocation[0] != "relative" || m.Severity != "error" {
			t.Errorf("task %q: file locations %v, default severity %q", task.Label, m.FileLocation, m.Severity)
		}
		re, err := regexp2.Compile(m.Pattern.Regexp, regexp2.ECMAScript)
		if err != nil {
			t.Fatalf("task %q: %v", task.Label, err)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			match, err := re.FindStringMatch(line)
			if err != nil || match == nil {
				t.Errorf("task %q: the matcher misses %q", task.Label, line)
				continue
			}
			g := func(i int) string { return match.GroupByNumber(i).String() }
			sev := g(m.Pattern.Severity)
			if sev == "" {
				sev = m.Severity
			}
			got = append(got, g(m.Pattern.File)+"|"+g(m.Pattern.Line)+"|"+sev+"|"+g(m.Pattern.Message))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("task %q reads\n%s\nwant\n%s", task.Label, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	if checked < 2 {
		t.Errorf("%d tasks run check; want check and check --changed", checked)
	}
}

// .vscode/settings.json maps the committed schema onto the briefs, for the
// YAML extension (see the note there on what it does for Markdown).
func TestVSCodeSettingsPointAtTheSchema(t *testing.T) {
	root := sitetest.RepoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, ".vscode", "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	// settings.json is JSON with // comments on lines of their own.
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "//") {
			lines = append(lines, l)
		}
	}
	var s struct {
		Schemas     map[string][]string `json:"yaml.schemas"`
		YAMLVersion string              `json:"yaml.yamlVersion"`
	}
	if err := json.Unmarshal([]byte(strings.Join(lines, "\n")), &s); err != nil {
		t.Fatal(err)
	}
	globs := s.Schemas["./generator/internal/schema/brief.schema.json"]
	if len(globs) != 1 || globs[0] != "content/briefs/**/*.md" {
		t.Errorf("yaml.schemas = %v", s.Schemas)
	}
	if _, err := os.Stat(filepath.Join(root, "generator", "internal", "schema", "brief.schema.json")); err != nil {
		t.Error(err)
	}
	if s.YAMLVersion != "1.1" {
		t.Errorf("yaml.yamlVersion = %q; the generator reads YAML 1.1", s.YAMLVersion)
	}
}
