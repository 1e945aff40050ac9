package sitetest

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

// Inert lists what in an HTML document could run code or load from another
// origin: script elements without src (inline code), frames and plugins,
// event-handler attributes, and href/src/action values with a javascript:,
// vbscript: or data: scheme (ignoring the whitespace browsers ignore), or
// images from another origin. An empty result means the page is inert.
func Inert(data []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tn, hasAttr := z.TagName()
		tag := string(tn)
		switch tag {
		case "iframe", "frame", "object", "embed", "applet", "base":
			out = append(out, fmt.Sprintf("<%s> element", tag))
		}
		hasSrc := false
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			key := string(k)
			val := strings.ToLower(strings.Map(func(r rune) rune {
				if r <= 0x20 || r == 0x7f {
					return -1
				}
				return r
			}, string(v)))
			if strings.HasPrefix(key, "on") {
				out = append(out, fmt.Sprintf("<%s %s=%q>", tag, key, v))
			}
			switch key {
			case "href", "src", "action", "formaction", "xlink:href":
				if key == "src" {
					hasSrc = true
				}
				for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.HasPrefix(val, bad) {
						out = append(out, fmt.Sprintf("<%s %s=%q>", tag, key, v))
					}
				}
				if tag == "img" && key == "src" && crossOrigin(val) {
					out = append(out, fmt.Sprintf("<img src=%q> loads from another origin", v))
				}
			}
		}
		if tag == "script" && !hasSrc {
			out = append(out, "inline <script>")
		}
	}
}

// crossOrigin reports whether a URL (lower-cased, whitespace removed) may
// point at another origin: it has a scheme, or it starts with two slashes,
// either way round (browsers read a backslash as a slash in http(s) URLs,
// so "/\evil.example/x" is "//evil.example/x"). A relative path such as
// "http/x:y" stays on the site.
func crossOrigin(u string) bool {
	u = strings.ReplaceAll(u, `\`, "/")
	if strings.HasPrefix(u, "//") {
		return true
	}
	end := strings.IndexAny(u, "/?#")
	if end < 0 {
		end = len(u)
	}
	return strings.Contains(u[:end], ":")
}
