package verify_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/verify"
)

func write(t *testing.T, dir, rel, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func urls(bs []verify.Broken) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.URL)
	}
	slices.Sort(out)
	return out
}

// Links reports the internal links of a site's pages that point to no file,
// and links outside the base URL's path; external links are not its business.
func TestLinks(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "briefs/a/index.html", `<a href=../../briefs/b/>b</a> <a href=/briefs/a/stix.json>stix</a> `+
		`<a href=../../missing/>m</a> <a href="/other-site/x/">o</a> <a href="https://briefs.test/briefs/a/">self</a> <a href="https://elsewhere.example/">ext</a>`)
	write(t, dir, "briefs/b/index.html", `<a href=../a/>a</a>`)
	underSite, err := verify.Links(dir, verify.Options{BaseURL: "https://briefs.test/site/"})
	if err != nil {
		t.Fatal(err)
	}
	// With the base URL's path /site/, "/briefs/a/stix.json" and
	// "/other-site/x/" are outside the site; the absolute URL without /site/ too.
	want := []string{"../../missing/", "/briefs/a/stix.json", "/other-site/x/", "https://briefs.test/briefs/a/"}
	if got := urls(underSite); !slices.Equal(got, want) {
		t.Fatalf("broken %q, want %q", got, want)
	}

	broken, err := verify.Links(dir, verify.Options{BaseURL: "https://briefs.test/"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := urls(broken), []string{"../../missing/", "/briefs/a/stix.json", "/other-site/x/"}; !slices.Equal(got, want) {
		t.Fatalf("broken %q, want %q", got, want)
	}
	write(t, dir, "briefs/a/stix.json", `{}`)
	write(t, dir, "other-site/x/index.html", ``)
	broken, err = verify.Links(dir, verify.Options{BaseURL: "https://briefs.test/"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := urls(broken), []string{"../../missing/"}; !slices.Equal(got, want) {
		t.Errorf("once the files exist: broken %q, want %q", got, want)
	}
}

// The offline edition is read from file:// wherever it is unpacked: Links
// with Options.Offline reports, besides missing targets, every internal
// link that is root-relative, absolute to the web site, names a directory
// or leaves the edition, and every page, stylesheet or script that
// mentions the web site's address. Links to other sites, mailto:,
// fragments and queries are not its business. (These were the rules of
// offline.Check, which rewrote the web site's pages; the templates now
// render the edition, and this is the one checker.)
func TestOfflineRules(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "index.html", `<link rel=stylesheet href=./css/a.css><a href=./index.html>home</a> <a href="briefs/a/index.html?q=1#top">A</a> `+
		`<a href=https://example.org/>elsewhere</a> <a href=#main>skip</a> <a href=?q=x>query</a> <a href=mailto:x@example.org>mail</a>`+
		`<a href=/briefs/a/index.html>root</a> <a href=briefs/>dir</a> <a href=../outside.html>out</a> <a href=briefs/a/../..>dotdot</a>`)
	write(t, dir, "briefs/a/index.html", `<a href=../../index.html>up</a><a href="https://offline.test/briefs/a/">self</a>`+
		`<form action=/search/><input name=q></form><noscript><p>Browse the <a href="../">briefs</a></noscript><a href=../../missing.html>gone</a>`)
	write(t, dir, "briefs/index.html", ``)
	write(t, dir, "css/a.css", `body{background:url(https://offline.test/images/x.svg)}`)
	write(t, dir, "js/s.js", `var u = "//offline.test/search/";`)
	write(t, dir, "feed.json", `{"home_page_url": "https://offline.test/"}`) // data for other tools: may
	broken, err := verify.Links(dir, verify.Options{BaseURL: "https://offline.test/", Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range broken {
		got = append(got, b.String())
	}
	slices.Sort(got)
	want := []string{
		"briefs/a/index.html: " + verify.WhyAbsolute + " https://offline.test/briefs/a/",
		"briefs/a/index.html: " + verify.WhyDirectory + " ../",
		"briefs/a/index.html: " + verify.WhyMissing + " ../../missing.html",
		"briefs/a/index.html: " + verify.WhyMentions + " https://offline.test/",
		"briefs/a/index.html: " + verify.WhyRootRelative + " /search/",
		"css/a.css: " + verify.WhyMentions + " https://offline.test/",
		"index.html: " + verify.WhyDirectory + " briefs/",
		"index.html: " + verify.WhyDirectory + " briefs/a/../..",
		"index.html: " + verify.WhyLeaves + " ../outside.html",
		"index.html: " + verify.WhyRootRelative + " /briefs/a/index.html",
		"js/s.js: " + verify.WhyMentions + " https://offline.test/",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("offline problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The same tree as a web site: only the missing targets (the
	// directory links resolve to their index.html).
	web, err := verify.Links(dir, verify.Options{BaseURL: "https://offline.test/"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := urls(web), []string{"../../missing.html", "../outside.html", "/search/"}; !slices.Equal(got, want) {
		t.Errorf("web: broken %q, want %q", got, want)
	}
}
