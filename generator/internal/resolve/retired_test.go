package resolve_test

import (
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

func defaultVocab(t *testing.T) *vocab.Vocab {
	t.Helper()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func kind(t *testing.T, name string) taxonomy.Kind {
	t.Helper()
	k, ok := taxonomy.Kinds().Lookup(name)
	if !ok {
		t.Fatalf("no kind %s", name)
	}
	return k
}

func newResolver(t *testing.T, ps []brief.Profile) *resolve.Resolver {
	t.Helper()
	r, diags := resolve.New(defaultVocab(t), ps)
	if n := diags.ErrorCount(); n > 0 {
		t.Fatalf("profiles: %v", diags.Items())
	}
	return r
}

// Revoked and deprecated IDs are errors that say what replaced them; the
// IDs and names ATT&CK v18 added resolve.
func TestRetiredAndNewTechniques(t *testing.T) {
	t.Parallel()
	r := newResolver(t, nil)
	v := r.Vocab()
	techniques, mitigations := kind(t, "techniques"), kind(t, "mitigations")
	for _, tc := range []struct {
		k              taxonomy.Kind
		value, problem string
		name           string
	}{
		{k: techniques, value: "T1667", name: "Email Bombing"},
		{k: techniques, value: "T1672", name: "Email Spoofing"},
		{k: techniques, value: "t1675", name: "ESXi Administration Command"},
		{k: techniques, value: "T1219", name: "Remote Access Tools"},
		{k: techniques, value: "Remote Access Tools", name: "Remote Access Tools"},
		{k: techniques, value: "T1574.001", name: "Hijack Execution Flow: DLL"},
		{k: techniques, value: "T1574.002", problem: "T1574.002 (DLL Side-Loading) was revoked: ATT&CK v" + v.AttackVersion + " replaced it with T1574.001 (Hijack Execution Flow: DLL); use that"},
		{k: techniques, value: "Hijack Execution Flow: DLL Side-Loading", problem: `"Hijack Execution Flow: DLL Side-Loading" (T1574.002) was revoked: ATT&CK v` + v.AttackVersion + " replaced it with T1574.001 (Hijack Execution Flow: DLL); use that"},
		{k: techniques, value: "T1150", problem: "T1150 (Plist Modification) was revoked: ATT&CK v" + v.AttackVersion + " replaced it with T1647 (Plist File Modification); use that"},
		{k: techniques, value: "t1064", problem: "T1064 (Scripting) is deprecated: no longer in ATT&CK v" + v.AttackVersion},
		{k: techniques, value: "T9999", problem: "T9999 is not an ATT&CK Enterprise technique (ATT&CK v" + v.AttackVersion + ")"},
		{k: mitigations, value: "M1060", name: "Out-of-Band Communications Channel"},
	} {
		term, is := r.Resolve(tc.k, tc.value)
		got := ""
		if !is.OK {
			got = is.Message
			if is.Severity != diag.Error || is.NearMiss {
				t.Errorf("%q: severity %v, near miss %v; want an error no brief can waive", tc.value, is.Severity, is.NearMiss)
			}
		}
		if got != tc.problem {
			t.Errorf("%q:\n got %s\nwant %s", tc.value, got, tc.problem)
		}
		if tc.name != "" && term.Name != tc.name {
			t.Errorf("%q is named %q, want %q", tc.value, term.Name, tc.name)
		}
	}
}
