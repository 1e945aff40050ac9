package stage

import (
	"strconv"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// Campaign bars: the campaigns named with a term (an actor, a malware) as
// bars on a shared time axis, each from the month it was first seen to the
// month of the latest brief naming it. Positions are percentages of the
// chart's width, so the chart takes the width of its box on any screen
// while its text keeps its size (SVG lengths accept percentages); the
// markup is layouts/_partials/campaign-bars.html.

// CampaignBars is the chart (layouts/_partials/campaign-bars.html).
type CampaignBars struct {
	From, To string        // the first and last months of the axis, as shown ("May 2021")
	Height   int           // the chart's height in CSS pixels
	Base     int           // the y of the axis, under the last bar
	Bars     []CampaignBar // in the order of the campaign list: first seen first
	Ticks    []YearTick    // the years along the axis
}

// CampaignBar is one campaign's bar, with its link and label.
type CampaignBar struct {
	Name, URL string // the campaign and its page
	Title     string // "KV-botnet operations: Feb 2022 to Feb 2024"
	First     string // its first month, as shown ("Feb 2022")
	Latest    string // the month of the latest brief naming it, as shown
	X, W      string // the bar's left edge and width, in percent of the chart ("12.5%")
	Y         int    // the bar's top
	TextX     string // where the name is written: the bar's left edge, or its right edge
	TextY     int    // when the bar starts in the chart's right half (Anchor "end")
	Anchor    string // "start" or "end": the name's text-anchor
}

// YearTick is a year on the axis: a line where it begins (X), and its
// number written after the line when there is room (Label).
type YearTick struct {
	Year  int
	X     string // percent of the chart's width
	Label bool
	Line  bool // false for the first year when the axis starts within it
}

// Chart geometry, in CSS pixels.
const (
	campaignRow    = 34  // one campaign: its name, then its bar
	campaignBarH   = 10  // a bar's height
	campaignAxis   = 20  // under the bars, for the years
	campaignNarrow = 320 // the narrowest chart the year labels are spaced for
	campaignLabel  = 40  // the room a year's number needs
)

// campaignBars draws the chart of campaigns cs (their terms), or returns
// nil when there are none. A campaign without a first-seen month starts
// at its first brief; a first-seen year only, in its January.
func (s *stager) campaignBars(cs []*index.Term) *CampaignBars {
	type span struct {
		t           *index.Term
		first, last int // months since year 0
	}
	var spans []span
	for _, t := range cs {
		if len(t.Entries) == 0 {
			continue
		}
		last := monthIndex(t.Entries[0].Brief.Date)
		first := monthIndex(t.Entries[len(t.Entries)-1].Brief.Date)
		if m, ok := parseMonth(t.FirstSeen); ok {
			first = m
		}
		spans = append(spans, span{t, min(first, last), last})
	}
	if len(spans) == 0 {
		return nil
	}
	// The order of the dated list: first seen first, ties by name (the
	// caller's order).
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].first < spans[j-1].first; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	m0, m1 := spans[0].first, spans[0].last
	for _, sp := range spans {
		m0, m1 = min(m0, sp.first), max(m1, sp.last)
	}
	total := float64(m1 - m0 + 1)
	pct := func(m int) float64 { return float64(m-m0) * 100 / total }
	c := &CampaignBars{From: shownMonth(m0), To: shownMonth(m1)}
	for i, sp := range spans {
		b := CampaignBar{
			Name: sp.t.Name, URL: s.rel(sp.t.URL),
			First: shownMonth(sp.first), Latest: shownMonth(sp.last),
			X: percent(pct(sp.first)), W: percent(pct(sp.last+1) - pct(sp.first)),
			Y: i*campaignRow + 18, TextY: i*campaignRow + 13, Anchor: "start",
		}
		b.Title = sp.t.Name + ": " + b.First
		if sp.last != sp.first {
			b.Title += " to " + b.Latest
		}
		b.TextX = b.X
		if pct(sp.first) > 50 {
			b.TextX, b.Anchor = percent(pct(sp.last+1)), "end"
		}
		c.Bars = append(c.Bars, b)
	}
	c.Base = len(spans) * campaignRow
	c.Height = c.Base + campaignAxis
	// Years: every step-th, so that their numbers have room on the
	// narrowest chart.
	step := 1
	for _, k := range []int{1, 2, 5, 10, 20, 50} {
		step = k
		if float64(12*k)/total*campaignNarrow >= campaignLabel {
			break
		}
	}
	for y := m0 / 12; y <= m1/12; y++ {
		start := max(y*12, m0)
		if y%step != 0 && start != m0 {
			continue
		}
		room := float64(min((y+step)*12, m1+1)-start) / total * campaignNarrow
		c.Ticks = append(c.Ticks, YearTick{Year: y, X: percent(pct(start)), Line: start == y*12, Label: room >= campaignLabel})
	}
	return c
}

// monthIndex is t's month, counted from year 0.
func monthIndex(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }

// parseMonth reads "2024-08" or "2024" (as its January).
func parseMonth(s string) (int, bool) {
	for _, layout := range []string{"2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return monthIndex(t), true
		}
	}
	return 0, false
}

// shownMonth writes a month index as pages show months ("Feb 2024").
func shownMonth(m int) string {
	return time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC).Format("Jan 2006")
}

// percent writes p as an SVG length in percent, to two places, as the SVG
// minifier would ("23.5%", and "0" for none): the chart is served as
// written.
func percent(p float64) string {
	s := strconv.FormatFloat(p, 'f', 2, 64) // always has a point
	if s = strings.TrimRight(strings.TrimRight(s, "0"), "."); s == "0" || s == "-0" {
		return "0"
	}
	return s + "%"
}
