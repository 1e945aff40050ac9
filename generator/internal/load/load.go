// Package load reads briefs and term profiles from a project tree.
//
// It accepts an fs.FS rooted at the project directory and reads
// content/briefs/**/*.md (briefs) and content/<kind>/<slug>/_index.md
// (profiles, for the kinds it is given). Each file must be UTF-8 text of at
// most MaxFileSize bytes that starts with a line of three dashes, then YAML
// front matter, then a closing line of dashes and the Markdown body. A UTF-8
// byte-order mark and CRLF line endings are accepted.
//
// Front matter is read with github.com/yuin/goldmark-meta (YAML 1.1, as
// authors' tools write it). Line numbers come from a second, position-only
// parse with go.yaml.in/yaml/v3, because goldmark-meta keeps none. Problems
// are reported as diagnostics naming file and line; a YAML syntax error
// caused by a tab in the indentation, an unquoted value containing ": " or
// a defanged indicator inside [ ] or { } names its key and says what to
// change. A file with a problem yields no Doc, but counts in
// Set.BriefFiles.
package load

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/par"
	"github.com/yuin/goldmark"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	yaml3 "go.yaml.in/yaml/v3"
	"gopkg.in/yaml.v2"
)

// MaxFileSize bounds one content file. Briefs are a few kilobytes; anything
// near this is a mistake (a pasted dump) and is refused before parsing.
const MaxFileSize = 1 << 20

// BriefsDir is where briefs live, relative to the project root.
const BriefsDir = "content/briefs"

// Doc is one parsed content file.
type Doc struct {
	File     string        // slash path relative to the project root
	Items    yaml.MapSlice // front matter in document order, as goldmark-meta read it
	Pos      *Positions    // lines of keys and items, computed when first asked for
	Body     string
	BodyLine int // line of the first body line in File

	// For profiles: the taxonomy and the directory name.
	Kind string
	Slug string
}

// Positions maps the front matter's keys and list items to lines of the
// file. It is computed on first use, by a second, position-only parse with
// yaml.v3: only a file with a problem to report needs it, and skipping it
// for the rest saves a third of loading. Safe for concurrent use.
type Positions struct {
	fm        string
	firstLine int
	once      sync.Once
	lines     map[string]int
	repeats   map[string][]int
	plain     map[string]string
}

func (p *Positions) compute() {
	p.once.Do(func() {
		p.lines, p.repeats, p.plain = positions(p.fm, p.firstLine)
		p.lines[""] = 1
	})
}

// Line returns the line of a field path ("sectors", "sectors[2]",
// "sources[0].url"), falling back to its parent field and then to line 1.
func (p *Positions) Line(path string) int {
	if p == nil {
		return 1
	}
	p.compute()
	for path != "" {
		if l, ok := p.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return p.lines[""]
}

// All returns every path and its line.
func (p *Positions) All() map[string]int {
	p.compute()
	return maps.Clone(p.lines)
}

// Repeats returns the lines of the second and later occurrences of a
// duplicated key.
func (p *Positions) Repeats(path string) []int {
	p.compute()
	return slices.Clone(p.repeats[path])
}

// Plain returns the source text of an unquoted scalar, so validation can
// explain YAML 1.1 coercions (NO read as false).
func (p *Positions) Plain(path string) string {
	p.compute()
	return p.plain[path]
}

// Set is everything loaded from one project.
type Set struct {
	Briefs   []Doc
	Profiles []Doc
	// BriefFiles counts the brief files found, those that did not load
	// (a YAML error, a symbolic link...) included.
	BriefFiles int
}

// Load reads every brief and the profiles of the given kinds. Diagnostics
// are returned for every file that could not be read; the Set holds the rest.
func Load(fsys fs.FS, kinds []string) (*Set, *diag.List) {
	return (*Cache)(nil).Load(fsys, kinds)
}

// Cache remembers what each file parsed to, keyed by the file's path and
// its bytes, for a caller that loads the same project again and again (the
// preview server, after each save): a file whose bytes did not change is
// read but not parsed again, and yields the very Doc (and the diagnostics)
// it did before. A Doc is never modified once parsed, so sharing it between
// loads is safe. The zero Cache is empty and ready; a nil *Cache caches
// nothing. A Cache is not safe for concurrent loads.
type Cache struct {
	files map[string]parsed // of the last load
	next  map[string]parsed // of the load running
}

// parsed is one file's outcome: its bytes, and what Parse made of them.
type parsed struct {
	data  []byte
	doc   Doc
	ok    bool
	diags diag.List
}

// Load is the package's Load, parsing only the files whose bytes differ
// from the last Load through c. It forgets the files this load did not
// find.
func (c *Cache) Load(fsys fs.FS, kinds []string) (*Set, *diag.List) {
	if c != nil {
		c.next = map[string]parsed{}
		defer func() { c.files, c.next = c.next, nil }()
	}
	var diags diag.List
	var briefFiles []string
	symlinks := 0

	err := fs.WalkDir(fsys, BriefsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == BriefsDir {
				return fs.SkipDir
			}
			diags.Errorf(p, 0, "", "cannot read: %v", err)
			return nil
		}
		if d.IsDir() {
			if p != BriefsDir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".md") && d.Name() != "_index.md" && !strings.HasPrefix(d.Name(), ".") {
			if d.Type()&fs.ModeSymlink != 0 {
				diags.Errorf(p, 0, "", "symbolic links are not followed in content/")
				symlinks++
				return nil
			}
			briefFiles = append(briefFiles, p)
		}
		return nil
	})
	if err != nil {
		diags.Errorf(BriefsDir, 0, "", "cannot list briefs: %v", err)
	}
	slices.Sort(briefFiles)

	set := &Set{BriefFiles: len(briefFiles) + symlinks}
	set.Briefs = c.parseAll(fsys, briefFiles, &diags)
	set.Profiles = c.profiles(fsys, kinds, &diags)
	return set, &diags
}

// Profiles reads the profiles of the given kinds only, as Load does.
func Profiles(fsys fs.FS, kinds []string) ([]Doc, *diag.List) {
	var diags diag.List
	return (*Cache)(nil).profiles(fsys, kinds, &diags), &diags
}

func (c *Cache) profiles(fsys fs.FS, kinds []string, diags *diag.List) []Doc {
	var files []string
	for _, k := range kinds {
		matches, err := fs.Glob(fsys, path.Join("content", k, "*", "_index.md"))
		if err != nil {
			diags.Errorf(path.Join("content", k), 0, "", "cannot list profiles: %v", err)
			continue
		}
		files = append(files, matches...)
	}
	slices.Sort(files)
	docs := c.parseAll(fsys, files, diags)
	for i := range docs {
		parts := strings.Split(docs[i].File, "/")
		docs[i].Kind = parts[1]
		docs[i].Slug = parts[2]
	}
	return docs
}

// parseAll parses files on all cores and returns the docs in input order.
// Through a Cache, a file whose bytes it parsed last time is not parsed
// again.
func (c *Cache) parseAll(fsys fs.FS, files []string, diags *diag.List) []Doc {
	docs := make([]Doc, len(files))
	ok := make([]bool, len(files))
	lists := make([]diag.List, len(files))
	datas := make([][]byte, len(files))
	par.For(len(files), func(i int) {
		data, err := readLimited(fsys, files[i])
		if err != nil {
			lists[i].Errorf(files[i], 0, "", "%v", err)
			return
		}
		if c != nil {
			// Only read here: the map is written after par.For.
			if p, hit := c.files[files[i]]; hit && bytes.Equal(p.data, data) {
				docs[i], ok[i], lists[i] = p.doc, p.ok, p.diags
				datas[i] = p.data
				return
			}
			datas[i] = data
		}
		docs[i], ok[i] = Parse(files[i], data, &lists[i])
	})
	out := make([]Doc, 0, len(files))
	for i := range files {
		if c != nil && datas[i] != nil {
			c.next[files[i]] = parsed{data: datas[i], doc: docs[i], ok: ok[i], diags: lists[i]}
		}
		diags.Merge(&lists[i])
		if ok[i] {
			out = append(out, docs[i])
		}
	}
	return out
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot open: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot stat: %w", err)
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("file is %d bytes; a content file may be at most %d bytes", st.Size(), MaxFileSize)
	}
	buf := make([]byte, 0, st.Size()+1)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxFileSize {
			return nil, fmt.Errorf("file is larger than %d bytes", MaxFileSize)
		}
		if err != nil {
			break
		}
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 4096)
		}
	}
	return buf, nil
}

var bom = []byte("\xef\xbb\xbf")

// Parse splits one file into front matter and body and parses the front
// matter. It reports problems into diags and returns false when the file
// cannot be used.
func Parse(file string, data []byte, diags *diag.List) (Doc, bool) {
	data = bytes.TrimPrefix(data, bom)
	if i := bytes.IndexByte(data, 0); i >= 0 {
		diags.Errorf(file, lineAt(data, i), "", "binary data (a NUL byte) in a text file")
		return Doc{}, false
	}
	if !utf8.Valid(data) {
		diags.Errorf(file, firstInvalidUTF8Line(data), "", "invalid UTF-8; save the file as UTF-8")
		return Doc{}, false
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}

	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) == 0 || !isSeparator(lines[0]) {
		diags.Errorf(file, 1, "", "no front matter: the file must start with a line \"---\"")
		return Doc{}, false
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if isSeparator(lines[i]) {
			end = i
			break
		}
	}
	if end < 0 {
		diags.Errorf(file, 1, "", "front matter is not closed: add a line \"---\" after it")
		return Doc{}, false
	}
	fm := strings.Join(lines[1:end], "")
	const fmFirstLine = 2 // line 1 is the opening "---"

	items, err := readFrontMatter(fm)
	if err != nil && strings.Contains(err.Error(), "into yaml.MapItem") {
		diags.Errorf(file, fmFirstLine, "", "front matter must be a mapping of keys to values")
		return Doc{}, false
	}
	if err != nil {
		line, msg := yamlErrorLine(err)
		if line > 0 {
			line = fileLines(fm)(line)
		}
		field := ""
		if at, key, why, ok := explainYAML(fm, line, msg); ok {
			line, field, msg = at, key, why
		} else if strings.Contains(msg, "end of stream") {
			msg += " (an unclosed quote or bracket above?)"
		}
		if line > 0 {
			line += fmFirstLine - 1
		} else {
			line = 1
		}
		diags.Errorf(file, line, field, "front matter is not valid YAML: %s", msg)
		return Doc{}, false
	}
	if items == nil && strings.TrimSpace(fm) != "" {
		diags.Errorf(file, fmFirstLine, "", "front matter must be a mapping of keys to values")
		return Doc{}, false
	}

	doc := Doc{
		File:     file,
		Items:    items,
		Pos:      &Positions{fm: fm, firstLine: fmFirstLine},
		Body:     strings.Join(lines[end+1:], ""),
		BodyLine: end + 2,
	}
	return doc, true
}

func isSeparator(line string) bool {
	line = strings.TrimSpace(line)
	return len(line) >= 3 && strings.Trim(line, "-") == ""
}

// readFrontMatter hands goldmark only the front-matter block, so the body is
// parsed once, by Hugo, not twice.
func readFrontMatter(fm string) (yaml.MapSlice, error) {
	ctx := parser.NewContext()
	src := []byte("---\n" + fm + "---\n")
	frontMatterParser().Parse(text.NewReader(src), parser.WithContext(ctx))
	return meta.TryGetItems(ctx)
}

// frontMatterParser is built once: building a goldmark parser costs more
// than parsing a brief's front matter with it. A parser keeps no state of
// its own between calls (that lives in the parser.Context), so every
// goroutine of parseAll shares it.
var frontMatterParser = sync.OnceValue(func() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(meta.Meta)).Parser()
})

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlErrorLine pulls the "line N" out of a yaml.v2 error.
func yamlErrorLine(err error) (int, string) {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.ReplaceAll(msg, "yaml.MapSlice", "a mapping")
	return 0, msg
}

// positions maps each key and list item of the front matter to its line
// (and repeated keys to the lines of their repeats), and each unquoted
// scalar to its text.
func positions(fm string, firstLine int) (map[string]int, map[string][]int, map[string]string) {
	out := map[string]int{}
	repeats := map[string][]int{}
	plain := map[string]string{}
	var root yaml3.Node
	if err := yaml3.Unmarshal([]byte(fm), &root); err != nil || len(root.Content) == 0 {
		return out, repeats, plain
	}
	toFile := fileLines(fm)
	var walk func(n *yaml3.Node, p string, depth int)
	walk = func(n *yaml3.Node, p string, depth int) {
		if depth > 8 {
			return
		}
		switch n.Kind {
		case yaml3.ScalarNode:
			if n.Style == 0 && p != "" {
				plain[p] = n.Value
			}
		case yaml3.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				kp := k.Value
				if p != "" {
					kp = p + "." + k.Value
				}
				if _, dup := out[kp]; dup {
					repeats[kp] = append(repeats[kp], toFile(k.Line)+firstLine-1)
				} else {
					out[kp] = toFile(k.Line) + firstLine - 1
				}
				walk(n.Content[i+1], kp, depth+1)
			}
		case yaml3.SequenceNode:
			for i, c := range n.Content {
				ip := fmt.Sprintf("%s[%d]", p, i)
				out[ip] = toFile(c.Line) + firstLine - 1
				walk(c, ip, depth+1)
			}
		}
	}
	walk(root.Content[0], "", 0)
	return out, repeats, plain
}

func lineAt(data []byte, offset int) int {
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

func firstInvalidUTF8Line(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return lineAt(data, i)
		}
		i += size
	}
	return 1
}
