package changes

import (
	"fmt"
	"io"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// Markdown writes the summary of the change as GitHub-flavoured Markdown, the
// form a workflow's job summary ($GITHUB_STEP_SUMMARY) and a pull-request
// comment render. Text from briefs is escaped, so a title cannot add markup.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Brief changes against %s\n\n", code(r.Ref))

	if len(r.Briefs) == 0 && len(r.Profiles) == 0 {
		b.WriteString("No brief or profile changed.\n\n")
	}
	if len(r.Briefs) > 0 {
		b.WriteString("| | Brief | Date | TLP | Check |\n| --- | --- | --- | --- | --- |\n")
		for _, it := range r.Briefs {
			title := "*does not load*"
			if it.Title != "" {
				title = "**" + escape(it.Title) + "**"
			}
			where := code(it.File)
			if it.Status == Renamed {
				where = code(it.OldFile) + " → " + code(it.File)
			}
			date, tlp := "", ""
			if !it.Date.IsZero() {
				date = it.Date.Format("2006-01-02")
			}
			if it.TLP != "" {
				tlp = "TLP:" + strings.ToUpper(string(it.TLP))
			}
			check := problems(it.Errors, it.Warnings)
			if it.Status == Deleted {
				check = ""
			}
			fmt.Fprintf(&b, "| %s | %s<br>%s | %s | %s | %s |\n", it.Status, title, where, date, tlp, check)
		}
		b.WriteString("\n")
		for _, it := range r.Briefs {
			for _, s := range it.Same {
				fmt.Fprintf(&b, "**Possible duplicate:** %s may report the same story as **%s** (%s): it %s.\n\n", code(it.File), escape(s.Title), code(s.File), s.Why)
			}
			if len(it.Fields) > 0 {
				b.WriteString(fieldLine(it))
			}
		}
	}
	if len(r.Profiles) > 0 {
		b.WriteString("**Profiles**\n\n")
		for _, it := range r.Profiles {
			singular := it.Kind
			if k, ok := r.kinds.Lookup(it.Kind); ok {
				singular = k.Singular
			}
			fmt.Fprintf(&b, "- %s %s profile", it.Status, singular)
			if it.Title != "" {
				fmt.Fprintf(&b, " **%s**", escape(it.Title))
			}
			if it.OldTitle != "" {
				fmt.Fprintf(&b, " (was **%s**)", escape(it.OldTitle))
			}
			if it.Status == Renamed {
				fmt.Fprintf(&b, " %s → %s", code(it.OldFile), code(it.File))
			} else {
				fmt.Fprintf(&b, " %s", code(it.File))
			}
			if it.Status != Deleted && it.Errors+it.Warnings > 0 {
				fmt.Fprintf(&b, ": %s", problems(it.Errors, it.Warnings))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}

	var terms, techniques, pages []string
	var kind string
	for _, t := range r.Terms {
		if t.Kind.Resolution == taxonomy.ByKnown {
			pages = append(pages, newPage(t))
			continue
		}
		s := termLabel(t.Kind, t.Name, t.ID)
		if t.Near != "" {
			s += " (possible duplicate of **" + escape(t.Near) + "**)"
		}
		if t.Kind.Resolution == taxonomy.ByTechnique {
			techniques = append(techniques, "- "+s)
			continue
		}
		if t.Kind.Name != kind {
			kind = t.Kind.Name
			terms = append(terms, "- **"+t.Kind.Title+":** "+s)
		} else {
			terms[len(terms)-1] += ", " + s
		}
	}
	if len(pages) > 0 {
		b.WriteString("**New actor and malware pages**\n\n" + strings.Join(pages, "\n") + "\n\n")
	}
	if len(terms) > 0 {
		b.WriteString("**New terms**\n\n" + strings.Join(terms, "\n") + "\n\n")
	}
	if len(techniques) > 0 {
		b.WriteString("**New ATT&CK techniques**\n\n" + strings.Join(techniques, "\n") + "\n\n")
	}
	if len(terms)+len(techniques)+len(pages) == 0 && len(r.Briefs)+len(r.Profiles) > 0 {
		b.WriteString("No new terms.\n\n")
	}
	b.WriteString(r.removedSection())

	if tlp := r.tlpLine(); tlp != "" {
		b.WriteString(tlp + "\n\n")
	}
	b.WriteString(r.checkLine() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// termLabel is how the summary names a term: by ID and name where pages
// show its ID (techniques, ATT&CK mitigations), by name and ID where its
// kind's list does (countries), else by name.
func termLabel(k taxonomy.Kind, name, id string) string {
	switch {
	case id == "":
	case k.IDs == taxonomy.IDShown:
		return id + " " + escape(name)
	case k.IDs == taxonomy.IDInList:
		return escape(name) + " (" + id + ")"
	}
	return escape(name)
}

// newPage is the line of the summary for a new actor or malware term: the
// page it gets, whether ATT&CK knows it, and a likely duplicate.
func newPage(t NewTerm) string {
	s := "- " + t.Kind.Singular + " **" + escape(t.Name) + "**"
	if t.Attack != "" {
		s += " (ATT&CK " + t.Attack + ")"
	}
	if t.Page != "" {
		s += ": " + code(t.Page)
	} else {
		s += ": no public page (only briefs above TLP:CLEAR name it)"
	}
	if t.Near != "" {
		s += ", possible duplicate of **" + escape(t.Near) + "**"
	}
	return s
}

// tlpLine counts the labels of the briefs the change leaves in place.
func (r *Report) tlpLine() string {
	counts := map[brief.TLP]int{}
	for _, it := range r.Briefs {
		if it.Status != Deleted && it.TLP != "" {
			counts[it.TLP]++
		}
	}
	var parts []string
	restricted := false
	for _, l := range brief.TLPLevels() {
		if counts[l] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[l], l))
			restricted = restricted || l != brief.TLPClear
		}
	}
	if len(parts) == 0 {
		return ""
	}
	s := "**TLP:** " + strings.Join(parts, ", ") + "."
	if restricted {
		s += " Only TLP:CLEAR briefs are published on the public site."
	}
	return s
}

func (r *Report) checkLine() string {
	errs := r.ErrorCount()
	s := "**Check:** "
	if len(r.Diagnostics) == 0 {
		s += "no problems"
		if !r.Tooling {
			s += " in the changed files"
		}
		s += "."
	} else {
		s += problems(errs, len(r.Diagnostics)-errs) + "."
	}
	touched := map[string]bool{}
	for _, it := range append(r.Briefs, r.Profiles...) {
		touched[it.File] = true
	}
	var others []string
	for _, d := range r.Diagnostics {
		if !touched[d.File] && (len(others) == 0 || others[len(others)-1] != code(d.File)) {
			others = append(others, code(d.File))
		}
	}
	if len(others) > 0 {
		s += fmt.Sprintf(" Files this change does not edit are affected too: %s.", strings.Join(others, ", "))
	}
	if r.Tooling {
		s += " The change touches the generator, so every file was checked and every problem is listed."
	}
	return s
}

func problems(errs, warns int) string {
	if errs+warns == 0 {
		return "ok"
	}
	var parts []string
	if errs > 0 {
		parts = append(parts, plural(errs, "error"))
	}
	if warns > 0 {
		parts = append(parts, plural(warns, "warning"))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return fmt.Sprintf("%d %ss", n, s)
}

// escape makes text inert inside a line or a table cell: the characters that
// could start emphasis, code, a link, raw HTML, strikethrough or a cell are
// backslash-escaped (CommonMark allows that for any ASCII punctuation), and
// line breaks become spaces.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_[]<>|~", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code formats a path or ref as inline code, with a fence longer than any
// backtick run inside it.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
