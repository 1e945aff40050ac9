package main

import (
	"fmt"
	"html"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// stageTwo writes indicators in prose, as analysts do: a URL that goldmark's
// linkify would link, a Markdown link and an autolink to IP addresses, an
// IPv6 link, a non-standard port, a subdomain of an indicator and an
// indicator e-mail address; and one link that is not an indicator.
const stageTwo = `---
title: "Stage two over plain HTTP"
date: 2024-05-01
summary: "Beacons to https://evil-c2.example.net/gate.php and http://203.0.113.9/x."
tlp: clear
sources:
  - name: Example Labs
    url: https://labs.example.org/post
iocs:
  - {type: url, value: "https://evil-c2.example.net/gate.php"}
  - {type: domain, value: "evil-c2.example.net"}
  - {type: ipv4, value: "203.0.113.9"}
  - {type: email, value: "ops@evil-c2.example.net"}
---
The implant beaconed to https://evil-c2.example.net/gate.php every hour.

It fetched [stage two](http://203.0.113.9/x) and <http://198.51.100.7/a.php>.

Also [v6](http://[2001:db8::1]/x), https://files.example.com:8443/p and www.evil-c2.example.net.

Write to ops@evil-c2.example.net; read [the report](https://labs.example.org/post).
`

// liveIndicator finds, in any file of a tree, an <a> or <area> whose href
// holds an indicator (as written, or once unescaped: the HTML inside a feed).
var (
	anchorRe      = regexp.MustCompile(`(?i)<(?:a|area)\b[^>]*\bhref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	jsonUnescaper = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\"`, `"`, `\/`, "/")
	liveForms     = []string{"203.0.113.9", "198.51.100.7", "2001:db8::1", "evil-c2.example.net", "files.example.com:8443", "ops@evil-c2"}
)

func liveIndicatorLinks(tree map[string][]byte) []string {
	var out []string
	for name, data := range tree {
		s := string(data)
		for _, text := range []string{s, html.UnescapeString(s), jsonUnescaper.Replace(s)} {
			for _, m := range anchorRe.FindAllStringSubmatch(text, -1) {
				href := strings.ToLower(html.UnescapeString(strings.Trim(m[1], `"'`)))
				for _, f := range liveForms {
					if strings.Contains(href, f) {
						out = append(out, name+": "+m[0])
					}
				}
			}
		}
	}
	return out
}

// What readers see must say every indicator defanged: pages, feeds and the
// search index hold no indicator in its live form at all (the machine
// exports, STIX, briefs.json and CSV, hold them refanged, as they should).
func undefanged(tree map[string][]byte) []string {
	var out []string
	for name, data := range tree {
		if ext := path.Ext(name); ext != ".html" && ext != ".xml" && path.Base(name) != "feed.json" && !strings.HasPrefix(name, "search/") {
			continue
		}
		for _, f := range liveForms {
			if strings.Contains(strings.ToLower(string(data)), f) {
				out = append(out, fmt.Sprintf("%s says %s", name, f))
			}
		}
	}
	return out
}

// TestIndicatorsAreNeverLinks: check warns about every link in a body that
// points at an indicator, with its line and how to fix it; build publishes
// it as defanged text, never as a link, on the page, in the site's and every
// term's feeds, in the offline edition and in a brief exported alone.
func TestIndicatorsAreNeverLinks(t *testing.T) {
	dir := sitetest.Project(t, "-- content/briefs/2024/stage-two.md --\n"+stageTwo)

	out, stderr, err := run(t, "check", "-s", dir)
	if err != nil {
		t.Fatalf("check: %v\n%s%s", err, out, stderr)
	}
	const file = "content/briefs/2024/stage-two.md"
	const fix = "; links to indicators are never made live"
	for _, want := range []string{
		file + `:15: warning: body: link "https://evil-c2.example.net/gate.php" points at evil-c2.example.net, listed under iocs:; write it as text` + fix,
		file + `:17: warning: body: link "http://203.0.113.9/x" points at the IP address 203.0.113.9; write it as text` + fix,
		file + `:17: warning: body: link "http://198.51.100.7/a.php" points at the IP address 198.51.100.7; list it under iocs: and write it as text` + fix,
		file + `:19: warning: body: link "http://[2001:db8::1]/x" points at the IP address 2001:db8::1; list it under iocs: and write it as text` + fix,
		file + `:19: warning: body: link "https://files.example.com:8443/p" uses the non-standard port 8443; list it under iocs: and write it as text` + fix,
		file + `:19: warning: body: link "www.evil-c2.example.net" points at www.evil-c2.example.net, a subdomain of evil-c2.example.net listed under iocs:; write it as text` + fix,
		file + `:21: warning: body: link "ops@evil-c2.example.net" is the e-mail address ops@evil-c2.example.net, listed under iocs:; write it as text` + fix,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("check does not print\n  %s\ngot\n%s", want, out)
		}
	}
	if want := "1 briefs checked: 0 error(s), 7 warning(s)"; !strings.Contains(out+stderr, want) {
		t.Errorf("check does not say %q:\n%s%s", want, out, stderr)
	}

	if _, stderr, err := run(t, "build", "-s", dir); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr)
	}
	site := sitetest.Tree(t, filepath.Join(dir, "public"))
	edition := filepath.Join(t.TempDir(), "edition")
	if _, stderr, err := run(t, "export", "-s", dir, "--dir", edition); err != nil {
		t.Fatalf("export --dir: %v\n%s", err, stderr)
	}
	alone := filepath.Join(t.TempDir(), "stage-two.html")
	if _, stderr, err := run(t, "export", "-s", dir, "--baseURL", "https://briefs.acme-cti.net/", "--brief", "stage-two", alone); err != nil {
		t.Fatalf("export --brief: %v\n%s", err, stderr)
	}
	single, err := os.ReadFile(alone)
	if err != nil {
		t.Fatal(err)
	}
	trees := map[string]map[string][]byte{
		"public/": site, "the offline edition": sitetest.Tree(t, edition), "the exported brief": {"stage-two.html": single},
	}
	for what, tree := range trees {
		for _, l := range liveIndicatorLinks(tree) {
			t.Errorf("%s: a live link to an indicator: %s", what, l)
		}
		for _, u := range undefanged(tree) {
			t.Errorf("%s: %s in its live form", what, u)
		}
	}

	// Said defanged, in one style: on the page (as text, and each link's
	// destination in a code element), in the feeds.
	body := []string{
		"The implant beaconed to hxxps://evil-c2[.]example[.]net/gate.php every hour.",
		"stage two (<code class=ioc>hxxp://203[.]0[.]113[.]9/x</code>)",
		"<code class=ioc>hxxp://198[.]51[.]100[.]7/a.php</code>",
		"v6 (<code class=ioc>hxxp://[2001[:]db8[:][:]1]/x</code>)",
		"hxxps://files[.]example[.]com:8443/p", "www[.]evil-c2[.]example[.]net", "ops[@]evil-c2[.]example[.]net",
		`<a class=ext href=https://labs.example.org/post`, // a source stays a link
	}
	for where, doc := range map[string][]byte{
		"public/briefs/stage-two/index.html": site["briefs/stage-two/index.html"], "the offline page": trees["the offline edition"]["briefs/stage-two/index.html"], "the exported brief": single,
	} {
		for _, want := range body {
			if !strings.Contains(string(doc), want) {
				t.Errorf("%s lacks %s", where, want)
			}
		}
	}
	summary := "Beacons to hxxps://evil-c2[.]example[.]net/gate.php and hxxp://203[.]0[.]113[.]9/x."
	for _, feed := range []string{"index.xml", "feed.json", "sources/example-labs/index.xml", "sources/example-labs/feed.json"} {
		if !strings.Contains(string(site[feed]), summary) {
			t.Errorf("%s does not carry the summary defanged: %s", feed, site[feed])
		}
	}
}

// agreement lists link destinations of every kind; check warns about a
// link exactly when build does not make it live, and a link the render
// hook defangs itself (one the generator did not defang in the text, here
// because of a character reference) is shown in the style of
// indicator.Defang.
var agreement = []struct {
	dest  string
	live  bool
	shown string // the destination as the page shows it, when not live and worth pinning
}{
	{"https://cyberscoop.com/story", true, ""},
	{"http://203.0.113.77/x", false, "hxxp://203[.]0[.]113[.]77/x"},
	{"HTTP://203.0.113.77/", false, "hxxp://203[.]0[.]113[.]77/"},
	{"http://203&#46;0.113.77/e", true, ""}, // Hugo hands the hook "&#46;" as written: the host is "203&", no address
	{`http://203\.0.113.77/b`, false, ""},
	{"http://3405803785/", false, "hxxp://3405803785/"},
	{"http://0xcb.0.113.77/", false, "hxxp://0xcb[.]0[.]113[.]77/"},
	{"//[2001:db8::7]/x", false, indicator.Defang("url", "//[2001:db8::7]/x")},
	{"https://cdn.evil-agree.example/x", false, "hxxps://cdn[.]evil-agree[.]example/x"},
	{"//203.0.113.77/x", false, indicator.Defang("url", "//203.0.113.77/x")},
	{"http:203.0.113.77/x", false, ""}, // a browser reads http://203.0.113.77/x
	{"https:/\\evil.example/", false, ""},
	{"https://example.org:8443/", false, "hxxps://example[.]org:8443/"},
	{"https://example.org:443/", true, ""},
	{"mailto:ops@evil-agree.example", false, "mailto:ops[@]evil-agree[.]example"},
	{"mailto:someone@legit.example", true, ""},
	{"https://www.virustotal.com/gui/domain/evil-agree.example", false, "https://www.virustotal.com/gui/domain/evil-agree[.]example"},
	{"/briefs/agreement/", true, ""},
	{"https://github.com/evil/agree-repo", false, "hxxps://github[.]com/evil/agree-repo"},
	{"https://github.com/about", true, ""},
	{"http://[::1", false, ""},
}

func TestCheckWarnsAboutTheLinksBuildDefangs(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\ntitle: Agreement\ndate: 2024-06-01\nsummary: Links of every kind.\ntlp: clear\n" +
		"iocs:\n  - {type: domain, value: evil-agree.example}\n  - {type: url, value: \"https://github.com/evil/agree-repo\"}\n---\n")
	lines := strings.Count(b.String(), "\n")
	for i, c := range agreement {
		fmt.Fprintf(&b, "[L%02d](%s)\n\n", i, c.dest)
	}
	dir := sitetest.Project(t, "-- content/briefs/2024/agreement.md --\n"+b.String())

	out, stderr, err := run(t, "check", "-s", dir)
	if err != nil {
		t.Fatalf("check: %v\n%s%s", err, out, stderr)
	}
	if _, stderr, err := run(t, "build", "-s", dir); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr)
	}
	page, err := os.ReadFile(filepath.Join(dir, "public", "briefs", "agreement", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range agreement {
		label := fmt.Sprintf("L%02d", i)
		warned := strings.Contains(out, fmt.Sprintf("agreement.md:%d: warning: body: link ", lines+1+2*i))
		live := regexp.MustCompile(`<a [^>]*>` + label + `</a>`).Match(page)
		m := regexp.MustCompile(label + ` \(<code class=ioc>([^<]*)</code>\)`).FindSubmatch(page)
		switch {
		case live != c.live:
			t.Errorf("%s %q: live %v, want %v", label, c.dest, live, c.live)
		case warned == live:
			t.Errorf("%s %q: check warns %v, build makes it live %v: they disagree", label, c.dest, warned, live)
		case !live && m == nil:
			t.Errorf("%s %q: neither a link nor shown defanged", label, c.dest)
		case !live && c.shown != "" && html.UnescapeString(string(m[1])) != c.shown:
			t.Errorf("%s %q: shown as %q, want %q", label, c.dest, html.UnescapeString(string(m[1])), c.shown)
		}
	}
}
