package validate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// Link destinations in Markdown: inline links and images, reference
// definitions and autolinks. This is a scanner for diagnostics, not a
// Markdown parser: rendering enforces the same rules in the link and image
// render hooks whatever this misses.
var (
	inlineLinkRe = regexp.MustCompile(`!?\[[^\]\n]*\]\(\s*<?([^)\s>]*)`)
	refDefRe     = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)`)
	autolinkRe   = regexp.MustCompile(`<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^>\s]*)>`)
	schemeRe     = regexp.MustCompile(`^([^/?#]*):`)
	controlRe    = regexp.MustCompile(`[\x00-\x20\x7f]`)
	// URLs and addresses written bare, which goldmark's linkify (and feed
	// readers) turn into links; in code spans they are not links.
	bareURLRe   = regexp.MustCompile(`(?i)\b(?:(?:https?|ftp)://|www\.)[^\s<>\[\]()"'` + "`" + `]+`)
	bareEmailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
	codeSpanRe  = regexp.MustCompile("`+[^`]*`+")
)

// Pages says which site paths a build will have, for checking links in
// brief bodies: Published reports a brief or term page that exists;
// Restricted reports a brief that exists but is above the build's TLP.
type Pages interface {
	Published(path string) bool
	Restricted(path string) (brief.TLP, bool)
}

// BodyLinks checks the links written in brief bodies: no unsafe scheme
// (javascript:, data:, vbscript:, file: ... are dropped when rendered), no
// ".." in a site path, and every link to a brief or term page points at one
// this build publishes. A link (or a bare URL or address, which becomes one)
// that points at an indicator (indicator.Set.Link: an IP address, one of the
// brief's iocs, a non-standard port) is a warning: the build shows it as
// defanged text. ks are the site's kinds, whose names are the sections of
// term pages.
func BodyLinks(briefs []brief.Brief, pages Pages, ks taxonomy.Table) *diag.List {
	var diags diag.List
	for i := range briefs {
		b := &briefs[i]
		iocs := indicator.NewSet(b.IOCs)
		inFence := false
		for n, line := range strings.Split(b.Body, "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
				inFence = !inFence
				continue
			}
			if inFence || strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
				continue
			}
			if !strings.Contains(line, "](") && !strings.Contains(line, "]:") && !strings.Contains(line, "<") &&
				!strings.Contains(line, "://") && !strings.Contains(line, "www.") && !strings.Contains(line, "@") {
				continue // no link on this line: skip the regular expressions
			}
			var dests []string
			for _, m := range inlineLinkRe.FindAllStringSubmatch(line, -1) {
				dests = append(dests, m[1])
			}
			if m := refDefRe.FindStringSubmatch(line); m != nil {
				dests = append(dests, m[1])
			}
			for _, m := range autolinkRe.FindAllStringSubmatch(line, -1) {
				dests = append(dests, m[1])
			}
			seen := map[string]bool{}
			for _, d := range dests {
				seen[d] = true
				msg, sev := checkDest(d, pages, ks)
				if msg == "" {
					msg, sev = indicatorLink(iocs, d, d)
				}
				if msg != "" {
					diags.Add(diag.Diagnostic{File: b.File, Line: b.BodyLine + n, Field: "body", Message: msg, Severity: sev})
				}
			}
			for _, l := range bareLinks(line) {
				if msg, sev := indicatorLink(iocs, l.written, l.dest); msg != "" && !seen[l.written] {
					seen[l.written] = true
					diags.Add(diag.Diagnostic{File: b.File, Line: b.BodyLine + n, Field: "body", Message: msg, Severity: sev})
				}
			}
		}
	}
	return &diags
}

// indicatorLink is the warning about a link written as written, to dest,
// when it points at an indicator.
func indicatorLink(iocs *indicator.Set, written, dest string) (string, diag.Severity) {
	f, ok := iocs.Link(dest)
	if !ok {
		return "", diag.Warning
	}
	fix := "list it under iocs: and write it as text"
	if f.Listed {
		fix = "write it as text"
	}
	return fmt.Sprintf("link %q %s; %s; links to indicators are never made live", written, f.Reason, fix), diag.Warning
}

// bareLink is a URL or e-mail address written bare, and the destination
// goldmark's linkify gives it.
type bareLink struct{ written, dest string }

// bareLinks lists the URLs and e-mail addresses written bare on a line.
func bareLinks(line string) []bareLink {
	line = codeSpanRe.ReplaceAllString(line, " ")
	var out []bareLink
	for _, u := range bareURLRe.FindAllString(line, -1) {
		u = strings.TrimRight(u, ".,;:!?*_~")
		dest := u
		if strings.HasPrefix(strings.ToLower(u), "www.") {
			dest = "https://" + u // Hugo's linkifyProtocol
		}
		out = append(out, bareLink{u, dest})
	}
	for _, m := range bareEmailRe.FindAllString(bareURLRe.ReplaceAllString(line, " "), -1) {
		out = append(out, bareLink{m, "mailto:" + m})
	}
	return out
}

// checkDest returns what is wrong with one link destination, if anything.
// An unsafe scheme is a warning (the renderer shows such a link as plain
// text); a link that would break or leak a restricted brief is an error.
func checkDest(dest string, pages Pages, ks taxonomy.Table) (string, diag.Severity) {
	d := controlRe.ReplaceAllString(dest, "")
	if d == "" || strings.HasPrefix(d, "#") {
		return "", diag.Error
	}
	if m := schemeRe.FindStringSubmatch(d); m != nil {
		switch strings.ToLower(m[1]) {
		case "http", "https", "mailto":
			return "", diag.Error
		}
		return fmt.Sprintf("link %q uses the %s: scheme; it will be shown as plain text, not a link (only http(s), mailto and site paths become links)", dest, strings.ToLower(m[1])), diag.Warning
	}
	if strings.HasPrefix(d, "//") {
		return "", diag.Error
	}
	path := d
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == ".." {
			return fmt.Sprintf("link %q climbs out of its directory with \"..\"; link to a site path such as /briefs/<slug>/", dest), diag.Error
		}
	}
	if !strings.HasPrefix(path, "/") || strings.Count(path, "/") != 3 || !strings.HasSuffix(path, "/") {
		return "", diag.Error // not a brief or term page; the build's link check covers the rest
	}
	if pages.Published(path) {
		return "", diag.Error
	}
	if t, ok := pages.Restricted(path); ok {
		return fmt.Sprintf("link %q points at a TLP:%s brief that this build does not publish", dest, strings.ToUpper(string(t))), diag.Error
	}
	kind := strings.Split(path, "/")[1]
	if kind == "briefs" {
		return fmt.Sprintf("link %q points at no published brief", dest), diag.Error
	}
	if k, ok := ks.Lookup(kind); ok {
		return fmt.Sprintf("link %q points at no page: there is no such %s", dest, k.Singular), diag.Error
	}
	return "", diag.Error
}
