package validate

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// bodyParser parses bodies as Hugo does (goldmark, with GitHub's
// extensions), to find what Hugo will treat as raw HTML. Built once: a
// parser keeps no state between calls.
var bodyParser = sync.OnceValue(func() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()
})

// rawHTML warns about each line of a body that holds raw HTML, which the
// site drops (config.toml: markup.goldmark.renderer.unsafe = false), as
// Hugo does: HTML comments are left out silently, so they are not reported.
// bodyLine is the line of the body's first line in file.
func rawHTML(file, body string, bodyLine int, diags *diag.List) {
	if !strings.Contains(body, "<") {
		return // no tag: skip the parse
	}
	src := []byte(body)
	reported := map[int]bool{}
	report := func(seg text.Segment) {
		v := src[seg.Start:seg.Stop]
		if bytes.HasPrefix(v, []byte("<!--")) {
			return
		}
		line := bodyLine + bytes.Count(src[:seg.Start], []byte("\n"))
		if reported[line] {
			return
		}
		reported[line] = true
		diags.Warnf(file, line, "body", "raw HTML is not published (%s); write Markdown", snippet(v))
	}
	doc := bodyParser().Parse(text.NewReader(src))
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if n.Lines().Len() > 0 {
				report(n.Lines().At(0))
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			if n.Segments.Len() > 0 {
				report(n.Segments.At(0))
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// snippet is the start of a piece of HTML, on one line, for a message.
func snippet(v []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(v)), "\n")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:39]) + "…"
	}
	return s
}
