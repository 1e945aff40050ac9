package offline

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
)

// Brief builds the site with o and returns the page of the brief with this
// slug as one self-contained HTML file, for e-mail or printing: its
// stylesheet inlined, no scripts, nothing that loads from anywhere, and its
// links absolute to the web site (so they still lead somewhere once the file
// has been mailed on), minified with tdewolff/minify. When the base URL is
// only an example (see Placeholder), there is no web site to lead to: the
// links to it are written as their text, and the search form is left out.
//
// The web site's Content-Security-Policy forbids inline <style>, which is
// why its pages link their stylesheet; this file is not served with that
// policy (it is opened from disk or a mail client), and a single file can
// only carry its CSS inline.
func Brief(ctx context.Context, o pipeline.Options, slug string) ([]byte, *pipeline.Result, error) {
	tmp, err := os.MkdirTemp("", ".threatbriefs-brief-*")
	if err != nil {
		return nil, nil, fmt.Errorf("offline: %w", err)
	}
	defer os.RemoveAll(tmp)
	o.Destination = filepath.Join(tmp, "site")
	res, err := pipeline.Build(ctx, o)
	if err != nil {
		return nil, res, err
	}
	found := false
	for _, e := range res.Index.Entries {
		found = found || e.Brief.Slug == slug
	}
	if !found {
		for _, b := range res.Excluded {
			if b.Slug == slug {
				return nil, res, fmt.Errorf("offline: brief %q is TLP:%s, above what this build publishes (see --include-tlp)", slug, strings.ToUpper(string(b.TLP)))
			}
		}
		for _, b := range res.HeldBack {
			if b.Slug == slug {
				return nil, res, fmt.Errorf("offline: brief %q is dated %s, after today: it is held back until then (--buildFuture exports it now)", slug, b.Date.Format("2006-01-02"))
			}
		}
		return nil, res, fmt.Errorf("offline: there is no brief %q", slug)
	}
	data, err := Standalone(res.Destination, "briefs/"+slug+"/index.html", res.BaseURL)
	return data, res, err
}

// Placeholder reports whether baseURL is an example address rather than a
// real site's: its host is example.com, example.net or example.org, a
// subdomain of one, or under the .example top-level domain, the names RFC
// 2606 reserves for documentation (config.toml ships
// https://threatbriefs.example.org/).
func Placeholder(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, d := range []string{"example.com", "example.net", "example.org", "example"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	return false
}

// Standalone turns the page at rel (a slash path in the built site dir,
// built for baseURL) into a self-contained document. Its links to the site
// are absolute, or, when baseURL is a Placeholder, plain text.
//
// It rewrites the brief page the site build wrote rather than having the
// templates render a third edition, as they render the offline one
// (pipeline.Options.Offline, stage.Options.Offline). Rendering it would
// take, in layouts/, a standalone flag on every page that links (the head's
// stylesheet inlined through resources.Get and .Content, the header's
// search form and scripts left out, every term, brief and footer link
// absolute or plain text), and a whole-site build to render one page of
// it; this rewrite reads the one page and its stylesheet. It is kept to
// what an HTML tokenizer does reliably: dropping elements, inlining one
// stylesheet, resolving and unlinking hrefs.
func Standalone(dir, rel, baseURL string) ([]byte, error) {
	s, err := newSite(dir, baseURL)
	if err != nil {
		return nil, err
	}
	siteLinks := !Placeholder(baseURL)
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	pageURL, err := s.base.Parse(strings.TrimSuffix(rel, "index.html"))
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	var out bytes.Buffer
	z := html.NewTokenizer(bytes.NewReader(data))
	skip := ""        // the element being dropped with its content
	unlinked := false // an <a> to the site became a <span>: so does its </a>
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if skip != "" {
			if tt == html.EndTagToken {
				if name, _ := z.TagName(); string(name) == skip {
					skip = ""
				}
			}
			continue
		}
		if tt == html.EndTagToken && unlinked {
			if name, _ := z.TagName(); string(name) == "a" {
				unlinked = false
				out.WriteString("</span>")
				continue
			}
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		if !siteLinks && s.linksToSite(tok, rel) {
			switch tok.Data {
			case "a": // its text stays, styled by its class
				unlinked = tt == html.StartTagToken
				out.WriteString(unlink(tok))
			case "form":
				skip = "form"
			}
			continue
		}
		switch tok.Data {
		case "script", "noscript", "template", "iframe", "object", "embed":
			skip = tok.Data
			continue
		case "link":
			rels := strings.Fields(strings.ToLower(attr(tok, "rel")))
			switch {
			case slices.Contains(rels, "stylesheet"):
				css, err := s.inlineCSS(attr(tok, "href"), rel)
				if err != nil {
					return nil, err
				}
				out.WriteString("<style>")
				out.Write(css)
				out.WriteString("</style>")
				continue
			case slices.Contains(rels, "canonical"):
				// Not fetched; says where the brief lives.
			default:
				continue // icons, feeds, preloads: each would be a request
			}
		case "img", "source", "video", "audio", "input":
			if src := attr(tok, "src"); src != "" && !strings.HasPrefix(src, "data:") {
				return nil, fmt.Errorf("offline: %s loads %q; a standalone brief cannot", rel, src)
			}
		}
		changed := false
		attrs := tok.Attr[:0]
		for _, a := range tok.Attr {
			switch {
			case a.Key == "integrity" || a.Key == "crossorigin" || strings.HasPrefix(a.Key, "on"):
				changed = true
				continue
			case urlAttrs[a.Key] && a.Key != "src":
				if u, err := pageURL.Parse(strings.TrimSpace(a.Val)); err == nil && !strings.HasPrefix(a.Val, "#") && u.String() != a.Val {
					a.Val, changed = u.String(), true
				}
			}
			attrs = append(attrs, a)
		}
		if !changed {
			out.Write(raw) // as written: re-serializing would lowercase SVG's viewBox
			continue
		}
		tok.Attr = attrs
		out.WriteString(tok.String())
	}
	var min bytes.Buffer
	if err := postprocess.NewMinifier().Minify("text/html", &min, &out); err != nil {
		return nil, fmt.Errorf("offline: minifying %s: %w", rel, err)
	}
	return min.Bytes(), nil
}

// inlineCSS reads the stylesheet a page at rel links to.
func (s *site) inlineCSS(href, rel string) ([]byte, error) {
	p, _, ok := s.sitePath(href, rel)
	if !ok {
		return nil, fmt.Errorf("offline: %s links the stylesheet %q, which is not part of the site", rel, href)
	}
	css, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(p)))
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	if bytes.Contains(bytes.ToLower(css), []byte("url(")) || bytes.Contains(css, []byte("@import")) {
		return nil, fmt.Errorf("offline: %s loads other files (url() or @import); a standalone brief cannot", p)
	}
	// "</style" inside the CSS would end the element early.
	return bytes.ReplaceAll(css, []byte("</"), []byte(`<\/`)), nil
}

// linksToSite reports an element of the page at rel that links to the site
// or submits to it: an <a>, <area>, <form> or submit button, the canonical
// <link>, og:url. Links within the page (#fragment) are not to the site.
func (s *site) linksToSite(t html.Token, rel string) bool {
	switch t.Data {
	case "a", "area", "form", "button", "input":
	default:
		return dropForOffline(t)
	}
	for _, a := range t.Attr {
		if urlAttrs[a.Key] && a.Key != "src" {
			if _, _, ok := s.sitePath(a.Val, rel); ok {
				return true
			}
		}
	}
	return false
}

// unlink is the <span> an <a> becomes: its text and class without the link.
func unlink(a html.Token) string {
	span := html.Token{Type: html.StartTagToken, Data: "span"}
	for _, at := range a.Attr {
		switch at.Key {
		case "class", "id", "title", "lang", "dir":
			span.Attr = append(span.Attr, at)
		}
	}
	if a.Type == html.SelfClosingTagToken {
		return span.String() + "</span>"
	}
	return span.String()
}
