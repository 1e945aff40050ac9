package attackstix_test

import (
	"bytes"
	"encoding/json"
	"flag"
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
	c, err := attackstix.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// open serves the three ATT&CK tables from files and an empty sector list,
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
	if c.Version != "99.2" || c.Revoked != 1 || c.Deprecated != 3 {
		t.Errorf("version %q, revoked %d, deprecated %d; want 99.2, 1, 3", c.Version, c.Revoked, c.Deprecated)
	}
	for _, w := range []string{
		`attack-pattern "Mobile Only": not in the enterprise-attack domain`,
		`technique T1490 "Wrong Flag": x_mitre_is_subtechnique is true but the ID says otherwise`,
		`sub-technique T1566.001: its parent T1566 is not current`,
		`technique T1999: tactic "old-tactic" is not a current tactic; left out`,
		`technique T1999 "Only Deprecated Tactic": no mitre-attack kill chain phase; dropped`,
		`mitigation "PowerShell Mitigation" (course-of-action--00000000-0000-4000-8000-00000000c004): no M0000 ID`,
		`tactic TA0040 is in no matrix; listed after those that are`,
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
}

// A bundle made from the shipped tables parses back into exactly those
// tables: the writer's format is the one vocab embeds.
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
	objs = append(objs, map[string]any{"type": "x-mitre-collection", "id": "x-mitre-collection--1", "x_mitre_version": v.AttackVersion})
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
	data, err := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--1", "objects": objs})
	if err != nil {
		t.Fatal(err)
	}
	c, err := attackstix.Parse(bytes.NewReader(data))
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
		`{"type": "bundle", "objects": [{"type": "x-mitre-collection", "x_mitre_version": "15.1"}]}`: "no current tactics",
		`{"type": "bundle", "objects": [{"type": "x-mitre-collection", "x_mitre_version": "v15"}]}`:  "not a version number",
	} {
		_, err := attackstix.Parse(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%s) = %v, want an error containing %q", in, err, want)
		}
	}
}
