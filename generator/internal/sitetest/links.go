package sitetest

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// PageLinks returns where the <a> links of a built page point, as site paths
// ("/actors/x/"), resolved against the page as a browser resolves them.
// publicDir is the built site; sitePath is the page ("/briefs/a/"); host is
// the host the site was built for (links to other hosts are returned as
// written).
func PageLinks(t testing.TB, publicDir, sitePath, host string) []string {
	t.Helper()
	doc := ParseFile(t, filepath.Join(publicDir, filepath.FromSlash(strings.Trim(sitePath, "/")), "index.html"))
	base := &url.URL{Scheme: "https", Host: host, Path: "/" + strings.Trim(sitePath, "/") + "/"}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			for _, a := range n.Attr {
				if a.Key != "href" {
					continue
				}
				u, err := url.Parse(a.Val)
				if err != nil {
					out = append(out, a.Val)
					continue
				}
				if u = base.ResolveReference(u); u.Host == host {
					out = append(out, u.Path)
				} else {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// ParseFile parses the HTML document in file.
func ParseFile(t testing.TB, file string) *html.Node {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TokenizerLinks returns the href, src and action values of the link
// elements of an HTML page (a, link, script, img, form, iframe, source), in
// order, found with golang.org/x/net/html's tokenizer, the content of
// noscript elements read as markup (as a reader without scripts gets it):
// the oracle verify.PageLinks is checked against.
func TokenizerLinks(data []byte) []string {
	data = bytes.ReplaceAll(data, []byte("<noscript>"), []byte("<div>"))
	data = bytes.ReplaceAll(data, []byte("</noscript>"), []byte("</div>"))
	var out []string
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "a", "link", "script", "img", "form", "iframe", "source":
			default:
				continue
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "href", "src", "action":
					out = append(out, string(v))
				}
			}
		}
	}
}
