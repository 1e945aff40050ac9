package verify

import (
	"net/url"
	"testing"
)

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
