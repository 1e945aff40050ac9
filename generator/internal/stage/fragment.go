package stage

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// Pre-rendered list items.
//
// The longest lists on the site (the briefs on a term page, the terms a term
// is seen with, the terms of a brief) are rendered here as HTML list items
// rather than staged as data for a template to loop over. A 10,000-brief
// library has some 200,000 such items: as front matter, Hugo keeps each as a
// map (copied again when it lower-cases keys) and runs a template loop over
// it, which made them most of the memory and much of the time of a build.
// As fragments, each list is one string. (Files the templates read with
// os.ReadFile instead would be held in memory once rather than in every copy
// Hugo keeps of a page's front matter, but the 140,000 reads of a
// 10,000-brief library cost more time than that saved.) The page structure around them (sections, headings, the <ol>/<ul>) stays
// in layouts/; these functions write only the <li> items, with text and
// attributes escaped by html.EscapeString. Links are relative to the page: brief and term pages
// are all two levels deep (/briefs/<slug>/, /<kind>/<slug>/), so "../../"
// reaches the site root whatever the base URL's path, online or offline.

const up = "../../"

// The items are written the way Hugo's minifier (tdewolff/minify) would
// write them: attribute values that need no quotes get none, so the pages
// stay minified and the staged JSON carries no escaped quotes.

// attr writes name=value, quoting and escaping the value only when needed.
func attr(b *strings.Builder, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteByte('=')
	if value != "" && strings.IndexFunc(value, needsQuotes) < 0 {
		b.WriteString(value)
		return
	}
	b.WriteByte('"')
	b.WriteString(html.EscapeString(value))
	b.WriteByte('"')
}

func needsQuotes(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '/' || r == '_')
}

// anchor writes a link to a page of the site, url relative to the site
// root, with an optional class: <a class=actor href=../../actors/x/>Name</a>.
func anchor(b *strings.Builder, class, url, text string) {
	b.WriteString("<a")
	if class != "" {
		attr(b, "class", class)
	}
	attr(b, "href", up+url)
	b.WriteByte('>')
	b.WriteString(html.EscapeString(text))
	b.WriteString("</a>")
}

// dateTime writes a brief's date: <time datetime=2024-05-02>2 May 2024</time>.
func dateTime(b *strings.Builder, r row) {
	b.WriteString("<time")
	attr(b, "datetime", r.Date)
	b.WriteByte('>')
	b.WriteString(html.EscapeString(r.Shown))
	b.WriteString("</time>")
}

// rowItems renders dated brief rows:
// <li><time datetime=2024-05-02>2 May 2024</time> <a href=../../briefs/x/>Title</a></li>
func rowItems(rows []row) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("<li>")
		dateTime(&b, r)
		b.WriteByte(' ')
		anchor(&b, "", r.URL, r.Title)
		b.WriteString("</li>")
	}
	return b.String()
}

// chipItems renders term chips: a link with the term's ID (if it shows one)
// and name, a title (e.g. a technique's tactics) and, when counted, the
// number of briefs (the list's heading says what the numbers are).
func chipItems(links []Link, counted bool) string {
	var b strings.Builder
	for _, l := range links {
		b.WriteString("<li><a")
		attr(&b, "href", up+l.URL)
		if l.Note != "" {
			attr(&b, "title", l.Note)
		}
		b.WriteByte('>')
		if l.ID != "" {
			b.WriteString("<span class=id>")
			b.WriteString(html.EscapeString(l.ID))
			b.WriteString("</span> ")
		}
		b.WriteString(html.EscapeString(l.Name))
		b.WriteString("</a>")
		if counted {
			b.WriteString("<span class=n>")
			b.WriteString(strconv.Itoa(l.Count))
			b.WriteString("</span>")
		}
		b.WriteString("</li>")
	}
	return b.String()
}

// relatedItems renders a brief's related briefs: link, date and summary.
// <li><a href=../../briefs/x/>Title</a> <time datetime=2024-05-02>2 May 2024</time><p>Summary</p></li>
func relatedItems(entries []*index.Entry) string {
	var b strings.Builder
	for _, e := range entries {
		r := rowOf(e)
		b.WriteString("<li>")
		anchor(&b, "", r.URL, r.Title)
		b.WriteByte(' ')
		dateTime(&b, r)
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(e.Brief.Summary))
		b.WriteString("</p></li>")
	}
	return b.String()
}

// campaignRow is a campaign in a timeline: when it was seen and its page.
type campaignRow struct {
	Name, URL   string
	First, Last string // YYYY-MM or YYYY; Last may be empty
}

// campaignItems renders a campaign timeline (a brief's, or an actor's):
// <li><span class=when>Aug 2024 – Sep 2024</span> <a href=../../campaigns/x/>Name</a></li>
func campaignItems(rows []campaignRow) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("<li><span class=when>")
		switch {
		case r.First == "":
			b.WriteString("undated")
		default:
			b.WriteString(html.EscapeString(month(r.First)))
			if r.Last != "" && r.Last != r.First {
				b.WriteString(" – ")
				b.WriteString(html.EscapeString(month(r.Last)))
			}
		}
		b.WriteString("</span> ")
		anchor(&b, "", r.URL, r.Name)
		b.WriteString("</li>")
	}
	return b.String()
}

// month shows "2024-08" as "Aug 2024"; anything else (a year) as it is.
func month(s string) string {
	if t, err := time.Parse("2006-01", s); err == nil {
		return t.Format("Jan 2006")
	}
	return s
}

// confidenceHTML renders a confidence level as text and a three-step
// meter, the step (c1 to c3) styling how many of its marks are filled.
func confidenceHTML(b *strings.Builder, level brief.Confidence) {
	step := "c0"
	switch level {
	case brief.ConfidenceLow:
		step = "c1"
	case brief.ConfidenceModerate:
		step = "c2"
	case brief.ConfidenceHigh:
		step = "c3"
	}
	b.WriteString(`<span class="confidence `)
	b.WriteString(step)
	b.WriteString(`"><span class=meter aria-hidden=true><i></i><i></i><i></i></span>`)
	b.WriteString(html.EscapeString(string(level)))
	b.WriteString(" confidence</span>")
}

// claim is an attribution claim as a brief shows it.
type claim struct {
	By, Actor, URL string
	Confidence     brief.Confidence
}

// claimItems renders a brief's attribution claims:
// <li><span class=by>CISA</span> attributes this to <a class=actor href=../../actors/x/>X</a> <span class="confidence c2">…</span></li>
func claimItems(claims []claim) string {
	var b strings.Builder
	for _, c := range claims {
		b.WriteString("<li><span class=by>")
		b.WriteString(html.EscapeString(c.By))
		b.WriteString("</span> attributes this to ")
		anchor(&b, "actor", c.URL, c.Actor)
		b.WriteByte(' ')
		confidenceHTML(&b, c.Confidence)
		b.WriteString("</li>")
	}
	return b.String()
}

// iocRows renders a brief's (already defanged) indicators as table rows:
// <tr><td>ipv4</td><td><code class=ioc>198.51.100[.]7</code></td><td>note</td></tr>
func iocRows(iocs []brief.IOC) string {
	var b strings.Builder
	for _, ioc := range iocs {
		b.WriteString("<tr><td>")
		b.WriteString(html.EscapeString(ioc.Type))
		b.WriteString("</td><td><code class=ioc>")
		b.WriteString(html.EscapeString(ioc.Value))
		b.WriteString("</code></td><td>")
		b.WriteString(html.EscapeString(ioc.Note))
		b.WriteString("</td></tr>")
	}
	return b.String()
}

// source is a cited publication as a brief lists it.
type source struct {
	Name, TermURL, Title, URL string
}

// sourceItems renders a brief's sources: the publisher's page, the title
// and the external link.
func sourceItems(sources []source) string {
	var b strings.Builder
	for _, s := range sources {
		b.WriteString("<li>")
		anchor(&b, "", s.TermURL, s.Name)
		if s.Title != "" {
			b.WriteString(", <cite>")
			b.WriteString(html.EscapeString(s.Title))
			b.WriteString("</cite>")
		}
		// Validation accepts only http(s) source URLs; anything else is
		// never made a link, should it get this far.
		if l := strings.ToLower(s.URL); strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") {
			b.WriteString(": <a class=ext")
			attr(&b, "href", s.URL)
			b.WriteString(` rel="noopener noreferrer">`)
			b.WriteString(html.EscapeString(s.URL))
			b.WriteString("</a>")
		}
		b.WriteString("</li>")
	}
	return b.String()
}

// termClaimItems renders the claims made about an actor, each with the
// brief that reports it (newest first):
// <li><span class=by>CISA</span> <span class="confidence c2">…</span> <span class=in>in <a href=../../briefs/x/>Title</a>, <time datetime=2024-05-02>2 May 2024</time></span></li>
func termClaimItems(claims []index.Claim) string {
	var b strings.Builder
	for _, c := range claims {
		r := rowOf(c.Entry)
		b.WriteString("<li><span class=by>")
		b.WriteString(html.EscapeString(c.By))
		b.WriteString("</span> ")
		confidenceHTML(&b, c.Confidence)
		b.WriteString(" <span class=in>in ")
		anchor(&b, "", r.URL, r.Title)
		b.WriteString(", ")
		dateTime(&b, r)
		b.WriteString("</span></li>")
	}
	return b.String()
}
