package stage

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
)

// matrixSite stages briefs, each naming the actor X and the techniques
// given, dated one day apart (the first newest) in 2024 and, from the
// fourth, 2023.
func matrixSite(t *testing.T, techniques ...[]string) *Site {
	t.Helper()
	var bs []brief.Brief
	for i, ts := range techniques {
		year := 2024
		if i >= 3 {
			year = 2023
		}
		bs = append(bs, brief.Brief{Slug: string(rune('a' + i)), Title: "B", Date: time.Date(year, 5, 20-i, 0, 0, 0, 0, time.UTC),
			Lists: map[string][]string{"actors": {"X"}, "techniques": ts}})
	}
	ix, v := testIndex(t, bs)
	site, err := Stage(ix, v, Options{Layouts: layoutsFS(t)})
	if err != nil {
		t.Fatal(err)
	}
	return site
}

// frontMatter decodes a staged page's front matter into fm, with each
// fragment's HTML in place of its marker (as the page will show it).
func frontMatter(t *testing.T, site *Site, path string, fm any) {
	t.Helper()
	data, ok := site.Content[path]
	if !ok {
		t.Fatalf("%s is not staged", path)
	}
	for _, name := range splice.Keys(data) {
		marker := splice.Marker(name)
		html, ok := site.Fragments.Get(marker)
		if !ok {
			t.Fatalf("%s: no fragment for %s", path, marker)
		}
		quoted, _ := json.Marshal(string(html))
		data = bytes.Replace(data, []byte(marker), quoted[1:len(quoted)-1], 1)
	}
	if err := json.NewDecoder(strings.NewReader(string(data))).Decode(fm); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// A term page's matrix: tactics in kill-chain order, the techniques under
// each most named first, a sub-technique under its parent (which counts
// the briefs naming either once, and is text when no brief names it), each
// cell linked, counted and shaded, and a legend of the shades.
func TestMatrixOfATerm(t *testing.T) {
	t.Parallel()
	site := matrixSite(t,
		[]string{"T1505", "T1505.003", "T1190"},
		[]string{"T1505.003", "T1059.001"},
		[]string{"T1505.003"},
		[]string{"T1190"},
		[]string{"T1133"},
	)
	var p TermPage
	frontMatter(t, site, "actors/x.md", &p)
	m := p.Matrix
	if m == nil {
		t.Fatal("the actor's page has no matrix")
	}
	if m.Briefs != 5 || m.Techniques != 5 || m.Tactics != 3 || !m.Counted {
		t.Errorf("matrix counts: %d briefs, %d techniques, %d tactics, counted %v; want 5, 5 (T1505, T1505.003, T1190, T1059.001, T1133), 3, true",
			m.Briefs, m.Techniques, m.Tactics, m.Counted)
	}
	cols := string(m.Columns)
	want := []string{
		// Initial Access: T1190 (2 briefs) before T1133 (1).
		`<li class=tactic><h3>Initial Access</h3><ol class=cells>` +
			`<li class=s3><a href=../../techniques/t1190/><code>T1190</code> Exploit Public-Facing Application</a> <b>2</b></li>` +
			`<li class=s2><a href=../../techniques/t1133/><code>T1133</code> External Remote Services</a> <b>1</b></li></ol></li>`,
		// Execution: T1059 is named by no brief, only its sub-technique.
		`<li class=tactic><h3>Execution</h3><ol class=cells>` +
			`<li class=s2><code>T1059</code> Command and Scripting Interpreter <b>1</b><ul>` +
			`<li class=s2><a href=../../techniques/t1059-001/><code>T1059.001</code> PowerShell</a> <b>1</b></li></ul></li></ol></li>`,
		// Persistence: T1505 counts the three briefs naming it or T1505.003
		// (the first names both), T1505.003 its own three; then T1133.
		`<li class=tactic><h3>Persistence</h3><ol class=cells>` +
			`<li class=s4><a href=../../techniques/t1505/><code>T1505</code> Server Software Component</a> <b>3</b><ul>` +
			`<li class=s4><a href=../../techniques/t1505-003/><code>T1505.003</code> Web Shell</a> <b>3</b></li></ul></li>` +
			`<li class=s2><a href=../../techniques/t1133/>`,
	}
	at := 0
	for _, w := range want {
		i := strings.Index(cols[at:], w)
		if i < 0 {
			t.Fatalf("the columns do not have, after byte %d:\n%s\ncolumns:\n%s", at, w, cols)
		}
		at += i + len(w)
	}
	if got := len(m.Legend); got != 3 || m.Legend[0] != (Shade{2, "1 brief"}) || m.Legend[2] != (Shade{4, "3 briefs"}) {
		t.Errorf("legend %+v; want 1 brief (s2), 2 briefs (s3), 3 briefs (s4)", m.Legend)
	}
}

// A brief's own matrix is not counted (every count would be 1); the list
// page of techniques has the matrix of every brief and one per year,
// newest first, its links one level up; a page whose briefs name no
// technique has none.
func TestMatrixOfABriefAndOfTheSite(t *testing.T) {
	t.Parallel()
	site := matrixSite(t, []string{"T1190"}, nil, nil, []string{"T1133", "T1190"})
	var b BriefPage
	frontMatter(t, site, "briefs/2024/a.md", &b)
	if b.Matrix == nil || b.Matrix.Counted || b.Matrix.Legend != nil ||
		!strings.Contains(string(b.Matrix.Columns), `<li class=s0><a href=../../techniques/t1190/><code>T1190</code> Exploit Public-Facing Application</a></li>`) {
		t.Errorf("the brief's matrix: %+v", b.Matrix)
	}
	var none BriefPage
	frontMatter(t, site, "briefs/2024/b.md", &none)
	if none.Matrix != nil {
		t.Errorf("a brief naming no technique has a matrix: %+v", none.Matrix)
	}
	var k KindPage
	frontMatter(t, site, "techniques/_index.md", &k)
	if k.Matrix == nil || k.Matrix.Briefs != 4 ||
		!strings.Contains(string(k.Matrix.Columns), `<li class=s4><a href=../techniques/t1190/><code>T1190</code> Exploit Public-Facing Application</a> <b>2</b></li>`) {
		t.Errorf("the site's matrix: %+v", k.Matrix)
	}
	if len(k.Years) != 2 || k.Years[0].Year != 2024 || k.Years[0].Matrix.Briefs != 3 || k.Years[1].Year != 2023 || k.Years[1].Matrix.Techniques != 2 {
		t.Errorf("the years' matrices: %+v", k.Years)
	}
	var sectors KindPage
	frontMatter(t, site, "actors/_index.md", &sectors)
	if sectors.Matrix != nil || sectors.Years != nil {
		t.Error("the actors' list page has a matrix; only a kind flagged SiteMatrix has")
	}
}

// Shades: a count's step is the quarter of the largest count it falls in
// (the largest is always the strongest); the legend says which counts each
// step stands for.
func TestMatrixShades(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		most int
		want string
	}{
		{1, "4:1 brief"},
		{3, "2:1 brief|3:2 briefs|4:3 briefs"},
		{10, "1:1–2 briefs|2:3–5 briefs|3:6–7 briefs|4:8–10 briefs"},
		{5, "1:1 brief|2:2 briefs|3:3 briefs|4:4–5 briefs"},
	} {
		var got []string
		for _, s := range legend(tc.most) {
			got = append(got, strings.Join([]string{string(rune('0' + s.Step)), s.Label}, ":"))
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("legend(%d) = %s; want %s", tc.most, strings.Join(got, "|"), tc.want)
		}
		if step(tc.most, tc.most) != matrixSteps || step(1, tc.most) != (matrixSteps+tc.most-1)/tc.most {
			t.Errorf("most %d: the largest count is step %d, 1 is step %d", tc.most, step(tc.most, tc.most), step(1, tc.most))
		}
	}
}

// The full ATT&CK matrix is a page of its own, techniques/matrix/: every
// technique of the vocabulary under each of its tactics, a technique no
// brief names present, unshaded and uncounted (and with no page to link),
// a named one shaded, counted and linked, sub-techniques folded under
// their parent (open where a brief names one); the build data gives its
// URL to the other matrices, which link to it.
func TestFullMatrix(t *testing.T) {
	t.Parallel()
	site := matrixSite(t, []string{"T1190", "T1059.001"}, []string{"T1190"})
	var p FullMatrixPage
	frontMatter(t, site, "techniques/matrix.md", &p)
	m := p.Matrix
	if m == nil || !m.Full || m.Briefs != 2 || m.Techniques != 2 || m.Tactics != 14 || m.Total < 600 {
		t.Fatalf("the full matrix: %+v", m)
	}
	cols := string(m.Columns)
	for _, want := range []string{
		// Named: shaded by its count (the most named: s4), counted, linked.
		`<li class=s4><a href=../../techniques/t1190/><code>T1190</code> Exploit Public-Facing Application</a> <b>2</b></li>`,
		// Named by no brief: unshaded, no count, no link.
		`<li class=s0><code>T1595</code> Active Scanning<details><summary>3 sub-techniques</summary><ul><li class=s0><code>T1595.001</code> Scanning IP Blocks</li>`,
		`<li class=s0><code>T1189</code> Drive-by Compromise</li>`,
		// A parent shown for a named sub-technique: counted, its sub-techniques open.
		`<li class=s2><code>T1059</code> Command and Scripting Interpreter <b>1</b><details open><summary>13 sub-techniques</summary><ul>`,
		`<li class=s2><a href=../../techniques/t1059-001/><code>T1059.001</code> PowerShell</a> <b>1</b></li>`,
	} {
		if !strings.Contains(cols, want) {
			t.Errorf("the full matrix lacks\n%s", want)
		}
	}
	// ATT&CK's order: by name under each tactic.
	if a, d := strings.Index(cols, "T1595</code> Active Scanning"), strings.Index(cols, "T1592</code> Gather Victim Host"); a < 0 || d < a {
		t.Errorf("Active Scanning at %d, Gather Victim Host Information at %d; want by name", a, d)
	}
	if p.Type != "matrix" || p.Kind.URL != "techniques/" || !strings.Contains(p.Description, "2 of them named in 2 briefs") {
		t.Errorf("the page: %+v", p)
	}
	var b BuildData
	if err := json.Unmarshal(site.Data["build.json"], &b); err != nil || b.FullMatrix != "techniques/matrix/" {
		t.Errorf("the build data's full_matrix: %q, %v", b.FullMatrix, err)
	}
}
