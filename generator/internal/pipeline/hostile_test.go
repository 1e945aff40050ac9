package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/copytree"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// hostileProject is a project holding one hostile input from
// testdata/hostile: a file, put under content/briefs/2024/, or a directory,
// whose tree goes under content/briefs/.
func hostileProject(t *testing.T, name string) string {
	t.Helper()
	dir := sitetest.Project(t, "")
	src := filepath.Join("testdata", "hostile", name)
	dst := filepath.Join(dir, "content", "briefs")
	if st, err := os.Stat(src); err == nil && !st.IsDir() {
		dst = filepath.Join(dst, "2024", name)
	}
	if err := copytree.Copy(src, dst); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHostileInputs(t *testing.T) {
	const p = "content/briefs/2024/"
	for _, tc := range []struct {
		name string
		want []string // diagnostics (prefixes) that must appear; none means the input is valid
	}{
		{"unparseable-yaml.md", []string{p + "unparseable-yaml.md:6: front matter is not valid YAML: found unexpected end of stream (an unclosed quote or bracket above?)"}},
		{"tab-indent.md", []string{p + "tab-indent.md:7: sources: front matter is not valid YAML: this line is indented with a tab; YAML does not allow tabs; indent with spaces"}},
		{"colon-in-title.md", []string{p + `colon-in-title.md:2: title: front matter is not valid YAML: the value of title contains ": ", which YAML reads as the start of another key; quote the value: title: "Volt Typhoon: the return"`}},
		{"defanged-flow-iocs.md", []string{p + `defanged-flow-iocs.md:6: iocs: front matter is not valid YAML: hxxp://evil[.]example/gate.php must be quoted inside [ ] or { }: YAML reads its square brackets as list brackets; write value: "hxxp://evil[.]example/gate.php"`}},
		{"yaml-bomb.md", []string{p + "yaml-bomb.md:1: front matter is not valid YAML: document contains excessive aliasing"}},
		{"binary-data.md", []string{p + "binary-data.md:"}},
		{"invalid-utf8.md", []string{p + "invalid-utf8.md:2: invalid UTF-8; save the file as UTF-8"}},
		{"bom-and-crlf.md", nil},
		{"crlf-only.md", nil},
		{"traversal-slug.md", []string{p + `traversal-slug.md:6: slug: "../../etc" is not a valid slug`}},
		{"traversal-urls.md", []string{
			p + `traversal-urls.md:8: sources[0].url: "file:///etc/passwd" is not an http(s) URL`,
			p + `traversal-urls.md:10: body: link "../../../../etc/passwd" climbs out of its directory`,
			p + `traversal-urls.md:10: body: link "/../../etc/" climbs out of its directory`,
		}},
		{"duplicate-slugs", []string{`content/briefs/2024/same-slug.md:1: slug: slug "same-slug" is already used by content/briefs/2023/same-slug.md`}},
		{"duplicate-keys.md", []string{p + `duplicate-keys.md:7: sectors: duplicate key "sectors" (first given on line 6)`}},
		{"wrong-types.md", []string{
			p + "wrong-types.md:2: title: must be text, not a list",
			p + "wrong-types.md:3: date: must be text, not a mapping",
			p + "wrong-types.md:4: summary: must be text, but 42 was read as the number 42",
			p + "wrong-types.md:5: tlp: true was read as the boolean true",
			p + "wrong-types.md:6: sources: must be a list",
			p + "wrong-types.md:7: attribution: must be a list",
			p + "wrong-types.md:8: actors: must be a list",
			p + "wrong-types.md:9: campaigns: must be a list",
			p + "wrong-types.md:10: sectors: must be a list",
			p + "wrong-types.md:11: countries: must be a list",
			p + "wrong-types.md:12: techniques[0]: must be text, not a list",
			p + "wrong-types.md:13: malware[0]: must be text, not a mapping",
			p + "wrong-types.md:14: vulnerabilities[0]: must be text, but 2024 was read as the number 2024",
			p + "wrong-types.md:15: mitigations[0]: is empty",
			p + "wrong-types.md:16: iocs: must be a list",
		}},
		{"long-title.md", []string{p + "long-title.md:2: title: is 10000 characters long; at most 200 are allowed"}},
		{"ten-thousand-terms.md", []string{p + "ten-thousand-terms.md:6: malware: has 10000 items; at most 200 are allowed in one list"}},
		{"deep-nesting.md", []string{p + "deep-nesting.md:3: sectors[0]: must be text, not a list"}},
		{"lookalike-actor.md", []string{p + `lookalike-actor.md:6: actors[0]: "Lаzarus Group" mixes Latin letters with Cyrillic or Greek lookalikes (reads as "Lazarus Group")`}},
		{"unclosed.md", []string{p + `unclosed.md:1: front matter is not closed`}},
		{"empty.md", []string{p + `empty.md:1: no front matter`}},
		{"xss-payloads.md", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := hostileProject(t, tc.name)
			// A hang (a YAML bomb expanding) would stop the test binary at
			// go test's -timeout, with every goroutine's stack.
			res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir})
			var got []string
			if res != nil {
				for _, d := range res.Diagnostics.Items() {
					got = append(got, d.String())
				}
			}
			_, statErr := os.Stat(filepath.Join(dir, "public"))
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("valid input failed to build: %v", err)
				}
				if statErr != nil {
					t.Fatal("nothing was published")
				}
				return
			}
			if !errors.Is(err, pipeline.ErrInvalid) {
				t.Errorf("err = %v, want a validation failure", err)
			}
			if !errors.Is(statErr, os.ErrNotExist) {
				t.Error("public/ was written for invalid input")
			}
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, w)
				}
				if !found {
					t.Errorf("missing diagnostic starting\n  %s\ngot\n  %s", w, strings.Join(got, "\n  "))
				}
			}
		})
	}
}

// A 50 MB brief is refused from its size, without being read into memory.
func TestHugeFileIsRefusedUnread(t *testing.T) {
	dir := sitetest.Project(t, "")
	p := filepath.Join(dir, "content", "briefs", "2024", "huge.md")
	os.MkdirAll(filepath.Dir(p), 0o755)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("---\ntitle: Huge\ndate: 2024-05-01\nsummary: s\ntlp: clear\n---\n")
	chunk := bytes.Repeat([]byte("A very long body line of filler text.\n"), 1<<14)
	for written := 0; written < 50<<20; written += len(chunk) {
		f.Write(chunk)
	}
	f.Close()

	fsys := &countingFS{FS: os.DirFS(dir), name: "content/briefs/2024/huge.md"}
	c, err := pipeline.Check(pipeline.Options{ProjectDir: dir, FS: fsys})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Diagnostics.Items()
	if len(got) != 1 || !strings.Contains(got[0].String(), "content/briefs/2024/huge.md: file is 52") || !strings.Contains(got[0].String(), "a content file may be at most 1048576 bytes") {
		t.Errorf("diagnostics: %v", got)
	}
	if n := fsys.read.Load(); n > 0 {
		t.Errorf("checking read %d bytes of the huge file", n)
	}
}

// countingFS counts the bytes read from one of its files.
type countingFS struct {
	fs.FS
	name string
	read atomic.Int64
}

func (c *countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err != nil || name != c.name {
		return f, err
	}
	return &countingFile{File: f, read: &c.read}, nil
}

type countingFile struct {
	fs.File
	read *atomic.Int64
}

func (f *countingFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.read.Add(int64(n))
	return n, err
}

func TestSymlinkIsNotFollowed(t *testing.T) {
	dir := sitetest.Project(t, "")
	p := filepath.Join(dir, "content", "briefs", "2024", "passwd.md")
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.Symlink("/etc/passwd", p); err != nil {
		t.Fatal(err)
	}
	c, err := pipeline.Check(pipeline.Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Diagnostics.Items()
	if len(got) != 1 || got[0].String() != "content/briefs/2024/passwd.md: symbolic links are not followed in content/" {
		t.Errorf("diagnostics: %v", got)
	}
}

// Every payload of xss-payloads.md renders inert: no script runs, no
// unsafe URL is a link or an image source, front matter is escaped in every
// output format, and indicators in the body are defanged.
func TestXSSPayloadsAreInert(t *testing.T) {
	dir := hostileProject(t, "xss-payloads.md")
	if _, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir}); err != nil {
		t.Fatal(err)
	}
	tree := sitetest.Tree(t, filepath.Join(dir, "public"))
	page := string(tree["briefs/xss-payloads/index.html"])
	if page == "" {
		t.Fatal("the brief was not rendered")
	}
	for name, data := range tree {
		switch {
		case strings.HasSuffix(name, ".html"):
			for _, p := range sitetest.Inert(data) {
				t.Errorf("%s: %s", name, p)
			}
		case strings.HasSuffix(name, ".xml"):
			if err := xml.Unmarshal(data, new(struct{})); err != nil {
				t.Errorf("%s is not well-formed XML: %v", name, err)
			}
		case strings.HasSuffix(name, ".json"):
			if !json.Valid(data) {
				t.Errorf("%s is not valid JSON", name)
			}
		}
	}
	for _, want := range []string{
		`<h1>&lt;script>alert('title')&lt;/script> & "quotes"</h1>`, // the title, escaped (the minifier leaves &, ' and " bare where HTML allows)
		"hxxps://evil[.]example/payload.php",                        // the IOC in prose, defanged
		`{{&lt; param &ldquo;title&rdquo; >}}`,                      // shortcodes printed, not run
		"[image: tracker]",                                          // third-party image not loaded
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the brief page lacks %q", want)
		}
	}
	if strings.Contains(page, "https://evil.example/payload.php") {
		t.Error("the IOC URL appears live on the page")
	}
}
