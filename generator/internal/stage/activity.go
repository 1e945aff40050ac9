package stage

import (
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// Activity charts: how many briefs were published in each quarter (or
// month, when the briefs span a year or less), as an SVG bar chart drawn
// at build time, with a table of the same numbers. Geometry is computed
// here, in SVG user units; the markup is layouts/_partials/activity.html
// and the bars items/activity-bar.html and items/activity-row.html.

// Activity is a chart of briefs over time (layouts/_partials/activity.html).
type Activity struct {
	Period string        // "quarter" or "month": what one bar counts
	From   string        // the first period, as shown ("2021 Q2", "May 2024")
	To     string        // the last
	Width  int           // the chart's width and height in SVG units (and CSS pixels)
	Height int           //
	Bars   template.HTML // pre-rendered bars of the periods with briefs, and the years (items/activity-bar.html)
	Rows   template.HTML // pre-rendered table rows of the periods with briefs, the same numbers (items/activity-row.html)
	Empty  int           // periods with no brief: no bar, no row
	Max    int           // the most briefs in one period
	Base   int           // the y of the bars' baseline
}

// Bar is one period of an activity chart: its bar and its table row.
type Bar struct {
	Label string // "2024 Q1", "May 2024"
	Count int    // briefs published in the period
	Title string // "2024 Q1: 3 briefs"
	Text  string // Count as shown above the bar; "" for none (then no bar is drawn: only its year)
	X, Y  int    // the bar's top left corner
	W, H  int    // its size (H 0 for no briefs)
	Back  string // the path's way back to its left edge: "H<X>" or "h-<W>", the shorter, as the SVG minifier would write it
	TextX int    // where its number is written (the bar's middle)
	TextY int
	Year  string // the year, under the first bar of each year (or of the chart); else ""
	YearX int
	YearY int
}

// Chart geometry, in SVG user units (a bar is barWidth wide: the path of
// items/activity-bar.html draws it so).
const (
	barWidth  = 18
	barGap    = 6
	barTop    = 18 // room for the number above the tallest bar
	barHeight = 90 // the tallest bar
	axisRoom  = 20 // under the bars, for the years
)

// activity draws the chart of entries (newest first), or returns nil when
// there are none.
func activity(l *lists, entries []*index.Entry) *Activity {
	if len(entries) == 0 {
		return nil
	}
	first, last := entries[len(entries)-1].Brief.Date, entries[0].Brief.Date
	monthly := months(first, last) < 12
	period := func(t time.Time) int { // periods since year 0
		if monthly {
			return t.Year()*12 + int(t.Month()) - 1
		}
		return t.Year()*4 + (int(t.Month())-1)/3
	}
	p0, p1 := period(first), period(last)
	counts := make([]int, p1-p0+1)
	for _, e := range entries {
		counts[period(e.Brief.Date)-p0]++
	}
	a := &Activity{Period: "quarter"}
	if monthly {
		a.Period = "month"
	}
	for _, n := range counts {
		a.Max = max(a.Max, n)
	}
	// Only periods with briefs get a bar, a number and a row (and the first
	// period of each year its year): a term named twice ten years apart
	// has two bars, not forty. The gaps on the axis show the empty ones.
	bars := make([]Bar, 0, len(counts))
	for i, n := range counts {
		p := p0 + i
		b := Bar{Count: n, X: i * (barWidth + barGap), W: barWidth}
		year, sub := p/4, p%4+1
		b.Label = fmt.Sprintf("%d Q%d", year, sub)
		if monthly {
			year, sub = p/12, p%12+1
			b.Label = time.Month(sub).String()[:3] + " " + strconv.Itoa(year)
		}
		b.Title = fmt.Sprintf("%s: %d brief%s", b.Label, n, plural(n))
		b.H = n * barHeight / a.Max
		if n > 0 {
			b.H = max(b.H, 2)
			b.Text = strconv.Itoa(n)
		}
		b.Y = barTop + barHeight - b.H
		b.TextX, b.TextY = b.X+barWidth/2, b.Y-4
		if b.Back = "H" + strconv.Itoa(b.X); len(b.Back) >= len("h-")+len(strconv.Itoa(b.W)) {
			b.Back = "h-" + strconv.Itoa(b.W)
		}
		if i == 0 || sub == 1 {
			b.Year, b.YearX, b.YearY = strconv.Itoa(year), b.X, barTop+barHeight+axisRoom-5
		}
		if i == 0 {
			a.From = b.Label
		}
		a.To = b.Label
		if n == 0 {
			a.Empty++
			if b.Year == "" {
				continue // nothing to draw
			}
		}
		bars = append(bars, b)
	}
	a.Width = max(len(counts)*(barWidth+barGap)-barGap, 40)
	a.Height = barTop + barHeight + axisRoom
	a.Base = barTop + barHeight
	a.Bars = render(l, itemActivityBar, nil, bars)
	rows := bars[:0:0]
	for _, b := range bars {
		if b.Count > 0 {
			rows = append(rows, b)
		}
	}
	a.Rows = render(l, itemActivityRow, nil, rows)
	return a
}

// months is how many whole months lie between two dates.
func months(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}
