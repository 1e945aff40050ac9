package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var months = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

const monthAlt = `jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?`

// periodRe finds the pieces of a period: "August 2024", "March", "2024-05",
// "Q3 2024", "2023", "present".
var periodRe = regexp.MustCompile(`(?i)\b(?:(` + monthAlt + `)\.?(?:\s+(\d{1,2}),?)?(?:\s+(\d{4}))?|(\d{4})-(\d{2})(?:-\d{2})?|q([1-4])\s+(\d{4})|(\d{4})|(present|ongoing|today|now))\b`)

// monthYearRe finds a month that is followed by a year, for searching prose
// (where "may" alone is a verb).
var monthYearRe = regexp.MustCompile(`(?i)\b(` + monthAlt + `)\.?\s+(?:\d{1,2},?\s+)?(\d{4})\b`)

// point is one end of a period: YYYY or YYYY-MM.
type point struct {
	year, month int // month 0: the year only
	open        bool
}

func (p point) String() string {
	if p.month == 0 {
		return strconv.Itoa(p.year)
	}
	return fmt.Sprintf("%04d-%02d", p.year, p.month)
}

func plausibleYear(y int) bool { return y >= 1980 && y <= 2100 }

// period reads "August 2024", "March–May 2024", "2023 to 2024", "Q3 2024"
// or "since June 2022" and returns first and last seen ("" when unknown).
// A month without a year takes the next year given (or the previous one).
func period(s string) (first, last string) {
	var pts []point
	pendingFrom := -1 // index of the first point still waiting for a year
	// A year ends the wait of the months before it ("March and May 2024").
	setPendingYear := func(y int) {
		for i := max(pendingFrom, 0); pendingFrom >= 0 && i < len(pts); i++ {
			pts[i].year = y
		}
		pendingFrom = -1
	}
	for _, m := range periodRe.FindAllStringSubmatch(s, -1) {
		switch {
		case m[1] != "":
			mo := months[strings.ToLower(m[1])]
			if m[3] != "" {
				y, _ := strconv.Atoi(m[3])
				if !plausibleYear(y) {
					continue
				}
				setPendingYear(y)
				pts = append(pts, point{year: y, month: mo})
			} else {
				if pendingFrom < 0 {
					pendingFrom = len(pts)
				}
				pts = append(pts, point{month: mo})
			}
		case m[4] != "":
			y, _ := strconv.Atoi(m[4])
			mo, _ := strconv.Atoi(m[5])
			if plausibleYear(y) && mo >= 1 && mo <= 12 {
				pts = append(pts, point{year: y, month: mo})
			}
		case m[6] != "":
			q, _ := strconv.Atoi(m[6])
			y, _ := strconv.Atoi(m[7])
			if plausibleYear(y) {
				pts = append(pts, point{year: y, month: 3*q - 2}, point{year: y, month: 3 * q})
			}
		case m[8] != "":
			y, _ := strconv.Atoi(m[8])
			if !plausibleYear(y) {
				continue
			}
			setPendingYear(y)
			pts = append(pts, point{year: y})
		case m[9] != "":
			pts = append(pts, point{open: true})
		}
	}
	// Months still without a year take the last year before them.
	var ok []point
	prevYear := 0
	for _, p := range pts {
		if p.open {
			ok = append(ok, p)
			continue
		}
		if p.year == 0 {
			p.year = prevYear
		}
		if p.year == 0 {
			continue
		}
		prevYear = p.year
		ok = append(ok, p)
	}
	if len(ok) == 0 || ok[0].open {
		return "", ""
	}
	first = ok[0].String()
	end := ok[len(ok)-1]
	if end.open || len(ok) == 1 {
		return first, ""
	}
	last = end.String()
	// "2024" after "2024-05" adds nothing; a last before the first is a
	// misreading, not a period.
	if last == first || (end.month == 0 && end.year == ok[0].year) || last < first {
		return first, ""
	}
	return first, last
}

var ordinalRe = regexp.MustCompile(`(\d)(st|nd|rd|th)\b`)

var dateLayouts = []string{"2006-01-02", "2 January 2006", "January 2, 2006", "2 Jan 2006", "Jan 2, 2006", "02/01/2006", "2006/01/02", time.RFC3339, "Monday, January 2, 2006", "Monday, 2 January 2006"}

// parseDate reads a publication date line in one of the common layouts.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "."))
	s = ordinalRe.ReplaceAllString(s, "$1")
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil && plausibleYear(t.Year()) {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}
