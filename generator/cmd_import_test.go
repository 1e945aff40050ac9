package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab/attackstix"
)

// sharedReport is the report the issue ships, in the format teams receive.
func sharedReport(t *testing.T) string {
	t.Helper()
	p := filepath.Join(sitetest.RepoRoot(t), "generator", "internal", "importer", "testdata", "reports", "cncert-shared.txt")
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

const sharedSlug = "chinese-cyber-center-points-finger-at-u-s-over-alleged"

func TestImportWritesABriefThatChecks(t *testing.T) {
	dir := sitetest.Project(t, "")
	out, errOut, err := run(t, "import", "-s", dir, "--date", "2024-12-18", sharedReport(t))
	if err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	rel := filepath.Join("content", "briefs", "2024", sharedSlug+".md")
	for _, want := range []string{
		filepath.Join(dir, rel),
		"  mapped:\n", "    techniques       T1190  (Exploit Public-Facing Application: ",
		"  not mapped:\n", `    malware          "Trojans": a generic word, not a family name`,
		"  check: no problems\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("\ndate: 2024-12-18  #")) {
		t.Error("the brief does not carry the --date")
	}
	if out, _, err := run(t, "check", "-s", dir); err != nil {
		t.Errorf("check on the imported brief failed: %v\n%s", err, out)
	}

	// Never overwritten without --force.
	os.WriteFile(filepath.Join(dir, rel), []byte("edited by hand"), 0o644)
	out, _, err = run(t, "import", "-s", dir, "--date", "2024-12-18", sharedReport(t))
	if exitCode(err) != 1 || !strings.Contains(out, "exists; pass --force to overwrite it") {
		t.Errorf("a second import did not refuse: %v\n%s", err, out)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, rel)); string(got) != "edited by hand" {
		t.Error("the existing brief was changed")
	}
	if _, _, err := run(t, "import", "-s", dir, "--date", "2024-12-18", "--force", sharedReport(t)); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, rel)); !bytes.Equal(got, data) {
		t.Error("--force did not rewrite the brief")
	}
}

func TestImportWithoutDateSaysToPassDate(t *testing.T) {
	dir := sitetest.Project(t, "")
	out, _, err := run(t, "import", "-s", dir, sharedReport(t))
	if exitCode(err) != 1 {
		t.Fatalf("exit %d, want 1", exitCode(err))
	}
	if !strings.Contains(out, "the report gives no publication date; pass --date YYYY-MM-DD") {
		t.Errorf("the error does not say to pass --date:\n%s", out)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "content", "briefs", "*", "*.md")); len(matches) > 0 {
		t.Errorf("a brief was written: %v", matches)
	}
}

// A directory imports every report in it; --out - writes the briefs to
// standard output and the reports to standard error.
func TestImportDirectoryToStdout(t *testing.T) {
	dir := filepath.Join(sitetest.RepoRoot(t), "generator", "internal", "importer", "testdata", "reports")
	out, errOut, err := run(t, "import", "-s", t.TempDir(), "--date", "2024-12-18", "--out", "-", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if n := strings.Count(out, "\n# Imported from "); n != len(names) {
		t.Errorf("%d briefs on stdout, want %d", n, len(names))
	}
	if strings.Contains(out, "\n  mapped:\n") || !strings.Contains(errOut, "\n  mapped:\n") {
		t.Error("the mapping reports are not on stderr alone")
	}
	if !strings.Contains(errOut, fmt.Sprintf("%d report(s) imported, 0 failed", len(names))) {
		t.Errorf("no summary line:\n%s", errOut)
	}
}

// Every test report, imported into one project with the profiles the
// golden tests use, passes check with neither error nor warning.
func TestImportedTestReportsPassCheck(t *testing.T) {
	testdata := filepath.Join(sitetest.RepoRoot(t), "generator", "internal", "importer", "testdata")
	profiles, err := os.ReadFile(filepath.Join(testdata, "profiles.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := sitetest.Project(t, string(profiles))
	if out, errOut, err := run(t, "import", "-s", dir, "--date", "2024-12-18", filepath.Join(testdata, "reports")); err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err := run(t, "check", "-s", dir)
	if err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("check: %v\n%s%s", err, out, errOut)
	}
	names, _ := filepath.Glob(filepath.Join(testdata, "reports", "*.txt"))
	if !strings.Contains(errOut, fmt.Sprintf("%d briefs checked: 0 error(s), 0 warning(s)", len(names))) {
		t.Errorf("check summary: %s", errOut)
	}
}

func TestAttackUpdateFromFixture(t *testing.T) {
	root := sitetest.RepoRoot(t)
	fixture := filepath.Join(root, "generator", "internal", "vocab", "attackstix", "testdata", "mini-enterprise-attack.json")
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "sectors.tsv"), []byte("Energy\tenergy\t\n"), 0o644)
	stdout, stderr, err := run(t, "attack-update", "--out", out, fixture)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "ATT&CK Enterprise v99.2 (STIX 2.1): 4 tactics, 8 techniques (3 sub-techniques), 2 mitigations, 3 groups, 3 software; 5 revoked and 4 deprecated objects, 8 of them kept as retired IDs") {
		t.Errorf("summary:\n%s", stdout)
	}
	if !strings.Contains(stderr, "not in the enterprise-attack domain") {
		t.Errorf("the dropped objects are not reported:\n%s", stderr)
	}
	for _, name := range attackstix.FileNames() {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(root, "generator", "internal", "vocab", "attackstix", "testdata", "mini", name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the fixture's expected table", name)
		}
	}
	// A second run against the written tables reports no change.
	stdout, _, err = run(t, "attack-update", "--out", out, "--dry-run", fixture)
	if err != nil || strings.Contains(stdout, "added") || strings.Contains(stdout, "removed") {
		t.Errorf("a repeated update reports changes: %v\n%s", err, stdout)
	}
	if _, _, err := run(t, "attack-update", "--out", out, filepath.Join(root, "go.mod")); err == nil {
		t.Error("a file that is not a STIX bundle was accepted")
	}
}

func TestImportAndAttackUpdateHaveHelp(t *testing.T) {
	for _, cmd := range []string{"import", "attack-update"} {
		out, _, err := run(t, cmd, "-h")
		if err != nil || !strings.Contains(out, "Usage:") {
			t.Errorf("%s -h: %v\n%s", cmd, err, out)
		}
	}
}

// The shared report, imported into a copy of the example site (without the
// hand-written brief about the same events), builds and cross-links with
// the existing briefs both ways.
func TestImportedBriefCrossLinks(t *testing.T) {
	dir := sitetest.Project(t, repoContent(t, cncertBrief))
	if out, errOut, err := run(t, "import", "-s", dir, "--date", "2024-12-18", sharedReport(t)); err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	if _, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, BaseURL: "https://briefs.test/"}); err != nil {
		t.Fatalf("build: %v", err)
	}
	brief := "/briefs/" + sharedSlug + "/"
	got := pageLinks(t, dir, brief)
	for _, term := range []string{
		"/actors/suspected-u-s-intelligence-agency/", "/sectors/energy/", "/sectors/research/", "/sectors/technology/",
		"/countries/cn/", "/techniques/t1190/", "/mitigations/m1051/", "/sources/cyberscoop/",
	} {
		if !slices.Contains(got, term) {
			t.Errorf("%s does not link to %s", brief, term)
		}
		if back := pageLinks(t, dir, term); !slices.Contains(back, brief) {
			t.Errorf("%s does not link back to %s", term, brief)
		}
	}
	// The sector and technique pages join it to the briefs already there.
	for term, existing := range map[string]string{
		"/sectors/energy/":   "/briefs/volt-typhoon-prepositioning-us-critical-infrastructure/",
		"/techniques/t1190/": "/briefs/hafnium-exchange-proxylogon-zero-days/",
	} {
		if back := pageLinks(t, dir, term); !slices.Contains(back, existing) {
			t.Errorf("%s does not list the existing brief %s next to the imported one", term, existing)
		}
	}
	// The actor's profile (written for the hand-made brief) is reused, not split.
	if _, err := os.Stat(filepath.Join(dir, "public", "actors", "suspected-u-s-intelligence-agency", "index.html")); err != nil {
		t.Error(err)
	}
}

// cncertBrief is the library's brief on the shared report's story.
const cncertBrief = "content/briefs/2024/cncert-alleges-us-intrusions-chinese-tech-firms.md"

// repoContent is the repository's content/ as a txtar archive for
// sitetest.Project, without the file skip (a slash path; "" for none).
func repoContent(t *testing.T, skip string) string {
	t.Helper()
	root := sitetest.RepoRoot(t)
	var archive strings.Builder
	err := filepath.WalkDir(filepath.Join(root, "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if filepath.ToSlash(rel) == skip {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		archive.WriteString("-- " + filepath.ToSlash(rel) + " --\n")
		archive.Write(data)
		if !bytes.HasSuffix(data, []byte("\n")) {
			archive.WriteString("\n")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return archive.String()
}

// The shared report imported into a copy of the library (which has a
// brief on the same story): the import names that brief, and the new brief
// (names for terms, several techniques, each with its phrase) passes check.
func TestImportSharedReportIntoTheLibrary(t *testing.T) {
	dir := sitetest.Project(t, repoContent(t, ""))
	out, errOut, err := run(t, "import", "-s", dir, "--date", "2024-12-18", sharedReport(t))
	if err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{
		"  warnings:\n    brief            the library may already have this story: " + cncertBrief,
		"    sources          CyberScoop has no URL",
		"  check: no problems\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "content", "briefs", "2024", sharedSlug+".md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("# WARNING: the library may already have this story:\n# "+cncertBrief)) {
		t.Error("the brief does not carry the warning")
	}
	techniques := regexp.MustCompile(`(?m)^  - (T\d{4}(?:\.\d{3})?)  # [^"]+: "`).FindAllSubmatch(data, -1)
	if len(techniques) < 2 {
		t.Errorf("%d techniques with their phrases, want more than one:\n%s", len(techniques), data)
	}
	out, errOut, err = run(t, "check", "-s", dir)
	if err != nil || !regexp.MustCompile(`\d+ briefs checked: 0 error\(s\), 0 warning\(s\)`).MatchString(errOut) {
		t.Errorf("check: %v\n%s%s", err, out, errOut)
	}
}

// pageLinks returns the site paths an HTML page links to.
func pageLinks(t *testing.T, dir, sitePath string) []string {
	return sitetest.PageLinks(t, filepath.Join(dir, "public"), sitePath, "briefs.test")
}
