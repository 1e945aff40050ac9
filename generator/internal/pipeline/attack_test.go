package pipeline_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// check runs pipeline.Check on a project and returns its diagnostics as
// check prints them.
func check(t *testing.T, dir string) []string {
	t.Helper()
	c, err := pipeline.Check(pipeline.Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range c.Diagnostics.Items() {
		out = append(out, d.String())
	}
	return out
}

// mustNotBuild asserts that build refuses a project check has errors in.
func mustNotBuild(t *testing.T, dir string) {
	t.Helper()
	_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir})
	if !errors.Is(err, pipeline.ErrInvalid) {
		t.Errorf("build: %v; want it refused as invalid, as check says", err)
	}
}

func read(t *testing.T, dir, sitePath string) string {
	t.Helper()
	data, err := os.ReadFile(page(dir, sitePath))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Techniques ATT&CK added in v17 and v18 pass check, with their current
// names; a revoked one fails with its replacement named, in check and build.
func TestATTACKv18Techniques(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "attack.txtar"))
	if d := check(t, dir); len(d) != 0 {
		t.Fatalf("check of T1667, T1672 and T1675:\n%s", strings.Join(d, "\n"))
	}
	build(t, dir)
	for p, name := range map[string]string{"/techniques/t1667/": "Email Bombing", "/techniques/t1672/": "Email Spoofing", "/techniques/t1675/": "ESXi Administration Command"} {
		if s := read(t, dir, p); !strings.Contains(s, name) {
			t.Errorf("%s does not name %s", p, name)
		}
	}
	if footer := read(t, dir, "/"); !strings.Contains(footer, "Enterprise v18.1") {
		t.Error("the footer does not give the ATT&CK version the site is checked against")
	}

	sitetest.WriteArchive(t, dir, "-- content/briefs/2024/sideload.md --\n---\ntitle: Side-loading\ndate: 2024-07-01\nsummary: s\ntlp: clear\ntechniques: [T1574.002, T1064]\n---\n")
	want := []string{
		"content/briefs/2024/sideload.md:6: techniques[0]: T1574.002 (DLL Side-Loading) was revoked: ATT&CK v18.1 replaced it with T1574.001 (Hijack Execution Flow: DLL); use that",
		"content/briefs/2024/sideload.md:6: techniques[1]: T1064 (Scripting) is deprecated: no longer in ATT&CK v18.1",
	}
	if got := check(t, dir); !slices.Equal(got, want) {
		t.Errorf("check:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	mustNotBuild(t, dir)
}

// Sandworm, APT44 and Seashell Blizzard in three briefs build one actor
// page: the profile's, which shows the ATT&CK ID, links to ATT&CK and lists
// the names with who coined them. Without the profile, the page is ATT&CK's
// group's, at the slug of its name.
func TestActorAliasesBuildOnePage(t *testing.T) {
	for _, profiled := range []bool{true, false} {
		t.Run(map[bool]string{true: "profile", false: "ATT&CK only"}[profiled], func(t *testing.T) {
			dir := sitetest.Project(t, sitetest.ReadArchive(t, "attack.txtar"))
			if !profiled {
				if err := os.RemoveAll(filepath.Join(dir, "content", "actors")); err != nil {
					t.Fatal(err)
				}
			}
			res := build(t, dir)
			if actors := res.Index.Terms["actors"]; len(actors) != 1 || actors[0].URL != "/actors/sandworm-team/" {
				t.Fatalf("actor pages %v; want only /actors/sandworm-team/", actors)
			}
			for _, b := range []string{"/briefs/grid/", "/briefs/hypervisors/", "/briefs/water/"} {
				if !slices.Contains(links(t, page(dir, b)), "/actors/sandworm-team/") {
					t.Errorf("%s does not link to /actors/sandworm-team/", b)
				}
				if !slices.Contains(links(t, page(dir, "/actors/sandworm-team/")), b) {
					t.Errorf("/actors/sandworm-team/ does not link back to %s", b)
				}
			}
			for _, p := range []string{"/actors/sandworm/", "/actors/apt44/", "/actors/seashell-blizzard/"} {
				if _, err := os.Stat(page(dir, p)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s exists beside the one actor page", p)
				}
			}
			s := read(t, dir, "/actors/sandworm-team/")
			want := []string{
				`<h1>Sandworm Team</h1>`,
				`href=https://attack.mitre.org/groups/G0034/`, `ATT&amp;CK G0034</a>`,
				`<td>FROZENBARENTS</td><td>ATT&amp;CK</td>`,
			}
			if profiled {
				want = append(want, `<td>APT44</td><td>Mandiant</td>`, `<td>Seashell Blizzard</td><td>Microsoft</td>`, "Profile text about <strong>Sandworm Team</strong>")
			} else {
				want = append(want, `<td>APT44</td><td>ATT&amp;CK</td>`)
			}
			for _, w := range want {
				if !strings.Contains(s, w) {
					t.Errorf("the actor page lacks %s", w)
				}
			}
			if strings.Count(s, "<td>APT44</td>") != 1 || strings.Contains(s, "<td>Sandworm Team</td>") {
				t.Error("the page lists a name twice, or the actor's own name as an alias")
			}
			// Search finds the actor by ATT&CK's aliases; its index.json
			// gives the ATT&CK ID and every name.
			// (The alias is in a term chunk of the search index, and its
			// token in a shard.)
			chunks, err := filepath.Glob(filepath.Join(dir, "public", "search", "t", "*.js"))
			var search []byte
			for _, c := range chunks {
				b, _ := os.ReadFile(c)
				search = append(search, b...)
			}
			shards, _ := filepath.Glob(filepath.Join(dir, "public", "search", "s", "fr*.js"))
			for _, c := range shards {
				b, _ := os.ReadFile(c)
				search = append(search, b...)
			}
			if err != nil || !strings.Contains(string(search), `"FROZENBARENTS"`) || !strings.Contains(string(search), `frozenbarents:`) && !strings.Contains(string(search), `"frozenbarents":`) {
				t.Errorf("the search index lacks ATT&CK's alias FROZENBARENTS (%v)", err)
			}
			doc, err := os.ReadFile(filepath.Join(dir, "public", "actors", "sandworm-team", "index.json"))
			if err != nil || !strings.Contains(string(doc), `"attack_id":"G0034"`) || !strings.Contains(string(doc), `{"name":"FROZENBARENTS","by":"ATT&CK"}`) {
				t.Errorf("index.json lacks the ATT&CK ID or aliases (%v)", err)
			}
			// ATT&CK software gets its page the same way: NotPetya by its
			// alias Nyetya and its name.
			if m := res.Index.Terms["malware"]; len(m) != 2 || m[0].URL != "/malware/mimikatz/" || m[1].URL != "/malware/notpetya/" {
				t.Errorf("malware pages %v; want mimikatz and notpetya", m)
			}
			if s := read(t, dir, "/malware/notpetya/"); !strings.Contains(s, `href=https://attack.mitre.org/software/S0368/`) || !strings.Contains(s, "<td>Nyetya</td><td>ATT&amp;CK</td>") {
				t.Error("the NotPetya page does not link to ATT&CK S0368 or list its aliases")
			}
		})
	}
}

// A near miss of a known actor fails check (and build) with the name it
// probably meant, unless the brief says the actor is a different one.
func TestNearMissActorFailsCheck(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "attack.txtar"))
	sitetest.WriteArchive(t, dir, "-- content/briefs/2024/typo.md --\n---\ntitle: Typo\ndate: 2024-07-01\nsummary: s\ntlp: clear\nactors: [Volt Typhon]\n---\n")
	want := []string{`content/briefs/2024/typo.md:6: actors[0]: "Volt Typhon" is not a known actor; did you mean "Volt Typhoon"? (if it is a different actor, add "Volt Typhon" to distinct:)`}
	if got := check(t, dir); !slices.Equal(got, want) {
		t.Errorf("check:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	mustNotBuild(t, dir)

	// The author says it is another actor: it gets its own page.
	sitetest.WriteArchive(t, dir, "-- content/briefs/2024/typo.md --\n---\ntitle: Typo\ndate: 2024-07-01\nsummary: s\ntlp: clear\nactors: [Volt Typhon]\ndistinct: [Volt Typhon]\n---\n")
	if got := check(t, dir); len(got) != 0 {
		t.Errorf("check with distinct: %v", got)
	}
	build(t, dir)
	if s := read(t, dir, "/actors/volt-typhon/"); !strings.Contains(s, "<h1>Volt Typhon</h1>") {
		t.Error("the distinct actor has no page of its own")
	}
}

// The example site's profiles still win over ATT&CK for their names, keep
// their slugs, and gain ATT&CK's ID and other names: by the ID the profile
// gives (Sandworm Team, G0034) or by its title (Salt Typhoon).
func TestExampleProfilesGainATTACK(t *testing.T) {
	dir := sitetest.RepoRoot(t)
	dest := filepath.Join(t.TempDir(), "public")
	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, Destination: dest, BaseURL: "https://briefs.test/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Index.Terms["actors"] {
		if a.Profile == nil || "/actors/"+a.Profile.Slug+"/" != a.URL {
			t.Errorf("actor page %s is not its profile's", a.URL)
		}
	}
	file := func(p string) string {
		data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(strings.Trim(p, "/")), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	sandworm := file("/actors/sandworm-team/")
	for _, w := range []string{"ATT&amp;CK G0034</a>", "<td>VOODOO BEAR</td><td>CrowdStrike</td>", "<td>FROZENBARENTS</td><td>ATT&amp;CK</td>"} {
		if !strings.Contains(sandworm, w) {
			t.Errorf("the Sandworm Team page lacks %s", w)
		}
	}
	if strings.Contains(sandworm, "<td>Voodoo Bear</td>") || strings.Contains(sandworm, "MITRE G0034") {
		t.Error("the Sandworm Team page repeats a name or the ATT&CK ID the profile gives")
	}
	if salt := file("/actors/salt-typhoon/"); !strings.Contains(salt, "href=https://attack.mitre.org/groups/G1045/") {
		t.Error("the Salt Typhoon profile is not linked to ATT&CK's Salt Typhoon")
	}
}
