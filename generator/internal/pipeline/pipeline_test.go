package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

func build(t *testing.T, dir string) *pipeline.Result {
	t.Helper()
	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, BaseURL: "https://briefs.test/"})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return res
}

// links returns where the <a> links of a built page point, as site paths.
func links(t *testing.T, file string) []string {
	t.Helper()
	p := filepath.ToSlash(file)
	i := strings.LastIndex(p, "/public/")
	return sitetest.PageLinks(t, file[:i+len("/public")], "/"+strings.TrimSuffix(p[i+len("/public/"):], "index.html"), "briefs.test")
}

// linkedBothWays checks that each brief page links to its term pages and
// each term page links back.
func linkedBothWays(t *testing.T, dir string, want map[string][]string) {
	t.Helper()
	for brief, terms := range want {
		got := links(t, page(dir, brief))
		for _, term := range terms {
			if !slices.Contains(got, term) {
				t.Errorf("%s does not link to %s", brief, term)
			}
			if back := links(t, page(dir, term)); !slices.Contains(back, brief) {
				t.Errorf("%s does not link back to %s", term, brief)
			}
		}
	}
}

func page(dir, sitePath string) string {
	return filepath.Join(dir, "public", filepath.FromSlash(strings.TrimPrefix(sitePath, "/")), "index.html")
}

func TestCrossLinksBothWays(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	res := build(t, dir)
	if len(res.Published) != 2 || len(res.Excluded) != 1 {
		t.Fatalf("published %d, excluded %d; want 2 and 1", len(res.Published), len(res.Excluded))
	}

	want := map[string][]string{
		"/briefs/alpha/": {
			"/actors/volt-typhoon/", "/campaigns/edge-sweep/", "/sectors/energy/", "/sectors/telecommunications/",
			"/countries/us/", "/countries/no/", "/techniques/t1190/", "/techniques/t1059-001/",
			"/malware/kv-botnet/", "/vulnerabilities/cve-2024-3400/", "/mitigations/m1051/", "/mitigations/m1032/",
			"/sources/cisa/",
		},
		"/briefs/bravo/": {"/actors/volt-typhoon/", "/sectors/energy/", "/countries/gu/", "/techniques/t1190/"},
	}
	linkedBothWays(t, dir, want)
	// The synonym resolved to the canonical page; no page for the synonym.
	if _, err := os.Stat(page(dir, "/actors/vanguard-panda/")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a page exists for the synonym Vanguard Panda: %v", err)
	}
	volt, _ := os.ReadFile(page(dir, "/actors/volt-typhoon/"))
	for _, s := range []string{"Vanguard Panda", "CrowdStrike", "BRONZE SILHOUETTE", "Profile text about <strong>Volt Typhoon</strong>", "moderate confidence"} {
		if !bytes.Contains(volt, []byte(s)) {
			t.Errorf("the Volt Typhoon page does not show %q", s)
		}
	}
	// Two briefs share the actor: each lists the other as related.
	if got := links(t, page(dir, "/briefs/alpha/")); !slices.Contains(got, "/briefs/bravo/") {
		t.Error("alpha does not list bravo as a related brief")
	}
	// Counts read as English: Norway is named by one brief, Volt Typhoon by two.
	for term, want := range map[string]string{"/countries/no/": "<strong>1</strong> brief</li>", "/actors/volt-typhoon/": "<strong>2</strong> briefs</li>"} {
		if p, _ := os.ReadFile(page(dir, term)); !bytes.Contains(p, []byte(want)) {
			t.Errorf("%s does not read %q", term, want)
		}
	}
	// The term feed lists both briefs.
	feed, err := os.ReadFile(filepath.Join(dir, "public", "actors", "volt-typhoon", "index.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"https://briefs.test/briefs/alpha/", "https://briefs.test/briefs/bravo/"} {
		if !bytes.Contains(feed, []byte("<link>"+b+"</link>")) {
			t.Errorf("the Volt Typhoon feed does not list %s", b)
		}
	}
}

func TestRestrictedBriefIsNotPublished(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	build(t, dir)
	for _, p := range []string{"/briefs/charlie/", "/actors/secret-actor/"} {
		if _, err := os.Stat(page(dir, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was published", p)
		}
	}
	for name, data := range sitetest.Tree(t, filepath.Join(dir, "public")) {
		for _, s := range []string{"Charlie", "charlie", "Secret Actor", "charlie-secret"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q from the amber brief", name, s)
			}
		}
	}
	// The energy sector page counts only the two public briefs.
	energy, _ := os.ReadFile(page(dir, "/sectors/energy/"))
	if !bytes.Contains(energy, []byte("<strong>2</strong> briefs")) {
		t.Error("the Energy page does not count exactly the 2 public briefs")
	}
}

func TestOutputIsMinified(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	build(t, dir)
	m := postprocess.NewMinifier()
	n := 0
	for name, data := range sitetest.Tree(t, filepath.Join(dir, "public")) {
		mt := postprocess.MediaType(name)
		if mt == "" {
			continue
		}
		n++
		var buf bytes.Buffer
		if err := m.Minify(mt, &buf, bytes.NewReader(data)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// A second pass may shave a byte or two off minified JS (tdewolff's
		// JS minifier is not exactly idempotent); an unminified file shrinks
		// by far more than this slack.
		if slack := max(16, len(data)/200); buf.Len() < len(data)-slack {
			t.Errorf("%s is not minified: %d bytes, %d after minifying", name, len(data), buf.Len())
		}
	}
	if n < 20 {
		t.Fatalf("only %d minifiable files checked", n)
	}
}

func TestUnsafeLinkInBodyIsDropped(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	build(t, dir)
	data, _ := os.ReadFile(page(dir, "/briefs/alpha/"))
	if bytes.Contains(bytes.ToLower(data), []byte("javascript:")) {
		t.Error("the javascript: link reached the page")
	}
	if !bytes.Contains(data, []byte("a bad link")) {
		t.Error("the text of the dropped link is gone")
	}
	if !bytes.Contains(data, []byte("203[.]0[.]113[.]44")) || bytes.Contains(data, []byte("203.0.113.44")) {
		t.Error("the IOC is not shown defanged")
	}
}

// The pages work under the site's Content-Security-Policy (script-src and
// style-src 'self'): no inline scripts, event handlers or styles.
func TestPagesNeedNoInlineScriptOrStyle(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	build(t, dir)
	for name, data := range sitetest.Tree(t, filepath.Join(dir, "public")) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		z := html.NewTokenizer(bytes.NewReader(data))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tag, _ := z.TagName()
			hasSrc := false
			for {
				k, _, more := z.TagAttr()
				key := string(k)
				if key == "style" || strings.HasPrefix(key, "on") {
					t.Errorf("%s: <%s %s=...> is inline code the CSP blocks", name, tag, key)
				}
				if key == "src" {
					hasSrc = true
				}
				if !more {
					break
				}
			}
			if string(tag) == "style" || (string(tag) == "script" && !hasSrc) {
				t.Errorf("%s: inline <%s> element", name, tag)
			}
		}
	}
}

// OnStaged sees the size of the staged content before anything is
// rendered, and only when the content has no errors.
func TestOnStaged(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	var calls int
	var staged int64
	_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, OnStaged: func(n, part int64) {
		calls++
		staged = n
		if part != n {
			t.Errorf("rendered in one run, the largest part is %d of %d bytes", part, n)
		}
		if _, err := os.Stat(filepath.Join(dir, "public")); !errors.Is(err, os.ErrNotExist) {
			t.Error("OnStaged was called after the site was published")
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	// Two briefs, their terms' pages, the lists: some kilobytes.
	if calls != 1 || staged < 10_000 || staged > 1_000_000 {
		t.Errorf("OnStaged called %d times with %d bytes; want once with the staged size", calls, staged)
	}

	calls = 0
	_, err = pipeline.Build(context.Background(), pipeline.Options{ProjectDir: hostileProject(t, "empty.md"), OnStaged: func(int64, int64) { calls++ }})
	if !errors.Is(err, pipeline.ErrInvalid) || calls != 0 {
		t.Errorf("invalid content: err %v, OnStaged called %d times; want a validation failure and no call", err, calls)
	}
}

// The verify stage fails a build whose pages link to a file that neither
// Hugo nor post-process wrote, and passes links to files post-process
// writes while the pages are being checked.
func TestBrokenLinksFailTheBuild(t *testing.T) {
	for _, tc := range []struct {
		link string
		ok   bool
	}{
		{"/actors/volt-typhoon/feed.json", true}, // a term feed: written by post-process
		{"/stix/bundle.json", true},              // the site's STIX bundle: post-process too
		{"/actors/nobody/", false},
	} {
		t.Run(tc.link, func(t *testing.T) {
			dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
			footer := filepath.Join(dir, "layouts", "_partials", "footer.html")
			data, err := os.ReadFile(footer)
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, []byte(`<a href="{{ "`+strings.TrimPrefix(tc.link, "/")+`" | relURL }}">x</a>`)...)
			if err := os.WriteFile(footer, data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, BaseURL: "https://briefs.test/"})
			if tc.ok {
				if err != nil {
					t.Fatalf("build: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "verify:") || !strings.Contains(err.Error(), "broken link "+tc.link) {
				t.Errorf("err = %v; want the verify stage to report the broken link %s", err, tc.link)
			}
			if _, err := os.Stat(filepath.Join(dir, "public")); !errors.Is(err, os.ErrNotExist) {
				t.Error("public/ was written despite a broken link")
			}
		})
	}
}

// Briefs are staged in a section per year (stage.BriefPath), which readers
// never see: each brief is at /briefs/<slug>/, no year page is published,
// and the list of briefs, the home page and the site feed still list them.
func TestYearSectionsAreInvisible(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
	build(t, dir)
	entries, err := os.ReadDir(filepath.Join(dir, "public", "briefs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); len(n) == 4 && strings.Trim(n, "0123456789") == "" {
			t.Errorf("a year page was published: /briefs/%s/", n)
		}
	}
	for _, p := range []string{"/briefs/", "/"} {
		if got := links(t, page(dir, p)); !slices.Contains(got, "/briefs/alpha/") || !slices.Contains(got, "/briefs/bravo/") {
			t.Errorf("%s does not link to both briefs: %v", p, got)
		}
	}
	feed, err := os.ReadFile(filepath.Join(dir, "public", "index.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(feed, []byte("https://briefs.test/briefs/alpha/")) {
		t.Error("the site feed does not list alpha")
	}
}

// The site feed lists the 50 newest briefs, as Hugo orders them; only the
// briefs that may be among them carry the data of a feed item, and every
// item has it, even where briefs of one date straddle the 50th place.
func TestSiteFeedItemsAtTheLimit(t *testing.T) {
	var archive strings.Builder
	for i := range 60 {
		date := "2024-03-01" // the 46th to 60th newest share a date
		if i < 45 {
			date = fmt.Sprintf("2024-04-%02d", 30-i%30)
			if i >= 30 {
				date = fmt.Sprintf("2024-05-%02d", 30-i%30)
			}
		}
		fmt.Fprintf(&archive, "-- content/briefs/2024/b%02d.md --\n---\ntitle: Brief %02d\ndate: %s\nsummary: s\ntlp: clear\nactors: [Actor %02d]\n---\nBody.\n", i, i, date, i)
	}
	dir := sitetest.Project(t, archive.String())
	build(t, dir)
	feed, err := os.ReadFile(filepath.Join(dir, "public", "index.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(feed, []byte("<item>")); n != 50 {
		t.Fatalf("the site feed has %d items, want 50", n)
	}
	if n := bytes.Count(feed, []byte("<guid isPermaLink=false>urn:uuid:")) + bytes.Count(feed, []byte(`<guid isPermaLink="false">urn:uuid:`)); n != 50 {
		t.Errorf("%d items have a GUID", n)
	}
	if n := bytes.Count(feed, []byte("<category>Actor ")); n != 50 {
		t.Errorf("%d items name their actor", n)
	}
}
