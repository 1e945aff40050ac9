// Package diag holds the positioned problems every stage reports.
//
// A Diagnostic names a file (slash-separated, relative to the project root), a
// 1-based line (0 when the problem is about the whole file), the front-matter
// field it concerns (a dotted path such as "sources[1].url", or empty) and a
// message. Diagnostics print as "path:line: field: message", the form editors
// and CI annotations understand.
package diag

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity says whether a diagnostic stops a build.
type Severity int

const (
	// Error stops the build before anything is rendered.
	Error Severity = iota
	// Warning is reported but does not stop the build.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem at one place.
type Diagnostic struct {
	File     string
	Line     int
	Field    string
	Message  string
	Severity Severity
}

func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
	}
	b.WriteString(": ")
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Field != "" {
		b.WriteString(d.Field)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// List collects diagnostics; the zero value is ready to use.
type List struct {
	items []Diagnostic
}

// Add appends one diagnostic.
func (l *List) Add(d Diagnostic) { l.items = append(l.items, d) }

// Errorf adds an error at file:line for field.
func (l *List) Errorf(file string, line int, field, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Warnf adds a warning at file:line for field.
func (l *List) Warnf(file string, line int, field, format string, args ...any) {
	l.Add(Diagnostic{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...), Severity: Warning})
}

// Merge appends every diagnostic of other.
func (l *List) Merge(other *List) {
	if other != nil {
		l.items = append(l.items, other.items...)
	}
}

// Items returns the diagnostics sorted by file, line, field and message, so
// output is the same whatever order the stages found them in.
func (l *List) Items() []Diagnostic {
	out := slices.Clone(l.items)
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Field, b.Field),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.CompactFunc(out, func(a, b Diagnostic) bool { return a == b })
}

// ErrorCount is the number of diagnostics with Error severity.
func (l *List) ErrorCount() int {
	n := 0
	for _, d := range l.items {
		if d.Severity == Error {
			n++
		}
	}
	return n
}

// Err returns nil when the list holds no errors, else an error whose message
// lists every error (warnings are left out).
func (l *List) Err() error {
	if l.ErrorCount() == 0 {
		return nil
	}
	return &ListError{Diagnostics: l.Items()}
}

// ListError is the error form of a list of diagnostics.
type ListError struct {
	Diagnostics []Diagnostic
}

func (e *ListError) Error() string {
	var b strings.Builder
	n := 0
	for _, d := range e.Diagnostics {
		if d.Severity != Error {
			continue
		}
		n++
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return fmt.Sprintf("%d problem(s):\n%s", n, strings.TrimSuffix(b.String(), "\n"))
}

// WriteText prints each diagnostic on its own line.
func WriteText(w io.Writer, ds []Diagnostic) error {
	for _, d := range ds {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
	}
	return nil
}

// WriteGitHub prints each diagnostic as a GitHub Actions workflow command
// (::error file=F,line=L,title=T::message), escaped as the runner requires.
func WriteGitHub(w io.Writer, ds []Diagnostic) error {
	for _, d := range ds {
		props := "file=" + escapeProperty(d.File)
		if d.Line > 0 {
			props += fmt.Sprintf(",line=%d", d.Line)
		}
		if d.Field != "" {
			props += ",title=" + escapeProperty(d.Field)
		}
		msg := d.Message
		if d.Field != "" {
			msg = d.Field + ": " + msg
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", d.Severity, props, escapeData(msg)); err != nil {
			return err
		}
	}
	return nil
}

// escapeData and escapeProperty follow the escaping of @actions/core's
// command.ts, which is what the runner un-escapes.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
