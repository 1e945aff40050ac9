package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// proposed is the brief a pull request adds: its actor is a misspelling of
// a profiled one (an error), one malware name nearly repeats an existing
// one (a new page the summary flags), and one key is misspelled.
const proposed = `---
title: "Edge intrusions at two water utilities"
date: 2025-03-04
summary: "Two regional water utilities found a PRC-linked actor inside their remote-access appliances, with no sign of interference in treatment processes."
tlp: green
sources:
  - name: Example Water ISAC
    url: https://isac.example.org/alerts/2025-03
attribution:
  - actor: Volt Typhon
    by: Example Water ISAC
    confidence: moderate
sector: [Water and Wastewater]
countries: [US]
techniques: [T1133, T1021.006]
malware: [KV-botnets]
---
Both utilities run the same remote-access appliance, and in both the
intruders came in through it and then used Windows Remote Management.
`

// prRepo builds a repository with a pull request's history: main holds the
// example content; the branch add-brief adds the proposed brief; main then
// moves on with a commit the branch does not have.
func prRepo(t *testing.T) string {
	t.Helper()
	dir := sitetest.Project(t, "")
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS(filepath.Join(sitetest.RepoRoot(t), "content"))); err != nil {
		t.Fatal(err)
	}
	sitetest.GitInit(t, dir)
	sitetest.Git(t, dir, "checkout", "--quiet", "-b", "add-brief")
	sitetest.WriteArchive(t, dir, "-- content/briefs/2025/water-utility-edge-intrusions.md --\n"+proposed)
	sitetest.Commit(t, dir, "Add a brief on the water utility intrusions")
	sitetest.Git(t, dir, "checkout", "--quiet", "main")
	sitetest.WriteArchive(t, dir, "-- content/briefs/2025/merged-meanwhile.md --\n---\ntitle: Merged meanwhile\ndate: 2025-03-01\nsummary: Another pull request.\ntlp: clear\n---\n")
	sitetest.Commit(t, dir, "Another pull request")
	sitetest.Git(t, dir, "checkout", "--quiet", "add-brief")
	return dir
}

func TestCheckChangedAnnotatesAndSummarizesAPullRequest(t *testing.T) {
	dir := prRepo(t)
	out, errOut, err := run(t, "check", "-s", dir, "--changed", "main", "--format", "github")
	if exitCode(err) != 1 {
		t.Fatalf("exit code %d, want 1 (err %v)\n%s%s", exitCode(err), err, out, errOut)
	}
	annotations, summary, ok := strings.Cut(out, "\n\n")
	if !ok {
		t.Fatalf("no summary after the annotations:\n%s", out)
	}
	want := strings.Join([]string{
		`::error file=content/briefs/2025/water-utility-edge-intrusions.md,line=10,title=attribution[0].actor::attribution[0].actor: "Volt Typhon" is not a known actor; did you mean "Volt Typhoon"? (if it is a different actor, add "Volt Typhon" to distinct:)`,
		`::error file=content/briefs/2025/water-utility-edge-intrusions.md,line=13,title=sector::sector: unknown key "sector"; did you mean "sectors"?`,
	}, "\n")
	if annotations != want {
		t.Errorf("annotations:\n%s\nwant only the changed brief's:\n%s", annotations, want)
	}
	for _, line := range []string{
		"## Brief changes against `main`\n",
		"| added | **Edge intrusions at two water utilities**<br>`content/briefs/2025/water-utility-edge-intrusions.md` | 2025-03-04 | TLP:GREEN | 2 errors |\n",
		"**New actor and malware pages**\n\n",
		"- actor **Volt Typhon**: no public page (only briefs above TLP:CLEAR name it), possible duplicate of **Volt Typhoon**\n",
		"- malware family **KV-botnets**: no public page (only briefs above TLP:CLEAR name it), possible duplicate of **KV-botnet**\n",
		"- **Sources:** Example Water ISAC\n",
		"**New ATT&CK techniques**\n\n- T1021.006 Remote Services: Windows Remote Management\n",
		"**TLP:** 1 green. Only TLP:CLEAR briefs are published on the public site.\n",
		"**Check:** 2 errors.\n",
	} {
		if !strings.Contains(summary, line) {
			t.Errorf("summary lacks\n%s\nin\n%s", line, summary)
		}
	}
	// T1133 and US are already in the example content; the brief merged on
	// main meanwhile is not part of this change.
	for _, not := range []string{"T1133", "United States", "Merged meanwhile", "removed"} {
		if strings.Contains(summary, not) {
			t.Errorf("summary mentions %q:\n%s", not, summary)
		}
	}
	if !strings.Contains(errOut, "(1 changed since main): 2 error(s), 0 warning(s)") {
		t.Errorf("stderr: %s", errOut)
	}
}

// In a workflow the summary goes to $GITHUB_STEP_SUMMARY, appended to what
// earlier steps wrote; the log keeps only the annotations.
func TestCheckChangedAppendsTheSummaryToAFile(t *testing.T) {
	dir := prRepo(t)
	file := filepath.Join(t.TempDir(), "step-summary.md")
	os.WriteFile(file, []byte("earlier step\n"), 0o644)
	out, _, err := run(t, "check", "-s", dir, "--changed", "main", "--format", "github", "--summary", file)
	if exitCode(err) != 1 {
		t.Fatalf("exit code %d, want 1", exitCode(err))
	}
	if strings.Contains(out, "## Brief changes") || strings.Count(out, "\n") != 2 {
		t.Errorf("stdout holds more than the two annotations:\n%s", out)
	}
	data, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(data), "earlier step\n## Brief changes against `main`\n") {
		t.Errorf("summary file:\n%s", data)
	}
	if _, _, err := run(t, "check", "-s", dir, "--summary", file); err == nil || !strings.Contains(err.Error(), "--summary needs --changed") {
		t.Errorf("--summary without --changed: %v", err)
	}
}
