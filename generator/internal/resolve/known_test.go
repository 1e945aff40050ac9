package resolve_test

import (
	"cmp"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// profiles is a library's actor profiles: Sandworm Team names its ATT&CK
// ID and some of ATT&CK's aliases (with who coined them); Volt Typhoon names
// no ID; Phantom Panda is in no catalogue but claims Voodoo Bear, one of
// Sandworm Team's ATT&CK aliases.
func profiles() []brief.Profile {
	return []brief.Profile{
		{File: "content/actors/sandworm-team/_index.md", Kind: "actors", Slug: "sandworm-team", Title: "Sandworm Team",
			Synonyms:    []brief.Synonym{{Name: "APT44", By: "Mandiant"}, {Name: "Seashell Blizzard", By: "Microsoft"}},
			ExternalIDs: []brief.ExternalID{{Source: "mitre", ID: "G0034"}}},
		{File: "content/actors/volt-typhoon/_index.md", Kind: "actors", Slug: "volt-typhoon", Title: "Volt Typhoon",
			Synonyms: []brief.Synonym{{Name: "Vanguard Panda", By: "CrowdStrike"}}},
		{File: "content/actors/phantom-panda/_index.md", Kind: "actors", Slug: "phantom-panda", Title: "Phantom Panda",
			Synonyms: []brief.Synonym{{Name: "Voodoo Bear", By: "a vendor that reused the name"}}},
		{File: "content/malware/notpetya/_index.md", Kind: "malware", Slug: "notpetya", Title: "NotPetya",
			Synonyms: []brief.Synonym{{Name: "ExPetr", By: "Kaspersky"}}},
	}
}

// Every name of an actor or malware, as ATT&CK, a profile or an author
// writes it, reaches one term; near misses are errors that say what was
// meant.
func TestKnownNames(t *testing.T) {
	t.Parallel()
	r := newResolver(t, profiles())
	for _, tc := range []struct {
		kind, value string
		name        string // the term's name; "" for the name as written
		attack      string // its ATT&CK ID
		profiled    bool
		problem     string // "" when fine
	}{
		// Profile names, ATT&CK's names and aliases, and those differing only
		// in case, spacing, punctuation or "Team".
		{kind: "actors", value: "Sandworm Team", name: "Sandworm Team", attack: "G0034", profiled: true},
		{kind: "actors", value: "Sandworm", name: "Sandworm Team", attack: "G0034", profiled: true},
		{kind: "actors", value: "APT44", name: "Sandworm Team", attack: "G0034", profiled: true},
		{kind: "actors", value: "APT 44", name: "Sandworm Team", attack: "G0034", profiled: true},
		{kind: "actors", value: "seashell-blizzard", name: "Sandworm Team", attack: "G0034", profiled: true},
		{kind: "actors", value: "FROZENBARENTS", name: "Sandworm Team", attack: "G0034", profiled: true},
		{kind: "actors", value: "the Sandworm group", name: "Sandworm Team", attack: "G0034", profiled: true},
		// A profile wins over ATT&CK for its own names.
		{kind: "actors", value: "Voodoo Bear", name: "Phantom Panda", profiled: true},
		// A profile without an ID describes the group its title names.
		{kind: "actors", value: "Volt Typhoon", name: "Volt Typhoon", attack: "G1017", profiled: true},
		{kind: "actors", value: "Voltzite", name: "Volt Typhoon", attack: "G1017", profiled: true},
		// ATT&CK groups without a profile.
		{kind: "actors", value: "Salt Typhoon Group", name: "Salt Typhoon", attack: "G1045"},
		{kind: "actors", value: "the Lazarus group", name: "Lazarus Group", attack: "G0032"},
		{kind: "actors", value: "Diamond Sleet", name: "Lazarus Group", attack: "G0032"},
		{kind: "actors", value: "APT 29", name: "APT29", attack: "G0016"},
		// A revoked group's name leads to its replacement.
		{kind: "actors", value: "Charming Kitten", name: "Magic Hound", attack: "G0059"},
		// Names that are none of these.
		{kind: "actors", value: "APT99"},
		{kind: "actors", value: "Storm-9999"},
		{kind: "actors", value: "Suspected U.S. Intelligence Agency"},
		// Near misses.
		{kind: "actors", value: "Volt Typhon", problem: `"Volt Typhon" is not a known actor; did you mean "Volt Typhoon"? (if it is a different actor, add "Volt Typhon" to distinct:)`},
		{kind: "actors", value: "Volt Typhoon cluster", problem: `"Volt Typhoon cluster" is not a known actor; did you mean "Volt Typhoon"? (if it is a different actor, add "Volt Typhoon cluster" to distinct:)`},
		{kind: "actors", value: "Sandwrm Team", problem: `"Sandwrm Team" is not a known actor; did you mean "Sandworm Team"? (if it is a different actor, add "Sandwrm Team" to distinct:)`},
		{kind: "actors", value: "Lazarous Group", problem: `"Lazarous Group" is not a known actor; did you mean "Lazarus Group"? (if it is a different actor, add "Lazarous Group" to distinct:)`},
		{kind: "actors", value: "Scattered", problem: `"Scattered" is not a known actor; did you mean "Scattered Spider"? (if it is a different actor, add "Scattered" to distinct:)`},
		{kind: "actors", value: "UAC-0056", problem: `"UAC-0056" is an ATT&CK alias of "Ember Bear" (G1003) or "Saint Bear" (G1031); name the actor meant (if it is another one, add "UAC-0056" to distinct:)`},

		// Malware: a profile, ATT&CK's software, filler words.
		{kind: "malware", value: "Nyetya", name: "NotPetya", attack: "S0368", profiled: true},
		{kind: "malware", value: "NotPetya ransomware", name: "NotPetya", attack: "S0368", profiled: true},
		{kind: "malware", value: "mimikatz", name: "Mimikatz", attack: "S0002"},
		{kind: "malware", value: "Remcos RAT", name: "Remcos", attack: "S0332"},
		{kind: "malware", value: "Petya"},
		{kind: "malware", value: "Unnamed backdoor"},
		{kind: "malware", value: "Mimikats", problem: `"Mimikats" is not a known malware family; did you mean "Mimikatz"? (if it is a different malware family, add "Mimikats" to distinct:)`},
		{kind: "malware", value: "Cobalt Strike Beacon", problem: `"Cobalt Strike Beacon" is not a known malware family; did you mean "Cobalt Strike"? (if it is a different malware family, add "Cobalt Strike Beacon" to distinct:)`},
		{kind: "malware", value: "LockBit 3", problem: `"LockBit 3" is not a known malware family; did you mean "LockBit 3.0"? (if it is a different malware family, add "LockBit 3" to distinct:)`},
	} {
		term, is := r.Resolve(kind(t, tc.kind), tc.value)
		got := ""
		if !is.OK {
			got = is.Message
			if is.Severity != diag.Error || !is.NearMiss {
				t.Errorf("%q: severity %v, near miss %v; want an error the brief can waive", tc.value, is.Severity, is.NearMiss)
			}
		}
		if got != tc.problem {
			t.Errorf("%s %q:\n got %s\nwant %s", tc.kind, tc.value, got, tc.problem)
			continue
		}
		want := cmp.Or(tc.name, tc.value)
		id := ""
		if term.Attack != nil {
			id = term.Attack.ID
		}
		if term.Name != want || id != tc.attack || (term.Profile != nil) != tc.profiled {
			t.Errorf("%s %q resolved to %q (ATT&CK %q, profiled %v); want %q (%q, %v)", tc.kind, tc.value, term.Name, id, term.Profile != nil, want, tc.attack, tc.profiled)
		}
		if term.Key != vocab.Norm(want) {
			t.Errorf("%q: key %q, want %q", tc.value, term.Key, vocab.Norm(want))
		}
	}
}

// Every name and alias ATT&CK gives resolves, without a problem, to the
// object that has it (aliases two objects share excepted): known names are
// never near misses of each other.
func TestEveryAttackNameResolves(t *testing.T) {
	t.Parallel()
	v := defaultVocab(t)
	r := newResolver(t, nil)
	shared := map[string]int{}
	for _, n := range append(v.Groups(), v.Software()...) {
		for _, a := range n.Aliases {
			shared[vocab.Norm(a)]++
		}
	}
	for kindName, catalog := range map[string][]*vocab.Named{"actors": v.Groups(), "malware": v.Software()} {
		k := kind(t, kindName)
		for _, n := range catalog {
			for i, name := range append([]string{n.Name}, n.Aliases...) {
				if i > 0 && shared[vocab.Norm(name)] > 1 {
					continue
				}
				term, is := r.Resolve(k, name)
				if !is.OK {
					t.Errorf("%s %q (%s): %s", kindName, name, n.ID, is.Message)
				} else if term.Attack == nil {
					t.Errorf("%s %q (%s) resolved to %q, outside ATT&CK", kindName, name, n.ID, term.Name)
				}
			}
		}
	}
}

// A profile's mitre ID links it to ATT&CK; a retired, unknown or taken ID
// is reported where it is written.
func TestProfileAttackIDs(t *testing.T) {
	t.Parallel()
	ps := []brief.Profile{
		{File: "content/actors/a/_index.md", Kind: "actors", Slug: "a", Title: "Alpha", ExternalIDs: []brief.ExternalID{{Source: "mitre", ID: "G0118"}}},
		{File: "content/actors/b/_index.md", Kind: "actors", Slug: "b", Title: "Bravo", ExternalIDs: []brief.ExternalID{{Source: "mitre", ID: "G0016"}}},
		{File: "content/actors/c/_index.md", Kind: "actors", Slug: "c", Title: "Charlie", ExternalIDs: []brief.ExternalID{{Source: "mitre", ID: "G0016"}}},
		{File: "content/actors/d/_index.md", Kind: "actors", Slug: "d", Title: "Delta", ExternalIDs: []brief.ExternalID{{Source: "mitre", ID: "S0368"}}},
	}
	r, diags := resolve.New(defaultVocab(t), ps)
	var got []string
	for _, d := range diags.Items() {
		got = append(got, d.String())
	}
	version := r.Vocab().AttackVersion
	want := []string{
		"content/actors/a/_index.md:1: warning: external_ids.mitre: G0118 (UNC2452) was revoked: ATT&CK v" + version + " replaced it with G0016 (APT29); use that",
		"content/actors/c/_index.md:1: external_ids.mitre: G0016 is already the ATT&CK ID of Bravo (content/actors/b/_index.md): one actor, one profile",
		"content/actors/d/_index.md:1: warning: external_ids.mitre: S0368 is not an ATT&CK group ID (ATT&CK v" + version + "); the page links to no ATT&CK group",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// APT29's names reach the profile that gave its ID first.
	if term, _ := r.Resolve(kind(t, "actors"), "Cozy Bear"); term.Name != "Bravo" || term.Attack == nil || term.Attack.ID != "G0016" {
		t.Errorf("Cozy Bear resolved to %q", term.Name)
	}
	// The page lists the profile's synonyms, then ATT&CK's other names.
	term, _ := r.Resolve(kind(t, "actors"), "Bravo")
	aliases := term.Aliases()
	if len(aliases) == 0 || aliases[0] != (brief.Synonym{Name: "APT29", By: resolve.AttackBy}) {
		t.Errorf("Bravo's aliases start %v; want ATT&CK's name APT29 first", aliases[:min(3, len(aliases))])
	}
}

// distinct: waives a near miss in the brief that lists it, and only that.
func TestDistinct(t *testing.T) {
	t.Parallel()
	r := newResolver(t, profiles())
	actors := kind(t, "actors")
	_, is := r.Resolve(actors, "Volt Typhon")
	b := &brief.Brief{Lists: map[string][]string{"actors": {"Volt Typhon", "Sandworm"}, "malware": {"Mimikats"}}, Distinct: []string{"volt typhon", "Sandworm", "Nobody"}}
	if !r.Excused(b, is, "Volt Typhon") {
		t.Error("distinct: does not waive the near miss it lists")
	}
	if _, mal := r.Resolve(kind(t, "malware"), "Mimikats"); r.Excused(b, mal, "Mimikats") {
		t.Error("a near miss distinct: does not list is waived")
	}
	if _, bad := r.Resolve(kind(t, "techniques"), "T9999"); r.Excused(&brief.Brief{Distinct: []string{"T9999"}}, bad, "T9999") {
		t.Error("distinct: waives an unknown technique")
	}
	var got []string
	for _, f := range r.Distinct(b) {
		got = append(got, f.Path+": "+f.Issue.Message)
	}
	want := []string{
		`distinct[1]: "Sandworm" is the actor "Sandworm Team", not a near miss of it; remove it from distinct: (only a profile of its own makes it a different actor)`,
		`distinct[2]: "Nobody" is not one of the actors or malware this brief names; distinct: lists those that are not the known one they are spelled like`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("distinct findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
