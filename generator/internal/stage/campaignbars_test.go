package stage

import (
	"fmt"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// campaignSite stages two briefs naming the actor X: one of May 2024
// naming the campaigns Alpha (first seen Feb 2022) and Beta (2023), and
// the malware M; one of May 2023 naming Alpha again (last seen Jun 2022)
// and Gamma, undated.
func campaignSite(t *testing.T, o Options) *Site {
	t.Helper()
	bs := []brief.Brief{
		{Slug: "a", Title: "A", Date: time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC),
			Lists:     map[string][]string{"actors": {"X"}, "malware": {"M"}, "techniques": {"T1190"}},
			Campaigns: []brief.Campaign{{Name: "Alpha", FirstSeen: "2022-02"}, {Name: "Beta", FirstSeen: "2023"}}},
		{Slug: "b", Title: "B", Date: time.Date(2023, 5, 19, 0, 0, 0, 0, time.UTC),
			Lists:     map[string][]string{"actors": {"X"}},
			Campaigns: []brief.Campaign{{Name: "Alpha", FirstSeen: "2022-02", LastSeen: "2022-06"}, {Name: "Gamma"}}},
	}
	ix, v := testIndex(t, bs)
	o.Layouts = layoutsFS(t)
	site, err := Stage(ix, v, o)
	if err != nil {
		t.Fatal(err)
	}
	return site
}

// An actor's campaigns as bars on one axis, Feb 2022 to May 2024 (28
// months): each from its first seen month (a year alone: its January;
// none: its first brief) to the month of the latest brief naming it, in
// percent of the chart's width, titled with its span and linked to its
// page; a bar starting in the right half has its name written leftwards
// from its end; the years along the axis.
func TestCampaignBarsOfAnActor(t *testing.T) {
	t.Parallel()
	for _, offline := range []bool{false, true} {
		site := campaignSite(t, Options{Offline: offline})
		var p TermPage
		frontMatter(t, site, "actors/x.md", &p)
		c := p.CampaignBars
		if c == nil {
			t.Fatal("the actor's page has no campaign bars")
		}
		suffix := ""
		if offline {
			suffix = DirIndex
		}
		want := []CampaignBar{
			{Name: "Alpha", URL: "campaigns/alpha/" + suffix, Title: "Alpha: Feb 2022 to May 2024", First: "Feb 2022", Latest: "May 2024",
				X: "0", W: "100%", Y: 18, TextX: "0", TextY: 13, Anchor: "start"},
			{Name: "Beta", URL: "campaigns/beta/" + suffix, Title: "Beta: Jan 2023 to May 2024", First: "Jan 2023", Latest: "May 2024",
				X: "39.29%", W: "60.71%", Y: 52, TextX: "39.29%", TextY: 47, Anchor: "start"},
			{Name: "Gamma", URL: "campaigns/gamma/" + suffix, Title: "Gamma: May 2023", First: "May 2023", Latest: "May 2023",
				X: "53.57%", W: "3.57%", Y: 86, TextX: "57.14%", TextY: 81, Anchor: "end"},
		}
		if fmt.Sprint(c.Bars) != fmt.Sprint(want) {
			t.Errorf("offline %v: bars\n%+v\nwant\n%+v", offline, c.Bars, want)
		}
		if c.From != "Feb 2022" || c.To != "May 2024" || c.Base != 102 || c.Height != 122 {
			t.Errorf("chart %s to %s, base %d, height %d; want Feb 2022 to May 2024, 102, 122", c.From, c.To, c.Base, c.Height)
		}
		ticks := []YearTick{{2022, "0", true, false}, {2023, "39.29%", true, true}, {2024, "82.14%", true, true}}
		if fmt.Sprint(c.Ticks) != fmt.Sprint(ticks) {
			t.Errorf("ticks %+v; want %+v", c.Ticks, ticks)
		}
	}
}

// Malware pages have them too (the kind is flagged CampaignTimeline), with
// only the campaigns named with it; a technique's page has none.
func TestCampaignBarsFollowTheKindFlag(t *testing.T) {
	t.Parallel()
	site := campaignSite(t, Options{})
	var m TermPage
	frontMatter(t, site, "malware/m.md", &m)
	if c := m.CampaignBars; c == nil || len(c.Bars) != 2 || c.Bars[0].Title != "Alpha: Feb 2022 to May 2024" || c.Bars[1].Title != "Beta: Jan 2023 to May 2024" {
		t.Errorf("the malware's campaign bars: %+v", c)
	}
	var tech TermPage
	frontMatter(t, site, "techniques/t1190.md", &tech)
	if tech.CampaignBars != nil {
		t.Errorf("a technique's page has campaign bars: %+v", tech.CampaignBars)
	}
}
