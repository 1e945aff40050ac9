package offline_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/offline"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/verify"
)

const base = "https://offline.test/"

func options(t *testing.T) pipeline.Options {
	return pipeline.Options{ProjectDir: sitetest.Project(t, sitetest.ReadArchive(t, "library.txtar")), BaseURL: base}
}

// TestEditionWorksFromDisk exports the offline edition of a small library
// to a directory and checks what a reader opening it from file:// depends
// on: links are relative and name files, nothing refers to the web site,
// every page says which edition it is, and the amber brief is not there.
// The templates render all of it (package stage's offline and dir_index);
// the build's verify stage already checked the rules, and they are checked
// again here, on the files written, by the same checker.
func TestEditionWorksFromDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "edition")
	e, err := offline.WriteDir(context.Background(), options(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	if e.Briefs != 2 || e.Date.Format("2006-01-02") != "2025-03-04" {
		t.Errorf("edition of %d briefs as of %s, want 2 as of 2025-03-04 (the newest brief, not the clock)", e.Briefs, e.Date)
	}
	if want := "Offline edition, built from 2 briefs as of 4 March 2025"; e.Banner() != want {
		t.Errorf("banner %q, want %q", e.Banner(), want)
	}
	problems, err := verify.Links(dir, verify.Options{BaseURL: base, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}

	tree := sitetest.Tree(t, dir)
	page := func(rel string) string {
		t.Helper()
		data, ok := tree[rel]
		if !ok {
			t.Fatalf("the edition has no %s", rel)
		}
		return string(data)
	}
	brief := page("briefs/heron-edge/index.html")
	for _, want := range []string{
		attr("href", "../../briefs/heron-mail/index.html#details"), // absolute link in the body, made relative
		attr("href", "../../actors/index.html"),                    // root-relative link in the body
		attr("href", "../../actors/sand-heron/index.html"),
		attr("action", "../../search/index.html"), // the header's search form
		attr("href", "../../index.html"),          // home
	} {
		if !regexp.MustCompile(want).MatchString(brief) {
			t.Errorf("briefs/heron-edge/index.html lacks %s", want)
		}
	}
	for _, bad := range []string{`rel="canonical"`, `rel=canonical`, "integrity=", "og:url", base} {
		if strings.Contains(brief, bad) {
			t.Errorf("briefs/heron-edge/index.html still has %s", bad)
		}
	}
	search := page("search/index.html")
	if !regexp.MustCompile(`<script src="?\.\./js/search\.[0-9a-f]+\.js"? async`).MatchString(search) {
		t.Errorf("the search page does not load its script by relative <script src>:\n%s", search)
	}
	if !strings.Contains(page("search/meta.js"), `TBSearch.add("meta",`) || !strings.Contains(page("search/t/0.js"), "Dune Crane") {
		t.Error("the search index is not in its pieces, or lacks the actor's synonym")
	}

	// Every page carries the banner, once; there are no redirect stubs
	// (Hugo's, for page 1 of a list, redirect by absolute URL).
	banner := `<div class="edition offline" role=note><div class=wrap>Offline edition, built from 2 briefs as of <time datetime=2025-03-04>4 March 2025</time>.</div></div></header>`
	for rel, data := range tree {
		if path.Ext(rel) != ".html" {
			continue
		}
		if bytes.Contains(data, []byte(`http-equiv="refresh"`)) || bytes.Contains(data, []byte(`http-equiv=refresh`)) {
			t.Errorf("%s is a redirect stub", rel)
		}
		if n := bytes.Count(data, []byte(banner)); n != 1 {
			t.Errorf("%s carries the offline banner %d times", rel, n)
		}
	}

	// No attribute of any element (noscript's content parsed as markup,
	// as a reader without scripting gets it) is root-absolute.
	pages := 0
	for rel, data := range tree {
		if path.Ext(rel) != ".html" {
			continue
		}
		pages++
		for _, a := range rootAbsolute(t, data) {
			t.Errorf("%s: %s (file:// has no site root)", rel, a)
		}
	}
	if pages < 10 {
		t.Errorf("only %d pages checked", pages)
	}
	if !strings.Contains(search, `<noscript>`) || !regexp.MustCompile(attr("href", "../briefs/index.html")).MatchString(search) {
		t.Errorf("the search page's noscript links are not relative links to files:\n%s", search)
	}

	// The MISP feed is data and stays; TAXII needs a server and goes.
	if _, ok := tree["misp/manifest.json"]; !ok {
		t.Error("the edition has no MISP feed")
	}
	for rel := range tree {
		if strings.HasPrefix(rel, "taxii2/") {
			t.Errorf("the edition has the TAXII file %s", rel)
		}
		// Nor does a page offer the API the edition lacks.
		if path.Ext(rel) == ".html" && bytes.Contains(tree[rel], []byte("TAXII 2.1")) {
			t.Errorf("%s offers the TAXII API, which the edition leaves out", rel)
		}
	}

	// TLP: the amber brief is nowhere, not even in the search index.
	for rel, data := range tree {
		for _, leak := range []string{"amber-secret", "Amber only", "Restricted body text"} {
			if bytes.Contains(data, []byte(leak)) {
				t.Errorf("%s contains %q from the amber brief", rel, leak)
			}
		}
	}
}

// attr is a regular expression matching the attribute name=value in
// minified HTML, with or without quotes (value is a regular expression).
func attr(name, value string) string {
	return `\s` + name + `="?` + strings.ReplaceAll(value, ".", `\.`) + `["\s>]`
}

// rootAbsolute lists the attributes of a page, parsed as a browser without
// scripting parses it (noscript content is markup), whose value starts with
// "/": a site-root path or a scheme-relative URL.
func rootAbsolute(t *testing.T, data []byte) []string {
	t.Helper()
	doc, err := html.ParseWithOptions(bytes.NewReader(data), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.TrimSpace(a.Val), "/") {
					out = append(out, fmt.Sprintf("<%s %s=%q>", n.Data, a.Key, a.Val))
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

// TestDirIsReplacedOnlyWhenItIsAnEdition: a second export replaces the
// first, but a directory of other files is never replaced.
func TestDirIsReplacedOnlyWhenItIsAnEdition(t *testing.T) {
	o := options(t)
	dir := filepath.Join(t.TempDir(), "edition")
	for range 2 {
		if _, err := offline.WriteDir(context.Background(), o, dir); err != nil {
			t.Fatal(err)
		}
	}
	other := t.TempDir()
	keep := filepath.Join(other, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := offline.WriteDir(context.Background(), o, other); err == nil || !strings.Contains(err.Error(), "holds no offline edition") {
		t.Errorf("exporting over a directory of other files: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("the other files are gone: %v", err)
	}
}

// TestZipIsReproducible exports the zip twice: the bytes must be the same
// (entries in order, stamped with the newest brief's date), and the entries
// sit under one folder named after the file.
func TestZipIsReproducible(t *testing.T) {
	o := options(t)
	dir := t.TempDir()
	var zips [2][]byte
	for i := range zips {
		file := filepath.Join(dir, "threat-briefs.zip")
		if _, err := offline.WriteZip(context.Background(), o, file); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		zips[i] = data
	}
	if !bytes.Equal(zips[0], zips[1]) {
		t.Fatal("two exports of the same content differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(zips[0]), int64(len(zips[0])))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "threat-briefs/") {
			t.Errorf("entry %s is not under threat-briefs/", f.Name)
		}
		if !f.Modified.Equal(time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("entry %s is stamped %s, want the newest brief's date", f.Name, f.Modified)
		}
		if f.Name == "threat-briefs/index.html" {
			found = true
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			if !regexp.MustCompile(attr("href", "(./)?briefs/heron-edge/index.html")).Match(data) {
				t.Error("the zipped home page does not link the brief as a relative file")
			}
		}
	}
	if !found {
		t.Error("the zip has no threat-briefs/index.html")
	}
}

// TestIncludeTLPReachesTheEdition: an internal edition built with a higher
// TLP ceiling has the amber brief, as the web build with that flag would.
func TestIncludeTLPReachesTheEdition(t *testing.T) {
	o := options(t)
	o.MaxTLP = brief.TLPAmber
	dir := filepath.Join(t.TempDir(), "edition")
	e, err := offline.WriteDir(context.Background(), o, dir)
	if err != nil {
		t.Fatal(err)
	}
	if e.Briefs != 3 {
		t.Errorf("edition has %d briefs, want 3", e.Briefs)
	}
	if _, err := os.Stat(filepath.Join(dir, "briefs", "amber-secret", "index.html")); err != nil {
		t.Error(err)
	}
}

// TestStandaloneBrief exports one brief as a single file: its CSS inline,
// no script, nothing loaded from anywhere, links absolute to the web site.
func TestStandaloneBrief(t *testing.T) {
	o := options(t)
	data, _, err := offline.Brief(context.Background(), o, "heron-edge")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	if !strings.Contains(doc, "<style>") || !strings.Contains(doc, "--accent") {
		t.Error("the stylesheet is not inlined")
	}
	for _, bad := range []string{"<script", `rel=stylesheet`, `rel="stylesheet"`, `rel="icon"`, "rel=icon", "integrity="} {
		if strings.Contains(doc, bad) {
			t.Errorf("the standalone brief has %s", bad)
		}
	}
	if m := regexp.MustCompile(`\ssrc=["']?([^"' >]+)`).FindAllStringSubmatch(doc, -1); len(m) > 0 {
		t.Errorf("the standalone brief loads %v", m)
	}
	for _, want := range []string{`href="?https://offline\.test/actors/sand-heron/[" >]`, `href="?https://offline\.test/briefs/heron-mail/#details[" >]`, "Sand Heron exploits edge gateways"} {
		if !regexp.MustCompile(want).MatchString(doc) {
			t.Errorf("the standalone brief lacks %s", want)
		}
	}
	if len(data) > 200_000 {
		t.Errorf("the standalone brief is %d bytes; is it minified?", len(data))
	}

	if _, _, err := offline.Brief(context.Background(), o, "amber-secret"); err == nil || !strings.Contains(err.Error(), "TLP:AMBER") {
		t.Errorf("exporting the amber brief at TLP:CLEAR: %v, want a TLP error", err)
	}
	if _, _, err := offline.Brief(context.Background(), o, "no-such-brief"); err == nil || !strings.Contains(err.Error(), `no brief "no-such-brief"`) {
		t.Errorf("exporting a missing brief: %v", err)
	}
}

func TestPlaceholder(t *testing.T) {
	for u, want := range map[string]bool{
		"https://threatbriefs.example.org/": true, "https://example.com/": true, "http://EXAMPLE.net./x/": true, "https://briefs.example/": true,
		"https://briefs.acme-cti.net/": false, "https://example.org.evil.test/": false, "https://offline.test/": false, "https://notexample.org/": false, "::": false,
	} {
		if got := offline.Placeholder(u); got != want {
			t.Errorf("Placeholder(%q) = %v, want %v", u, got, want)
		}
	}
}
