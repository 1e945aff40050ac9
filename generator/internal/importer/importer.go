// Package importer turns "Analysis Summary" text reports into briefs.
//
// It accepts the plain-text format teams receive (see testdata/reports):
// optional "Date:", "Source:", "URL:" or "Title:" lines, a "Full Report"
// paragraph (often a news item ending "The post TITLE appeared first on
// PUBLISHER."), then "Analysis Summary" followed by Markdown: a
// "# Threat Actor: NAME (qualifier)" or "# Threat Actors: A and B" heading
// and "##" sections for attribution, activity (numbered items with a month
// and year in parentheses), tactics, techniques and procedures, targeting
// ("**Sectors:**", "**Geography:**", "**Victims:**"), tools and
// infrastructure ("**Malware families used:**", "**Infrastructure (C2,
// domains, IPs):**"), implications and mitigations. Any part may be missing
// or worded differently; "Not specified" placeholders yield nothing.
//
// Import is a pure function: from the report text, the vocabularies and
// profiles (through a resolve.Resolver) and Options it returns the brief's
// file and a list of Notes saying what it mapped, from which words, what it
// could not map, and what the analyst must look at (warnings: a brief of
// Options.Library that may report the same story, a source without a URL).
// Every suggested term carries a YAML comment naming the phrase it came
// from, so a reviewer sees it in the file. Terms are names of at most
// MaxTermWords words; techniques and mitigations come from the phrase
// tables (phrases.go) and from ATT&CK names and IDs written in the report.
// The summary is written from the mapped values (who did what to whom and
// when); the body holds the report's text under the house headings (What
// happened, How they got in, Attribution, Why it matters, What to do). The
// front matter loads with goldmark-meta (YAML 1.1) and, given a date,
// passes validation. Import never panics and runs in time linear in the
// input for any input.
//
// Import runs in stages, each a function of what the one before returned,
// so their order is fixed by their types: parseReport (text → report: the
// header lines, the Full Report paragraph, the analysis split by heading),
// readSections (report → sections: labelled lines, numbered activity items,
// bullets), extract (→ candidates: the words that may become values, and
// the values that need no vocabulary, such as indicators), mapTerms (→
// draft: every value mapped to the vocabularies and profiles, with its
// comment), compose (→ the summary and body) and render (→ the file).
//
// OpenProject, NewRun and Run.ImportFile do what `generator import` does
// with files: read a report (or standard input), write its brief under the
// project's content/briefs/YYYY/ (or another directory, or standard
// output) without overwriting one unless told to, and check it the way
// `check` does; Imported says what was written and what was mapped.
package importer

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
)

// MaxReportSize bounds a report; briefs are limited to 1 MiB as well.
const MaxReportSize = 512 << 10

// Options are the facts a report may lack and the labels the caller sets.
type Options struct {
	// Resolver resolves names to canonical terms (vocabularies and the
	// project's profiles). Required.
	Resolver *resolve.Resolver
	// Date is the publication date used when the report gives none.
	Date time.Time
	// TLP is the label of the brief; default clear.
	TLP brief.TLP
	// Name is the report's file name, mentioned in the brief's header
	// comment; "" for none.
	Name string
	// Library is the project's briefs. Import warns about each that may
	// report the same story (package story): same source URL, or same
	// actor and source within a few days. Nil for none.
	Library []brief.Brief
}

// Errors for reports that lack a required fact. They are returned wrapped,
// together with a Result whose Notes say what was mapped.
var (
	ErrNoDate    = errors.New("the report gives no publication date")
	ErrNoTitle   = errors.New("the report has no title: no \"appeared first on\" line, Title: line or Full Report text")
	ErrNoSummary = errors.New("the report has no Full Report paragraph or analysis text to take a summary from")
	ErrTooLarge  = fmt.Errorf("the report is larger than %d bytes", MaxReportSize)
)

// Note says where one value of the brief came from, or why some words of
// the report were not used.
type Note struct {
	Field  string // front-matter key: "techniques", "sectors", ...; "brief" for the whole
	Value  string // what went into the brief; "" when nothing did
	From   string // the report's words
	Reason string // how it was mapped, or why not
	// Warning marks what the analyst must look at before publishing: a
	// brief the library already has on the same story, a source without
	// an address.
	Warning bool
}

// Mapped reports whether the note is about a value that went into the brief.
func (n Note) Mapped() bool { return n.Value != "" && !n.Warning }

// Result is an imported brief.
type Result struct {
	Title string
	Slug  string    // file name without ".md"
	Date  time.Time // zero when the report had none and Options.Date was zero
	Brief []byte    // the file; nil when err is not nil
	Notes []Note
}

// Mapped returns the notes about values that went into the brief.
func (r *Result) Mapped() []Note {
	return slices.DeleteFunc(slices.Clone(r.Notes), func(n Note) bool { return !n.Mapped() })
}

// Missed returns the notes about what could not be mapped.
func (r *Result) Missed() []Note {
	return slices.DeleteFunc(slices.Clone(r.Notes), func(n Note) bool { return n.Mapped() || n.Warning })
}

// Warnings returns the notes the analyst must look at before publishing.
func (r *Result) Warnings() []Note {
	return slices.DeleteFunc(slices.Clone(r.Notes), func(n Note) bool { return !n.Warning })
}

// Import converts one report, in stages that each take what the one
// before returned: parse the text (parseReport), read its sections
// (readSections), extract the candidate values (extract), map them to the
// vocabularies (mapTerms), write the summary and body (compose) and the
// file (render).
func Import(text string, o Options) (*Result, error) {
	if o.Resolver == nil {
		return nil, errors.New("import: no resolver")
	}
	if len(text) > MaxReportSize {
		return &Result{}, fmt.Errorf("import: %w", ErrTooLarge)
	}
	if o.TLP == "" {
		o.TLP = brief.TLPClear
	}
	var n notes
	rep := parseReport(normalize(text))
	sec := readSections(rep)
	cand := extract(rep, sec, &n)
	d, err := mapTerms(cand, o, &n)
	warn(d, o, &n)
	res := &Result{Title: d.title, Slug: d.slug, Date: d.date, Notes: n.sorted()}
	if err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	t := compose(cand, d, rep, o.Resolver.Vocab(), &n)
	res.Notes = n.sorted()
	res.Brief = render(d, t, &n)
	return res, nil
}

// short cuts s to n runes at a word boundary.
func short(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n]
	cut := string(rs)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-") + "…"
}

// firstSentence returns the first sentence of s: up to a full stop that
// ends a word of more than one letter and is followed by a capital.
// A closing quote after the stop belongs to the sentence: `unit." The`.
var sentenceEndRe = regexp.MustCompile(`[a-z0-9)”"’]{2}([.!?][”"’)]?)(?:\s+[A-Z“"‘]|\s*$)`)

func firstSentence(s string) string {
	if loc := sentenceEndRe.FindStringSubmatchIndex(s); loc != nil {
		return strings.TrimSpace(s[:loc[3]])
	}
	return strings.TrimSpace(s)
}

// sentences splits text after full stops that end sentences.
func sentences(s string) []string {
	var out []string
	for s != "" {
		f := firstSentence(s)
		if f == "" {
			break
		}
		out = append(out, f)
		s = strings.TrimSpace(strings.TrimPrefix(s, f))
	}
	return out
}

// isWebURL is validation's rule for a source address.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && utf8.RuneCountInString(s) <= validate.MaxURLBytes
}
