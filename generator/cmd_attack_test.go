package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// MITRE's STIX 2.0 bundle (the cti repository) does not say which release
// it holds: attack-update takes it from --version or from MITRE's file
// name, and asks for it otherwise.
func TestAttackUpdateSTIX20(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "generator", "internal", "vocab", "attackstix", "testdata", "mini-enterprise-attack-99.2-stix20.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"enterprise-attack.json", "enterprise-attack-99.2.json"} {
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}

	out := t.TempDir()
	_, _, err = run(t, "attack-update", "--out", out, filepath.Join(dir, "enterprise-attack.json"))
	if err == nil || !strings.Contains(err.Error(), "name the ATT&CK release it holds") {
		t.Errorf("a STIX 2.0 bundle without a release: %v", err)
	}
	for _, args := range [][]string{
		{"--version", "99.2", filepath.Join(dir, "enterprise-attack.json")},
		{filepath.Join(dir, "enterprise-attack-99.2.json")},
	} {
		stdout, stderr, err := run(t, append([]string{"attack-update", "--out", out, "--dry-run"}, args...)...)
		if err != nil || !strings.Contains(stdout, "ATT&CK Enterprise v99.2 (STIX 2.0): 4 tactics, 8 techniques (3 sub-techniques), 2 mitigations, 3 groups, 3 software") {
			t.Errorf("attack-update %s: %v\n%s%s", strings.Join(args, " "), err, stdout, stderr)
		}
	}
}
