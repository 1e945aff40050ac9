package importer

// render is the last stage: the brief's file, front matter with a comment
// on each suggested value, then the body.
func render(d *draft, t text, n *notes) []byte {
	var y yamlWriter
	y.b.WriteString("---\n")
	from := "a report"
	if d.name != "" {
		from = d.name
	}
	y.notes(0, []string{
		"Imported from " + from + " by `generator import`. The comments say which words of",
		"the report each value came from; check the suggestions, then delete the comments.",
	})
	y.notes(0, n.warned["brief"])
	y.line(0, "title: "+scalar(d.title), d.titleNote)
	y.line(0, "date: "+d.date.Format("2006-01-02"), d.dateNote)
	y.line(0, "summary: "+quote(t.summary), t.summaryNote)
	y.notes(2, n.missed["summary"])
	y.line(0, "tlp: "+scalar(string(d.tlp)), "")

	if d.source.name == "" {
		y.line(0, "sources: []", "")
	} else {
		y.line(0, "sources:", "")
		y.line(2, "- name: "+scalar(d.source.name), d.source.note)
		if d.source.title != "" {
			y.line(4, "title: "+scalar(d.source.title), "")
		}
		if d.source.url != "" {
			y.line(4, "url: "+quote(d.source.url), "")
		}
	}
	y.notes(2, n.warned["sources"])
	y.notes(2, n.missed["sources"])

	if len(d.claims) == 0 {
		y.line(0, "attribution: []", "")
	} else {
		y.line(0, "attribution:", "")
		for _, c := range d.claims {
			y.line(2, "- actor: "+scalar(c.actor), c.actorNote)
			y.line(4, "by: "+scalar(c.by), c.byNote)
			y.line(4, "confidence: "+c.confidence, c.confNote)
		}
	}
	y.list("actors", d.actors, n.missed["actors"])

	if len(d.campaigns) == 0 {
		y.line(0, "campaigns: []", "")
	} else {
		y.line(0, "campaigns:", "")
		for _, c := range d.campaigns {
			y.line(2, "- name: "+scalar(c.name), c.note)
			if c.first != "" {
				y.line(4, "first_seen: "+month(c.first), "")
			}
			if c.last != "" {
				y.line(4, "last_seen: "+month(c.last), "")
			}
		}
	}
	y.notes(2, n.missed["campaigns"])
	y.list("sectors", d.sectors, n.missed["sectors"])
	y.list("countries", d.countries, n.missed["countries"])
	y.list("techniques", d.techniques, n.missed["techniques"])
	y.list("malware", d.malware, n.missed["malware"])
	y.list("vulnerabilities", d.vulnerabilities, n.missed["vulnerabilities"])
	y.list("mitigations", d.mitigations, n.missed["mitigations"])
	if len(d.iocs) == 0 {
		y.line(0, "iocs: []", "")
	} else {
		y.line(0, "iocs:", "")
		for _, ind := range d.iocs {
			how := "defanged in the report"
			if ind.Live {
				how = "live in the report"
			}
			y.line(2, "- type: "+ind.Type, how)
			y.line(4, "value: "+quote(ind.Value), "")
			if ind.Note != "" {
				y.line(4, "note: "+quote(ind.Note), "")
			}
		}
	}
	y.notes(2, n.missed["iocs"])
	y.b.WriteString("---\n")
	y.b.WriteString(t.body)
	return []byte(y.b.String())
}

// month writes YYYY-MM plain (it is read as text) and a bare year quoted
// (plain, YAML would read a number).
func month(s string) string {
	if len(s) == 4 {
		return quote(s)
	}
	return s
}
