package stage

import (
	"strings"
	"testing"
)

// A term's activity chart: a bar per quarter with briefs, from its first
// brief's to its last's, each with its number and a <title>, the years
// under the first quarter of each year, and a table of the same numbers;
// a quarter without briefs has no bar and no row, only its place on the
// axis. matrixSite dates three briefs in May 2024 and two in May 2023.
func TestActivityOfATerm(t *testing.T) {
	t.Parallel()
	site := matrixSite(t, nil, nil, nil, nil, nil)
	var p TermPage
	frontMatter(t, site, "actors/x.md", &p)
	a := p.Activity
	if a == nil {
		t.Fatal("the actor's page has no activity chart")
	}
	if a.Period != "quarter" || a.From != "2023 Q2" || a.To != "2024 Q2" || a.Max != 3 || a.Empty != 3 || a.Width != 5*24-6 {
		t.Errorf("chart %+v; want quarters 2023 Q2 to 2024 Q2 (3 of them empty) 114 wide, at most 3", a)
	}
	want := `<path d="M0 48h18v60H0z"><title>2023 Q2: 2 briefs</title></path><text x=9 y=44>2</text><text class=y x=0 y=123>2023</text>` +
		`<text class=y x=72 y=123>2024</text>` +
		`<path d="M96 18h18v90H96z"><title>2024 Q2: 3 briefs</title></path><text x=105 y=14>3</text>`
	if bars := string(a.Bars); bars != want {
		t.Errorf("the bars are\n%s\nwant\n%s", bars, want)
	}
	if rows := string(a.Rows); rows != `<tr><th scope=row>2023 Q2</th><td>2</td></tr><tr><th scope=row>2024 Q2</th><td>3</td></tr>` {
		t.Errorf("table rows: %s", rows)
	}
	// First and last seen: the months of its briefs (it names no campaign).
	if p.Seen == nil || p.Seen.First != "May 2023" || p.Seen.Last != "May 2024" {
		t.Errorf("seen %+v; want May 2023 to May 2024", p.Seen)
	}
}

// Briefs that span less than a year are counted by month.
func TestActivityByMonth(t *testing.T) {
	t.Parallel()
	site := matrixSite(t, nil, nil)
	var h HomePage
	frontMatter(t, site, "_index.md", &h)
	if a := h.Activity; a == nil || a.Period != "month" || a.From != "May 2024" || a.To != "May 2024" || !strings.Contains(string(a.Bars), "<title>May 2024: 2 briefs</title>") {
		t.Errorf("the home page's chart: %+v", h.Activity)
	}
}
