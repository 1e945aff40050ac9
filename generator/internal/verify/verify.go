// Package verify checks a rendered site before it is published. It is the
// generator's one link checker, for the web site and the offline edition.
//
// It accepts the directory a build wrote and Options: the base URL the site
// was rendered for, and whether it is the offline edition. Links checks
// every href, src and action of the link elements of every HTML file that
// points inside the site (a relative or root-relative path, or an absolute
// URL on the base URL's host), and reports the ones whose target file does
// not exist. For the offline edition, which is read from file:// wherever it
// is unpacked, it also reports every internal link that is root-relative,
// absolute to the web site, names a directory (file:// shows no
// index.html) or leaves the edition, and every HTML, CSS or JS file that
// mentions the web site's absolute URL (so no page makes a network request;
// feeds, the sitemap and the data exports keep their absolute URLs: they are
// data for other tools, and no page loads them). Leaks reports every file
// that contains any of a set of forbidden strings (the slugs, titles and
// indicators of briefs a build excluded, and the UUIDs and indicator hashes
// that would name them in the MISP feed and the TAXII collections).
package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/par"
)

// Options say which site Links checks, and by which rules.
type Options struct {
	BaseURL string // the absolute base URL the site was rendered for
	// Offline checks the offline edition: every internal link must also
	// work from file:// (see the package doc).
	Offline bool
}

// Broken is a link that does not work: its target is missing or, in the
// offline edition, it cannot work from file://.
type Broken struct {
	File string // slash path relative to the site root
	URL  string
	// Why is what is wrong with it: "broken link" (its target is missing),
	// or a rule of the offline edition it breaks.
	Why string
}

// Why a link of the offline edition cannot work from disk.
const (
	WhyMissing      = "broken link"
	WhyRootRelative = "root-relative link (file:// has no site root)"
	WhyDirectory    = "link to a directory (file:// shows no index.html)"
	WhyAbsolute     = "absolute link to the web site"
	WhyLeaves       = "link that leaves the edition"
	WhyMentions     = "mentions the web site's absolute URL"
)

func (b Broken) String() string { return b.File + ": " + b.Why + " " + b.URL }

// Links returns every broken internal link under dir, and in the offline
// edition every link and mention that would not work from file://.
func Links(dir string, o Options) ([]Broken, error) {
	base, err := url.Parse(o.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("verify: base URL: %w", err)
	}
	if o.Offline && base.Host == "" {
		return nil, fmt.Errorf("verify: base URL %q is not absolute", o.BaseURL)
	}
	basePath := strings.TrimSuffix(base.Path, "/")
	// The web site's address as an HTML, CSS or JS file of the offline
	// edition would mention it: "//host/path".
	mention := []byte("//" + base.Host + basePath)
	// One walk lists the pages to read and every file a link may name, so
	// checking a link is a set lookup rather than a stat.
	var pages []string // slash paths under dir
	exists := map[string]bool{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		exists[rel] = true
		switch path.Ext(rel) {
		case ".html":
			pages = append(pages, rel)
		case ".css", ".js":
			if o.Offline {
				pages = append(pages, rel)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	slices.Sort(pages)

	results := make([][]Broken, len(pages))
	resolved := &resolveCache{m: map[string]resolution{}}
	par.For(len(pages), func(i int) {
		rel := pages[i]
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			results[i] = []Broken{{File: rel, URL: "(unreadable: " + err.Error() + ")", Why: WhyMissing}}
			return
		}
		if o.Offline && bytes.Contains(data, mention) {
			results[i] = append(results[i], Broken{File: rel, URL: o.BaseURL, Why: WhyMentions})
		}
		if !strings.HasSuffix(rel, ".html") {
			return
		}
		var buf []byte
		for _, ref := range PageLinks(data) {
			if o.Offline {
				if why := offlineRule(ref, rel, base); why != "" {
					results[i] = append(results[i], Broken{File: rel, URL: ref, Why: why})
					continue
				}
			}
			if plainRelative(ref) {
				// Most links; resolved into a reused buffer and looked up
				// without building a string.
				buf = appendJoinRelative(buf[:0], ref, rel)
				if !exists[string(buf)] {
					results[i] = append(results[i], Broken{File: rel, URL: ref, Why: WhyMissing})
				}
				continue
			}
			target, internal := resolved.get(ref, rel, base, basePath)
			if internal && !exists[target] {
				results[i] = append(results[i], Broken{File: rel, URL: ref, Why: WhyMissing})
			}
		}
	})
	var out []Broken
	for _, r := range results {
		out = append(out, r...)
	}
	return out, nil
}

// offlineRule says why a link found in the file at rel would not work
// from file:// wherever the edition is unpacked, or "" when it would (if
// its target exists, which Links checks as on the web).
func offlineRule(ref, rel string, base *url.URL) string {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "" // unparseable: Links reports it as broken
	}
	if u.Scheme != "" || u.Host != "" {
		if strings.EqualFold(u.Host, base.Host) {
			return WhyAbsolute
		}
		return "" // another site, mailto:, data:
	}
	p := u.Path
	switch {
	case p == "":
		return "" // a fragment or query on the same page
	case strings.HasPrefix(p, "/"):
		return WhyRootRelative
	case strings.HasSuffix(p, "/") || p == "." || p == ".." || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/.."):
		return WhyDirectory
	}
	depth := strings.Count(rel, "/") // directories between the root and rel
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return WhyLeaves
			}
		default:
			depth++
		}
	}
	return ""
}

// resolve maps a reference found in file rel to a path under the site root,
// or reports that it points elsewhere.
func resolve(ref, rel string, base *url.URL, basePath string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ref, true // unparseable: report it
	}
	if u.Scheme != "" || u.Host != "" {
		if !strings.EqualFold(u.Host, base.Host) || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "") {
			return "", false
		}
	}
	p := u.Path
	if p == "" {
		return "", false // a fragment or query on the same page
	}
	switch {
	case !strings.HasPrefix(p, "/"):
		trailing := strings.HasSuffix(p, "/")
		p = path.Join("/", path.Dir(rel), p)
		if trailing {
			p += "/"
		}
	case basePath != "":
		if !strings.HasPrefix(p, basePath+"/") && p != basePath {
			return p, true // outside the site's path: cannot resolve
		}
		p = strings.TrimPrefix(p, basePath)
	}
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	if strings.HasSuffix(p, "/") || p == "" {
		p += "index.html"
	}
	return strings.TrimPrefix(path.Clean(p), "/"), true
}

// resolveCache remembers where a site-rooted link points: the same
// navigation and term links appear on thousands of pages.
type resolveCache struct {
	mu sync.Mutex
	m  map[string]resolution
}

// plainRelative reports whether ref is a relative path of plain characters
// (the "../../actors/x/" links of term lists): no scheme, query, fragment or
// escape, so it resolves as a path, without url.Parse.
func plainRelative(ref string) bool {
	if ref == "" || ref[0] == '/' {
		return false
	}
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}

// appendJoinRelative appends to dst the site path a plainRelative ref in
// file rel points to: what resolve returns for it, with ref's segments
// applied to rel's directory the way path.Join and path.Clean would and
// "index.html" added to a directory, built without allocating (the verify
// stage resolves over a million links on a 10,000-brief site).
func appendJoinRelative(dst []byte, ref, rel string) []byte {
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		dst = append(dst, rel[:i]...)
	}
	for seg := range strings.SplitSeq(ref, "/") {
		switch seg {
		case "", ".":
		case "..":
			i := bytes.LastIndexByte(dst, '/')
			dst = dst[:max(i, 0)]
		default:
			if len(dst) > 0 {
				dst = append(dst, '/')
			}
			dst = append(dst, seg...)
		}
	}
	switch {
	case len(dst) == 0:
		dst = append(dst, "index.html"...)
	case strings.HasSuffix(ref, "/"):
		dst = append(dst, "/index.html"...)
	}
	return dst
}

type resolution struct {
	target   string
	internal bool
}

func (c *resolveCache) get(ref, rel string, base *url.URL, basePath string) (string, bool) {
	if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
		return resolve(ref, rel, base, basePath) // relative: depends on the page
	}
	c.mu.Lock()
	r, ok := c.m[ref]
	c.mu.Unlock()
	if !ok {
		r.target, r.internal = resolve(ref, rel, base, basePath)
		c.mu.Lock()
		c.m[ref] = r
		c.mu.Unlock()
	}
	return r.target, r.internal
}

// Leak is a file containing a forbidden string.
type Leak struct {
	File  string
	Found string
}

func (l Leak) String() string {
	return fmt.Sprintf("%s: contains %q from a brief this build excludes", l.File, l.Found)
}

// Leaks scans every file under dir for the forbidden strings, as written and
// as HTML and JSON escape them.
func Leaks(dir string, forbidden []string) ([]Leak, error) {
	if len(forbidden) == 0 {
		return nil, nil
	}
	var needles [][]byte
	orig := map[string]string{}
	for _, s := range forbidden {
		for _, form := range []string{s, html.EscapeString(s), jsonEscape(s)} {
			if _, dup := orig[form]; !dup {
				orig[form] = s
				needles = append(needles, []byte(form))
			}
		}
	}
	var out []Leak
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		for _, n := range needles {
			if bytes.Contains(data, n) {
				out = append(out, Leak{File: filepath.ToSlash(rel), Found: orig[string(n)]})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return out, nil
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
