package importer

import (
	"fmt"
	"io"
	"strings"
)

// WriteReport prints the notes as a reviewer reads them: the warnings,
// what went into the brief and from which words, then what could not be
// mapped and why.
func (r *Result) WriteReport(w io.Writer) error {
	var b strings.Builder
	if m := r.Warnings(); len(m) > 0 {
		b.WriteString("  warnings:\n")
		for _, n := range m {
			fmt.Fprintf(&b, "    %-16s %s\n", n.Field, n.Reason)
		}
	}
	if m := r.Mapped(); len(m) > 0 {
		b.WriteString("  mapped:\n")
		for _, n := range m {
			fmt.Fprintf(&b, "    %-16s %s", n.Field, short(n.Value, 90))
			if n.Reason != "" {
				fmt.Fprintf(&b, "  (%s)", short(n.Reason, 160))
			}
			b.WriteByte('\n')
		}
	}
	if m := r.Missed(); len(m) > 0 {
		b.WriteString("  not mapped:\n")
		for _, n := range m {
			fmt.Fprintf(&b, "    %-16s ", n.Field)
			if n.From != "" {
				fmt.Fprintf(&b, "%q: ", short(n.From, 90))
			}
			b.WriteString(short(n.Reason, 200))
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
