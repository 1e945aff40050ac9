package attackstix_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab/attackstix"
)

var update = flag.Bool("update", false, "rewrite testdata/mini/*.tsv")

func parseFile(t *testing.T, name string) *attackstix.Catalog {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := attackstix.Parse(f, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// open serves the ATT&CK tables from files and an empty sector list,
// the way vocab.New wants them.
func open(files map[string][]byte) func(string) (io.ReadCloser, error) {
	return func(name string) (io.ReadCloser, error) {
		if name == "sectors.tsv" {
			return io.NopCloser(strings.NewReader("")), nil
		}
		data, ok := files[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
}

func TestMiniBundle(t *testing.T) {
	c := parseFile(t, filepath.Join("testdata", "mini-enterprise-attack.json"))
	files := c.Files()
	for name, got := range files {
		golden := filepath.Join("testdata", "mini", name)
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got:\n%s\nwant:\n%s", name, got, want)
		}
	}
	if c.Version != "99.2" || c.Spec != "2.1" || c.Revoked != 5 || c.Deprecated != 4 {
		t.Errorf("version %q, STIX %s, revoked %d, deprecated %d; want 99.2, 2.1, 5, 4", c.Version, c.Spec, c.Revoked, c.Deprecated)
	}
	for _, w := range []string{
		`attack-pattern "Mobile Only": not in the enterprise-attack domain`,
		`technique T1490 "Wrong Flag": x_mitre_is_subtechnique is true but the ID says otherwise`,
		`sub-technique T1566.001: its parent T1566 is not current`,
		`technique T1999: tactic "old-tactic" is not a current tactic; left out`,
		`technique T1999 "Only Deprecated Tactic": no mitre-attack kill chain phase; dropped`,
		`mitigation "PowerShell Mitigation" (course-of-action--00000000-0000-4000-8000-00000000c004): no M0000 ID`,
		`tactic TA0040 is in no matrix; listed after those that are`,
		`group "No ID Group" (intrusion-set--00000000-0000-4000-8000-00000000g006): no G0000 ID or name`,
		`malware "Mobile Malware": not in the enterprise-attack domain`,
		`G0034: alias "Bad|Alias" contains |, the table's separator; left out`,
		`attack-pattern T1086 "Revoked Technique" is revoked, but no revoked-by chain leads to a current object`,
	} {
		if !slices.Contains(c.Warnings, w) {
			t.Errorf("no warning %q in\n%s", w, strings.Join(c.Warnings, "\n"))
		}
	}
	// What vocab reads from the tables.
	v, err := vocab.New(open(files))
	if err != nil {
		t.Fatal(err)
	}
	if v.AttackVersion != "99.2" {
		t.Errorf("vocab reads version %q", v.AttackVersion)
	}
	var tactics []string
	for _, ta := range v.Tactics() {
		tactics = append(tactics, ta.ID)
	}
	if got := strings.Join(tactics, " "); got != "TA0043 TA0001 TA0002 TA0040" {
		t.Errorf("tactic order %s, want the matrix order then the rest", got)
	}
	if te, ok := v.ResolveTechnique("Command and Scripting Interpreter: PowerShell"); !ok || te.ID != "T1059.001" {
		t.Errorf("sub-technique by full name: %v %v", te, ok)
	}
	if te, _ := v.Technique("T1659"); !slices.Equal(te.Tactics, []string{"initial-access", "execution"}) {
		t.Errorf("T1659 tactics %v, want kill_chain_phases order without other kill chains", te.Tactics)
	}
	if te, _ := v.Technique("T1486"); te.Name != "Data Encrypted for Impact" {
		t.Errorf("T1486 name %q: tabs and line breaks must not reach the TSV", te.Name)
	}
	for _, gone := range []string{"T1086", "T1064", "T1476", "T1490", "T1999"} {
		if _, ok := v.Technique(gone); ok {
			t.Errorf("%s should have been dropped", gone)
		}
	}
	if _, ok := v.Mitigation("M1006"); ok {
		t.Error("the deprecated mitigation M1006 was kept")
	}
	if len(v.Mitigations()) != 2 {
		t.Errorf("mitigations %v, want M1032 and M1051", v.Mitigations())
	}

	// Groups and software, with ATT&CK's other names for them (not their
	// own name again, no blanks or repeats, one line each).
	var named []string
	for _, n := range append(v.Groups(), v.Software()...) {
		named = append(named, n.ID+" "+n.Type+" "+n.Name+": "+strings.Join(n.Aliases, ", "))
	}
	sameLines(t, "groups and software", named, []string{
		"G0016 group APT29: Cozy Bear, UNC2452",
		"G0034 group Sandworm Team: ELECTRUM, APT44, Seashell Blizzard, Voodoo Bear",
		"G9999 group APT-Test: ",
		"S0002 tool Mimikatz: ",
		"S0368 malware NotPetya: ExPetr, Nyetya",
		"S0508 tool ngrok: ",
	})

	// Retired IDs, each with the current object at the end of its
	// revoked-by chain (T1073 → T1574.002 → T1574.001).
	var retired []string
	for _, r := range v.Retirements() {
		retired = append(retired, fmt.Sprintf("%s %s revoked=%v → %s", r.ID, r.Name, r.Revoked, r.ReplacedBy))
	}
	sameLines(t, "retired", retired, []string{
		"G0014 Night Dragon revoked=false → ",
		"G0118 UNC2452 revoked=true → G0016",
		"M1006 Old Mitigation revoked=false → ",
		"S9000 Ngrok revoked=true → S0508",
		"T1064 Deprecated Technique revoked=false → ",
		"T1073 DLL Side-Loading revoked=true → T1574.001",
		"T1086 Revoked Technique revoked=true → ",
		"T1574.002 DLL Side-Loading revoked=true → T1574.001",
	})
	if r, ok := v.Retirement("t1574.002"); !ok || r.ReplacedBy != "T1574.001" || v.CurrentName(r.ReplacedBy) != "T1574.001 (Hijack Execution Flow: DLL)" {
		t.Errorf("Retirement(t1574.002) = %+v, %v; replacement %q", r, ok, v.CurrentName(r.ReplacedBy))
	}
	if r, ok := v.Retirement("Hijack Execution Flow: DLL Side-Loading"); !ok || r.ID != "T1574.002" {
		t.Errorf("a retired sub-technique by its full old name: %+v, %v", r, ok)
	}
	if _, ok := v.Retirement("Command and Scripting Interpreter"); ok {
		t.Error("a current technique's name is reported as retired")
	}
}

// MITRE's STIX 2.0 bundle (github.com/mitre/cti) has the same objects with
// "spec_version": "2.0" on the bundle and none on the objects, and no
// x-mitre-collection: given the release, the STIX 2.0 fixture (the 2.1 one
// in that form) gives the same tables; without it, Parse asks for it.
func TestSTIX20Bundle(t *testing.T) {
	v20, err := os.ReadFile(filepath.Join("testdata", "mini-enterprise-attack-99.2-stix20.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := attackstix.Parse(bytes.NewReader(v20), "99.2")
	if err != nil {
		t.Fatal(err)
	}
	want := parseFile(t, filepath.Join("testdata", "mini-enterprise-attack.json"))
	if c.Spec != "2.0" {
		t.Errorf("spec %q, want 2.0", c.Spec)
	}
	for name, got := range c.Files() {
		if !bytes.Equal(got, want.Files()[name]) {
			t.Errorf("%s from the STIX 2.0 bundle:\n%s\nwant\n%s", name, got, want.Files()[name])
		}
	}
	if _, err := attackstix.Parse(bytes.NewReader(v20), ""); err == nil || !strings.Contains(err.Error(), "name the ATT&CK release it holds") {
		t.Errorf("a STIX 2.0 bundle without a version: %v", err)
	}
	// A bundle that names its release must agree with the caller.
	f, err := os.Open(filepath.Join("testdata", "mini-enterprise-attack.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := attackstix.Parse(f, "18.1"); err == nil || !strings.Contains(err.Error(), "the bundle's collection says ATT&CK v99.2, not v18.1") {
		t.Errorf("a version that contradicts the collection: %v", err)
	}
}

func TestVersionFromName(t *testing.T) {
	for name, want := range map[string]string{
		"enterprise-attack-18.1.json":                    "18.1",
		"/work/shared/enterprise-attack-18.1-slim.json":  "18.1",
		`C:\Users\a\enterprise-attack-v17.0.1.json`:      "17.0.1",
		"enterprise-attack.json":                         "",
		"https://example.org/cti/enterprise-attack.json": "",
	} {
		if got := attackstix.VersionFromName(name); got != want {
			t.Errorf("VersionFromName(%q) = %q, want %q", name, got, want)
		}
	}
}

func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A bundle made from the shipped tables parses back into exactly those
// tables: the writer's format is the one vocab embeds. The bundle is STIX
// 2.0, as the shipped tables' source (MITRE's cti repository) is.
func TestShippedTablesRoundTrip(t *testing.T) {
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	type ref struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
	}
	type phase struct {
		KillChainName string `json:"kill_chain_name"`
		PhaseName     string `json:"phase_name"`
	}
	var objs []map[string]any
	var tacticRefs []string
	tactics := v.Tactics()
	// Shuffle the bundle order: the matrix, not the bundle, orders tactics.
	for i := len(tactics) - 1; i >= 0; i-- {
		ta := tactics[i]
		objs = append(objs, map[string]any{"type": "x-mitre-tactic", "id": "x-mitre-tactic--" + ta.ID, "name": ta.Name,
			"x_mitre_shortname": ta.Short, "external_references": []ref{{"mitre-attack", ta.ID}}})
	}
	for _, ta := range tactics {
		tacticRefs = append(tacticRefs, "x-mitre-tactic--"+ta.ID)
	}
	objs = append(objs, map[string]any{"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "tactic_refs": tacticRefs})
	// The STIX id of an object, from its ATT&CK ID: a retired piece of
	// software is malware, a current one what the table says.
	stixID := func(id string) string {
		typ := map[byte]string{'T': "attack-pattern", 'M': "course-of-action", 'G': "intrusion-set", 'S': "malware"}[id[0]]
		if n, ok := v.NamedByID(id); ok && id[0] == 'S' {
			typ = n.Type
		}
		return typ + "--" + id
	}
	for _, te := range v.Techniques() {
		var phases []phase
		for _, s := range te.Tactics {
			phases = append(phases, phase{"mitre-attack", s})
		}
		objs = append(objs, map[string]any{"type": "attack-pattern", "id": "attack-pattern--" + te.ID, "name": te.Name,
			"x_mitre_is_subtechnique": te.Parent() != "", "kill_chain_phases": phases,
			"external_references": []ref{{"mitre-attack", te.ID}}})
	}
	for _, m := range v.Mitigations() {
		objs = append(objs, map[string]any{"type": "course-of-action", "id": "course-of-action--" + m.ID, "name": m.Name,
			"external_references": []ref{{"mitre-attack", m.ID}}})
	}
	for _, g := range v.Groups() {
		objs = append(objs, map[string]any{"type": "intrusion-set", "id": "intrusion-set--" + g.ID, "name": g.Name,
			"aliases": append([]string{g.Name}, g.Aliases...), "external_references": []ref{{"mitre-attack", g.ID}}})
	}
	for _, s := range v.Software() {
		objs = append(objs, map[string]any{"type": s.Type, "id": s.Type + "--" + s.ID, "name": s.Name,
			"x_mitre_aliases": append([]string{s.Name}, s.Aliases...), "external_references": []ref{{"mitre-attack", s.ID}}})
	}
	for _, r := range v.Retirements() {
		id := stixID(r.ID)
		objs = append(objs, map[string]any{"type": strings.Split(id, "--")[0], "id": id, "name": r.Name,
			"revoked": r.Revoked, "x_mitre_deprecated": !r.Revoked, "external_references": []ref{{"mitre-attack", r.ID}}})
		if r.ReplacedBy != "" {
			objs = append(objs, map[string]any{"type": "relationship", "id": "relationship--" + r.ID, "relationship_type": "revoked-by",
				"source_ref": id, "target_ref": stixID(r.ReplacedBy)})
		}
	}
	data, err := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--1", "spec_version": "2.0", "objects": objs})
	if err != nil {
		t.Fatal(err)
	}
	c, err := attackstix.Parse(bytes.NewReader(data), v.AttackVersion)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) > 0 {
		t.Errorf("warnings: %v", c.Warnings)
	}
	for name, got := range c.Files() {
		want, err := os.ReadFile(filepath.Join("..", "data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the shipped table (%d vs %d bytes)", name, len(got), len(want))
		}
	}
}

func TestRejects(t *testing.T) {
	for in, want := range map[string]string{
		`not json`:                          "not a STIX bundle",
		`{"type": "indicator"}`:             `type is "indicator"`,
		`{"type": "bundle", "objects": []}`: "no x-mitre-collection",
		`{"type": "bundle", "objects": [{"type": "x-mitre-collection", "x_mitre_version": "15.1"}]}`:                                           "no current tactics",
		`{"type": "bundle", "objects": [{"type": "x-mitre-collection", "x_mitre_version": "v15"}]}`:                                            "not a version number",
		`{"type": "bundle", "spec_version": "2.2", "objects": []}`:                                                                             "STIX 2.2 bundles are not supported",
		`{"type": "bundle", "spec_version": "2.0", "objects": [{"type": "attack-pattern", "id": "attack-pattern--1", "spec_version": "2.1"}]}`: "attack-pattern attack-pattern--1 is STIX 2.1 in a STIX 2.0 bundle",
	} {
		_, err := attackstix.Parse(strings.NewReader(in), "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", in, err, want)
		}
	}
}
