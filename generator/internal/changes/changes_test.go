package changes_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/changes"
	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// base is the content on main: a profiled actor named by one brief, and a
// second brief whose off-list sector is an old warning nobody is fixing in
// this change.
const base = `
-- content/actors/volt-typhoon/_index.md --
---
title: Volt Typhoon
synonyms:
  - {name: Vanguard Panda, by: CrowdStrike}
---
-- content/briefs/2024/edge-devices.md --
---
title: Edge devices as the way in
date: 2024-02-07
summary: Routers at end of life carried the traffic.
tlp: clear
sources:
  - {name: CISA, url: "https://www.cisa.gov/aa24-038a"}
actors: [Volt Typhoon]
sectors: [Energy]
techniques: [T1190]
malware: [KV-botnet]
---
Body.
-- content/briefs/2023/old-warning.md --
---
title: An older brief
date: 2023-05-24
summary: Its sector is off the list.
tlp: clear
sectors: [Widgets]
---
Body.
`

func project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sitetest.WriteArchive(t, dir, base)
	sitetest.GitInit(t, dir)
	sitetest.Git(t, dir, "checkout", "--quiet", "-b", "change")
	return dir
}

// options are what check --changed checks the project at dir with today.
func options(t *testing.T, dir string) check.Options {
	t.Helper()
	o, err := check.ForProject(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func run(t *testing.T, dir, ref string) *changes.Report {
	t.Helper()
	r, err := changes.Run(context.Background(), dir, options(t, dir), ref)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func strs(ds []diag.Diagnostic) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

func markdown(t *testing.T, r *changes.Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	sitetest.WriteArchive(t, dir, "-- "+name+" --\n"+text)
}

// A profile renamed without keeping its old name breaks the briefs that
// still use it, though they are not part of the change. (The new title is
// no ATT&CK name: renamed to one of Volt Typhoon's ATT&CK aliases, such as
// Bronze Silhouette, the profile would describe that group and keep its
// name.)
func TestRenamedProfileBreaksUnchangedBriefs(t *testing.T) {
	dir := project(t)
	write(t, dir, "content/actors/volt-typhoon/_index.md", "---\ntitle: Quiet Lantern\nsynonyms:\n  - {name: Vanguard Panda, by: CrowdStrike}\n---\n")
	sitetest.Commit(t, dir, "rename the actor")

	r := run(t, dir, "main")
	want := []string{`content/briefs/2024/edge-devices.md:8: actors[0]: "Volt Typhoon" no longer names a profile: before this change it named the actor "Volt Typhoon" (content/actors/volt-typhoon/_index.md); add it to a profile's synonyms or change it here`}
	if got := strs(r.Diagnostics); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	md := markdown(t, r)
	for _, line := range []string{
		"- changed actor profile **Quiet Lantern** (was **Volt Typhoon**) `content/actors/volt-typhoon/_index.md`\n",
		"**Check:** 1 error. Files this change does not edit are affected too: `content/briefs/2024/edge-devices.md`.\n",
	} {
		if !strings.Contains(md, line) {
			t.Errorf("summary lacks %q:\n%s", line, md)
		}
	}

	// Keeping the old name as a synonym mends it.
	write(t, dir, "content/actors/volt-typhoon/_index.md", "---\ntitle: Quiet Lantern\nsynonyms:\n  - {name: Volt Typhoon, by: Microsoft}\n  - {name: Vanguard Panda, by: CrowdStrike}\n---\n")
	if r := run(t, dir, "main"); len(r.Diagnostics) != 0 {
		t.Errorf("with the old name kept as a synonym: %v", strs(r.Diagnostics))
	}
}

// A new brief that takes an existing brief's slug: validation reports the
// collision on whichever file sorts second, here the unchanged one, and the
// change is still blamed for it. The unchanged brief's old warning is not
// reported: it is not this change's doing.
func TestSlugCollisionWithAnUnchangedBrief(t *testing.T) {
	dir := project(t)
	write(t, dir, "content/briefs/2022/a-new-one.md", "---\ntitle: A new one\ndate: 2022-01-10\nsummary: New.\ntlp: clear\nslug: edge-devices\n---\n")
	sitetest.Commit(t, dir, "add a brief")

	r := run(t, dir, "main")
	want := []string{`content/briefs/2024/edge-devices.md:1: slug: slug "edge-devices" is already used by content/briefs/2022/a-new-one.md; rename the file or set a different slug`}
	if got := strs(r.Diagnostics); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.ErrorCount() != 1 {
		t.Errorf("ErrorCount = %d, want 1", r.ErrorCount())
	}
}

// Uncommitted and untracked files are part of the change; a move is a move,
// not an addition and a removal; a brief merged on main after the branch
// was cut is not this change's removal.
func TestWorkingTreeMovesAndMergeBase(t *testing.T) {
	dir := project(t)
	sitetest.Git(t, dir, "checkout", "--quiet", "main")
	write(t, dir, "content/briefs/2024/merged-later.md", "---\ntitle: Merged later\ndate: 2024-03-01\nsummary: On main only.\ntlp: clear\n---\n")
	sitetest.Commit(t, dir, "another pull request")
	sitetest.Git(t, dir, "checkout", "--quiet", "change")

	sitetest.Git(t, dir, "mv", "content/briefs/2023/old-warning.md", "content/briefs/2023/older-brief.md")
	sitetest.Commit(t, dir, "rename a file")
	// Untracked, never added:
	write(t, dir, "content/briefs/2024/draft.md", "---\ntitle: \"A draft | with *markup*\"\ndate: 2024-04-01\nsummary: Not yet committed.\ntlp: amber\nsources:\n  - name: Example Labs\n    url: https://labs.example.org/post\ncountries: [TW]\nmalware: [KV-botnets]\n---\n")
	// Edited, not committed:
	p := filepath.Join(dir, "content/briefs/2024/edge-devices.md")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(data), "techniques: [T1190]", "techniques: [T1190, T1133]", 1)), 0o644)

	r := run(t, dir, "main")
	var got []string
	for _, it := range r.Briefs {
		got = append(got, it.Status.String()+" "+it.OldFile+" "+it.File)
	}
	want := []string{
		"moved content/briefs/2023/old-warning.md content/briefs/2023/older-brief.md",
		"added  content/briefs/2024/draft.md",
		"changed  content/briefs/2024/edge-devices.md",
	}
	if !slices.Equal(got, want) {
		t.Errorf("briefs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The moved file is touched: its warning is reported now. The edited
	// brief gained a technique without a new updated: date.
	if d := strs(r.Diagnostics); len(d) != 2 || !strings.HasPrefix(d[0], "content/briefs/2023/older-brief.md:6: warning: sectors[0]:") ||
		!strings.HasPrefix(d[1], "content/briefs/2024/edge-devices.md:3: warning: date: this published brief changed") {
		t.Errorf("diagnostics: %v", d)
	}

	md := markdown(t, r)
	for _, line := range []string{
		"| added | **A draft \\| with \\*markup\\***<br>`content/briefs/2024/draft.md` | 2024-04-01 | TLP:AMBER | ok |\n",
		"| moved | **An older brief**<br>`content/briefs/2023/old-warning.md` → `content/briefs/2023/older-brief.md` | 2023-05-24 | TLP:CLEAR | 1 warning |\n",
		"- **Countries:** Taiwan (TW)\n",
		"- malware family **KV-botnets**: no public page (only briefs above TLP:CLEAR name it), possible duplicate of **KV-botnet**\n",
		"- **Sources:** Example Labs\n",
		"**New ATT&CK techniques**\n\n- T1133 External Remote Services\n",
		"**TLP:** 2 clear, 1 amber. Only TLP:CLEAR briefs are published on the public site.\n",
	} {
		if !strings.Contains(md, line) {
			t.Errorf("summary lacks %q:\n%s", line, md)
		}
	}
	if strings.Contains(md, "Merged later") || strings.Contains(md, "removed") {
		t.Errorf("the summary blames the change for main's later commit:\n%s", md)
	}
}

// Every actor and malware page a change creates is listed for the reviewer,
// with its ATT&CK ID when ATT&CK knows it; one the base already had is not.
func TestNewActorAndMalwarePages(t *testing.T) {
	dir := project(t)
	write(t, dir, "content/briefs/2024/grid.md", "---\ntitle: Grid\ndate: 2024-03-01\nsummary: s\ntlp: clear\n"+
		"actors: [APT44, Vanguard Panda, Quiet Lantern]\nmalware: [Nyetya, Mimikats, KV-botnet]\ndistinct: [Mimikats]\n---\n")
	sitetest.Commit(t, dir, "add a brief")

	r := run(t, dir, "main")
	if d := strs(r.Diagnostics); len(d) != 0 {
		t.Errorf("diagnostics: %v", d)
	}
	md := markdown(t, r)
	want := "**New actor and malware pages**\n\n" +
		"- actor **Quiet Lantern**: `/actors/quiet-lantern/`\n" +
		"- actor **Sandworm Team** (ATT&CK G0034): `/actors/sandworm-team/`\n" +
		"- malware family **Mimikats**: `/malware/mimikats/`\n" +
		"- malware family **NotPetya** (ATT&CK S0368): `/malware/notpetya/`\n\n"
	if !strings.Contains(md, want) {
		t.Errorf("summary lacks\n%s\nin\n%s", want, md)
	}
	if strings.Contains(md, "Volt Typhoon") || strings.Contains(md, "KV-botnet") || strings.Contains(md, "**Actors:**") {
		t.Errorf("the summary lists a term the base had, or an actor twice:\n%s", md)
	}
}

// An added brief that cites a document an existing brief cites, or that
// names the same actor and source within a week of it, may repeat its story.
func TestPossibleDuplicateBriefs(t *testing.T) {
	dir := project(t)
	sitetest.WriteArchive(t, dir, `
-- content/briefs/2024/same-url.md --
---
title: Same document
date: 2024-05-01
summary: s
tlp: clear
sources:
  - {name: Example Labs, url: "https://www.cisa.gov/aa24-038a/"}
---
-- content/briefs/2024/same-week.md --
---
title: Same week
date: 2024-02-09
summary: s
tlp: clear
sources:
  - {name: CISA}
actors: [Vanguard Panda]
---
-- content/briefs/2024/weeks-later.md --
---
title: Weeks later
date: 2024-03-20
summary: s
tlp: clear
sources:
  - {name: CISA}
actors: [Volt Typhoon]
---
`)
	md := markdown(t, run(t, dir, "main"))
	for _, line := range []string{
		"**Possible duplicate:** `content/briefs/2024/same-url.md` may report the same story as **Edge devices as the way in** (`content/briefs/2024/edge-devices.md`): it cites the same document.\n",
		"**Possible duplicate:** `content/briefs/2024/same-week.md` may report the same story as **Edge devices as the way in** (`content/briefs/2024/edge-devices.md`): it names the same actor and source, 2 day(s) apart.\n",
	} {
		if !strings.Contains(md, line) {
			t.Errorf("summary lacks %q:\n%s", line, md)
		}
	}
	if n := strings.Count(md, "Possible duplicate"); n != 2 {
		t.Errorf("%d possible duplicates; want 2 (not the brief weeks later):\n%s", n, md)
	}
}

// A change to the generator may change any rule, so every diagnostic is
// reported, the old warning included.
func TestGeneratorChangeReportsEverything(t *testing.T) {
	dir := project(t)
	write(t, dir, "generator/internal/vocab/data/sectors.tsv", "changed\n")
	sitetest.Commit(t, dir, "touch the generator")
	r := run(t, dir, "main")
	if !r.Tooling || len(r.Diagnostics) != 1 || !strings.Contains(r.Diagnostics[0].String(), `"Widgets" is not on the sector list`) {
		t.Errorf("tooling %v, diagnostics %v", r.Tooling, strs(r.Diagnostics))
	}
	if md := markdown(t, r); !strings.Contains(md, "No brief or profile changed.") || !strings.Contains(md, "every problem is listed") {
		t.Errorf("summary:\n%s", md)
	}
}

func TestUnknownRefSaysHowToFetchIt(t *testing.T) {
	dir := project(t)
	for _, ref := range []string{"origin/main", "mian"} {
		_, err := changes.Run(context.Background(), dir, options(t, dir), ref)
		want := "changes: git ref '" + ref + "' not found; try 'git fetch' or 'git branch -a' (in GitHub Actions, check out with fetch-depth: 0)"
		if err == nil || err.Error() != want {
			t.Errorf("err = %v\nwant %s", err, want)
		}
	}
}

// What a change removes: the page of a term that no published brief names
// any more, the indicators a brief drops or takes with it when removed;
// and what it changed in a brief's front matter.
func TestRemovalsAndFieldChanges(t *testing.T) {
	dir := project(t)
	write(t, dir, "content/briefs/2024/iocs.md", "---\ntitle: Indicators\ndate: 2024-03-01\nsummary: s\ntlp: clear\nmalware: [PlugX]\niocs:\n  - {type: ipv4, value: 203.0.113.7}\n  - {type: url, value: \"https://evil.example/gate.php\"}\n---\n")
	write(t, dir, "content/briefs/2024/gone.md", "---\ntitle: Going\ndate: 2024-03-02\nsummary: s\ntlp: clear\ncountries: [TW]\niocs:\n  - {type: domain, value: c2.example.net}\n---\n")
	sitetest.Commit(t, dir, "more briefs")
	sitetest.Git(t, dir, "branch", "--quiet", "-f", "main")

	// The change: one brief edited (TLP, a technique swapped, malware and
	// an indicator dropped, a campaign added), one removed.
	write(t, dir, "content/briefs/2024/edge-devices.md", `---
title: Edge devices as the way in
date: 2024-02-07
summary: Routers at end of life carried the traffic.
tlp: green
sources:
  - {name: CISA, url: "https://www.cisa.gov/aa24-038a"}
actors: [Volt Typhoon]
sectors: [Energy]
techniques: [T1133]
campaigns:
  - {name: Edge sweep, first_seen: 2023-11}
---
Body.
`)
	write(t, dir, "content/briefs/2024/iocs.md", "---\ntitle: Indicators\ndate: 2024-03-01\nsummary: s\ntlp: clear\nmalware: [PlugX]\niocs:\n  - {type: ipv4, value: 203.0.113.7}\n---\n")
	sitetest.Git(t, dir, "rm", "--quiet", "content/briefs/2024/gone.md")
	sitetest.Commit(t, dir, "the change")

	// The edited brief is now TLP:GREEN: its terms leave the public site
	// too; PlugX stays, as a brief the change keeps names it.
	md := markdown(t, run(t, dir, "main"))
	for _, line := range []string{
		"| removed | **Going**<br>`content/briefs/2024/gone.md` | 2024-03-02 | TLP:CLEAR |  |\n",
		"**Changed in `content/briefs/2024/edge-devices.md`:** `tlp` clear → green; `techniques` +T1133, −T1190; `campaigns` added; `malware` removed.\n",
		"**Changed in `content/briefs/2024/iocs.md`:** `iocs` changed.\n",
		"**Removed by this change**\n\nPages that go, as no published brief names their term any more:\n\n" +
			"- **Actors:** Volt Typhoon\n- **Sectors:** Energy\n- **Countries:** Taiwan (TW)\n" +
			"- **Techniques:** T1190 Exploit Public-Facing Application\n- **Malware:** KV-botnet\n- **Sources:** CISA\n\n",
		"Indicators dropped:\n\n- `content/briefs/2024/gone.md`: `c2[.]example[.]net` (domain)\n- `content/briefs/2024/iocs.md`: `hxxps://evil[.]example/gate.php` (url)\n",
	} {
		if !strings.Contains(md, line) {
			t.Errorf("summary lacks %q:\n%s", line, md)
		}
	}
	if strings.Contains(md, "https://evil") {
		t.Errorf("a dropped indicator is live in the summary:\n%s", md)
	}
}

// A published brief whose content changes must move date: or updated:
// forward, or its MISP event keeps its timestamp and subscribers never see
// the change: check --changed warns on the line to edit. Reformatting the
// front matter is no change of content; a new updated: day settles it.
func TestChangedBriefWithoutNewUpdatedDate(t *testing.T) {
	const head = "---\ntitle: Edge devices as the way in\ndate: 2024-02-07\n%ssummary: %s\ntlp: clear\nsources:\n  - {name: CISA, url: \"https://www.cisa.gov/aa24-038a\"}\nactors: [Volt Typhoon]\nsectors: [Energy]\ntechniques: [T1190]\nmalware: [KV-botnet]\n---\nBody.\n"
	stale := func(r *changes.Report) []string {
		var out []string
		for _, d := range strs(r.Diagnostics) {
			if strings.Contains(d, "MISP event") {
				out = append(out, d)
			}
		}
		return out
	}
	for _, c := range []struct {
		name, updated, summary string
		want                   []string
	}{
		{"new summary, same dates", "", "Routers at end of life carried the traffic, and more.", []string{
			"content/briefs/2024/edge-devices.md:3: warning: date: this published brief changed, but neither date: nor updated: moved past 2024-02-07, so its MISP event keeps its timestamp and MISP and OpenCTI subscribers keep the copy they have; set updated: to the day this change is published",
		}},
		{"new summary, updated: not after date", "updated: 2024-02-07\n", "Routers at end of life carried the traffic, and more.", []string{
			"content/briefs/2024/edge-devices.md:4: warning: updated: this published brief changed, but neither date: nor updated: moved past 2024-02-07, so its MISP event keeps its timestamp and MISP and OpenCTI subscribers keep the copy they have; set updated: to the day this change is published",
		}},
		{"new summary, new updated: day", "updated: 2024-03-01\n", "Routers at end of life carried the traffic, and more.", nil},
		{"front matter reformatted", "", "\"Routers at end of life carried the traffic.\"", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := project(t)
			write(t, dir, "content/briefs/2024/edge-devices.md", fmt.Sprintf(head, c.updated, c.summary))
			if got := stale(run(t, dir, "main")); !slices.Equal(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
