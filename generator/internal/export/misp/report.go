package misp

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// reportMarkdown is a brief as the Markdown of a MISP Event Report: its
// title, summary, dates, TLP label and page, the attribution claims, the
// body as written (its indicators defanged, as everywhere the brief's
// prose is shown, and without raw HTML, which the site does not publish
// either) and the sources. Text from front matter is escaped, so a title
// or name is shown as written rather than read as Markdown.
func (s *site) reportMarkdown(e *index.Entry) string {
	b := e.Brief
	var w strings.Builder
	w.Grow(len(b.Body) + 2*(len(b.Title)+len(b.Summary)) + 200*(len(e.Claims)+len(e.Sources)) + 200)
	w.WriteString("# " + mdText(b.Title) + "\n\n")
	if b.Summary != "" {
		w.WriteString(mdText(b.Summary) + "\n\n")
	}
	w.WriteString("- Date: " + b.Date.Format(time.DateOnly))
	if b.Updated.After(b.Date) {
		w.WriteString(" (updated " + b.Updated.Format(time.DateOnly) + ")")
	}
	w.WriteString("\n- TLP: " + strings.ToUpper(string(b.TLP)) + "\n")
	w.WriteString("- Brief: <" + s.base + e.URL + ">\n\n")
	if len(e.Claims) > 0 {
		w.WriteString("## Attribution\n\n")
		for _, c := range e.Claims {
			w.WriteString("- " + mdText(c.By) + " attributes this activity to " + mdText(c.Actor.Name) +
				" (" + string(c.Confidence) + " confidence).\n")
		}
		w.WriteString("\n")
	}
	if body := strings.TrimSpace(dropRawHTML(b.Body)); body != "" {
		w.WriteString(body + "\n\n")
	}
	if len(e.Sources) > 0 {
		w.WriteString("## Sources\n\n")
		for _, src := range e.Sources {
			label := src.Term.Name
			if src.Title != "" {
				label += ": " + src.Title
			}
			if src.URL != "" {
				w.WriteString("- [" + mdText(label) + "](<" + src.URL + ">)\n")
			} else {
				w.WriteString("- " + mdText(label) + "\n")
			}
		}
	}
	return strings.TrimRight(w.String(), "\n") + "\n"
}

// mdEscaper backslash-escapes the ASCII punctuation that could start
// Markdown emphasis, links, code, HTML or tables in a line of plain text,
// and folds line breaks into spaces.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `#`, `\#`, `|`, `\|`, `~`, `\~`, `!`, `\!`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

// mdText is plain text as Markdown that shows it as written. A line that
// would start a list or a block quote is escaped there too.
func mdText(s string) string {
	s = mdEscaper.Replace(s)
	if s != "" && strings.ContainsRune("-+=", rune(s[0])) {
		s = `\` + s
	}
	return s
}

// bodyParser parses bodies as Hugo does (goldmark with GitHub's
// extensions), to find what Hugo treats as raw HTML. A parser keeps no
// state between calls.
var bodyParser = sync.OnceValue(func() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()
})

// dropRawHTML removes raw HTML (blocks and inline tags) from Markdown,
// which the site drops too (config.toml: markup.goldmark.renderer.unsafe
// = false).
func dropRawHTML(md string) string {
	if !strings.Contains(md, "<") {
		return md // no tag: skip the parse
	}
	src := []byte(md)
	var cut []text.Segment
	doc := bodyParser().Parse(text.NewReader(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				cut = append(cut, n.Lines().At(i))
			}
			if n.HasClosure() {
				cut = append(cut, n.ClosureLine)
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				cut = append(cut, n.Segments.At(i))
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if len(cut) == 0 {
		return md
	}
	sort.Slice(cut, func(i, j int) bool { return cut[i].Start < cut[j].Start })
	var out []byte
	at := 0
	for _, seg := range cut {
		if seg.Start < at {
			continue
		}
		out = append(out, src[at:seg.Start]...)
		at = seg.Stop
	}
	return string(append(out, src[at:]...))
}
