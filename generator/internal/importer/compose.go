package importer

import (
	"regexp"
	"strings"

	ioc "github.com/threatbriefs/threatbriefs/generator/internal/indicator"
)

// text is the fifth stage: the brief's summary and its Markdown body.
type text struct {
	summary string
	body    string
}

// compose writes the summary and the body.
//
// The body keeps the Analysis Summary as written, with two changes a
// reader of the page needs: headings move down one level (the page's title
// is its only h1), and indicators the report gave live are defanged, so no
// renderer turns them into links.
func compose(c *candidates, d *draft, r *report) text {
	live := map[string]indicator{}
	for _, ind := range d.iocs {
		if ind.Live {
			live[ind.Written] = ind
		}
	}
	var out []string
	fence := false
	for _, l := range r.body {
		if strings.HasPrefix(strings.TrimSpace(l), "```") || strings.HasPrefix(strings.TrimSpace(l), "~~~") {
			fence = !fence
		}
		if !fence && headingRe.MatchString(l) && !strings.HasPrefix(l, "######") {
			l = "#" + l
		}
		if len(live) > 0 {
			l = defangLine(l, live)
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	body := strings.Trim(strings.Join(out, "\n"), "\n")
	if c.fullInBody != "" {
		body = "## Full report\n\n" + c.fullInBody + "\n\n" + body
	}
	if body != "" {
		body += "\n"
	}
	return text{summary: c.summary, body: body}
}

var tokenSpanRe = regexp.MustCompile("[^\\s,;|\"“”<>`*]+")

// defangLine replaces each token of l that is a live indicator.
func defangLine(l string, live map[string]indicator) string {
	return tokenSpanRe.ReplaceAllStringFunc(l, func(tok string) string {
		for _, t := range tokens(tok) {
			if ind, ok := live[t]; ok {
				return strings.Replace(tok, t, ioc.Defang(ind.Type, ioc.Refang(t)), 1)
			}
		}
		return tok
	})
}
