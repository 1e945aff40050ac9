package stage

import (
	"strings"
	"testing"
)

// A term's activity chart: a bar per quarter from its first brief's to its
// last's (empty quarters included), each with its number and a <title>,
// the years under the first bar of each year, and a table of the same
// numbers. matrixSite dates three briefs in May 2024 and two in May 2023.
func TestActivityOfATerm(t *testing.T) {
	t.Parallel()
	site := matrixSite(t, nil, nil, nil, nil, nil)
	var p TermPage
	frontMatter(t, site, "actors/x.md", &p)
	a := p.Activity
	if a == nil {
		t.Fatal("the actor's page has no activity chart")
	}
	if a.Period != "quarter" || a.From != "2023 Q2" || a.To != "2024 Q2" || a.Max != 3 {
		t.Errorf("chart %+v; want quarters 2023 Q2 to 2024 Q2, at most 3", a)
	}
	bars := string(a.Bars)
	for _, want := range []string{
		`<g><rect class=bar x=0 y=48 width=18 height=60><title>2023 Q2: 2 briefs</title></rect><text class=n x=9 y=44>2</text><text class=year x=0 y=123>2023</text></g>`,
		`<g><rect class=bar x=24 y=108 width=18 height=0><title>2023 Q3: 0 briefs</title></rect></g>`,
		`<title>2024 Q1: 0 briefs</title></rect><text class=year x=72 y=123>2024</text></g>`,
		`<g><rect class=bar x=96 y=18 width=18 height=90><title>2024 Q2: 3 briefs</title></rect><text class=n x=105 y=14>3</text></g>`,
	} {
		if !strings.Contains(bars, want) {
			t.Errorf("the bars do not have\n%s\nbars:\n%s", want, bars)
		}
	}
	if got := strings.Count(bars, "<rect"); got != 5 {
		t.Errorf("%d bars; want 5 quarters", got)
	}
	if rows := string(a.Rows); !strings.HasPrefix(rows, `<tr><th scope=row>2023 Q2</th><td>2</td></tr>`) || strings.Count(rows, "<tr>") != 5 {
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
