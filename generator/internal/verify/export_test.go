package verify

import (
	"bytes"
	"net/url"
	"testing"

	"golang.org/x/net/html"
)

// For the external tests.
var (
	ScanLinks     = scanLinks
	Refs          = refs
	NoscriptAsDiv = noscriptAsDiv
)

func noscriptAsDiv(data []byte) []byte {
	data = bytes.ReplaceAll(data, []byte("<noscript>"), []byte("<div>"))
	return bytes.ReplaceAll(data, []byte("</noscript>"), []byte("</div>"))
}

// refs extracts the link targets of an HTML document (href, src and action
// of the elements that load or link something) with golang.org/x/net/html's
// tokenizer: the oracle scanLinks is checked against (TestScanMatchesTokenizer).
func refs(data []byte) []string {
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

// The fast path for plain relative links resolves exactly as resolve does.
func TestJoinRelativeMatchesResolve(t *testing.T) {
	base, _ := url.Parse("https://briefs.test/")
	for _, rel := range []string{"index.html", "actors/volt-typhoon/index.html", "briefs/page/2/index.html", "a.html"} {
		for _, ref := range []string{"../../briefs/x/", "../", "../../", "../../../../etc/", "x/", "x", "./y/", ".", "..", "a/../b/", "a//b/", "feed.json", "../x.json", "..//", "../../a/./b/../c/", "../../../", "a/b/c/../../"} {
			if !plainRelative(ref) {
				t.Fatalf("%q should take the fast path", ref)
			}
			want, _ := resolve(ref, rel, base, "")
			if got := string(appendJoinRelative(nil, ref, rel)); got != want {
				t.Errorf("%q from %s: fast path %q, resolve %q", ref, rel, got, want)
			}
		}
	}
	for _, ref := range []string{"", "/x/", "x?y", "x#y", "x%20y", "https://a/", "mailto:x", "x:y", "a b"} {
		if plainRelative(ref) {
			t.Errorf("%q took the fast path", ref)
		}
	}
}
