// Package offline makes the editions of the site that are read away from
// the web: the offline edition (a directory or a zip that opens from
// file:///…/index.html) and a single brief as one self-contained HTML file.
//
// It accepts the pipeline's Options (project, base URL, TLP ceiling): every
// edition is built by the same pipeline as the public site, into a temporary
// destination, so it holds exactly what a build with those options
// publishes, TLP rules included. Rewrite then turns the built tree into one
// that works from disk, and Check proves it does:
//
//   - every internal href, src and form action is relative and names a file
//     (…/index.html, never a directory), so the tree works from wherever it
//     is unpacked;
//   - no HTML, CSS or JS file refers to the site by an absolute URL, so
//     pages make no network request (feeds, the sitemap and briefs.json keep
//     their absolute URLs: they are data for other tools, and no page loads
//     them);
//   - every page carries "Offline edition, built from N briefs as of DATE",
//     DATE being the newest brief's date, so the same content always gives
//     the same bytes.
//
// The edition keeps the MISP feed and galaxy (misp/): they are data, and a
// MISP server reads the unpacked misp/ directory as a feed of input source
// "local". It leaves out the TAXII API (taxii2/): TAXII is a protocol of
// HTTP servers, its endpoints are directory URLs that only a server's
// rewrites and headers answer, and the same objects are in the edition's
// STIX bundles.
package offline

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/taxii"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/publish"
)

// Edition is a built offline edition in a temporary directory.
type Edition struct {
	Dir    string    // the rewritten site
	Briefs int       // briefs it holds
	Date   time.Time // date of the newest brief; zero when there is none
	Result *pipeline.Result
	tmp    string
}

// Close removes the edition's temporary directory.
func (e *Edition) Close() error {
	if e.tmp == "" {
		return nil
	}
	return os.RemoveAll(e.tmp)
}

// Banner is the line every page of an edition carries.
func (e *Edition) Banner() string {
	s := fmt.Sprintf("Offline edition, built from %d brief%s", e.Briefs, plural(e.Briefs))
	if !e.Date.IsZero() {
		s += " as of " + e.Date.Format("2 January 2006")
	}
	return s
}

// Build builds the site with o into a temporary directory under tmpParent
// ("" for the system default) and rewrites it for file://.
func Build(ctx context.Context, o pipeline.Options, tmpParent string) (*Edition, error) {
	tmp, err := os.MkdirTemp(tmpParent, ".threatbriefs-offline-*")
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	e := &Edition{tmp: tmp, Dir: filepath.Join(tmp, "site")}
	o.Destination = e.Dir
	res, err := pipeline.Build(ctx, o)
	e.Result = res
	if err != nil {
		e.Close()
		return e, err
	}
	if err := os.RemoveAll(filepath.Join(e.Dir, filepath.FromSlash(taxii.Discovery))); err != nil {
		e.Close()
		return e, fmt.Errorf("offline: %w", err)
	}
	e.Briefs = len(res.Published)
	if res.Index != nil && len(res.Index.Entries) > 0 {
		e.Date = res.Index.Entries[0].Brief.Date
	}
	if err := Rewrite(e.Dir, res.BaseURL, e.bannerHTML()); err != nil {
		e.Close()
		return e, err
	}
	if problems, err := Check(e.Dir, res.BaseURL); err != nil || len(problems) > 0 {
		e.Close()
		if err == nil {
			err = fmt.Errorf("offline: %d problem(s) in the edition:\n%s", len(problems), joinProblems(problems))
		}
		return e, err
	}
	return e, nil
}

func (e *Edition) bannerHTML() string {
	text := html.EscapeString(e.Banner())
	if !e.Date.IsZero() {
		d := e.Date.Format("2 January 2006")
		text = strings.Replace(text, d, `<time datetime="`+e.Date.Format("2006-01-02")+`">`+d+`</time>`, 1)
	}
	return `<div class="edition offline" role="note"><div class="wrap">` + text + `.</div></div>`
}

// Write builds the offline edition once and writes it to zipFile, to dir,
// or to both (either may be "").
//
// The zip (see WriteZip) is written through a temporary file and renamed.
// The directory is replaced in one rename (see package publish); so that a
// mistyped path cannot wipe a directory of other files, dir must not exist,
// be empty, or hold an earlier offline edition, which is checked before
// anything is built.
func Write(ctx context.Context, o pipeline.Options, zipFile, dir string) (*Edition, error) {
	tmpParent := ""
	if dir != "" {
		var err error
		if dir, err = filepath.Abs(dir); err != nil {
			return nil, fmt.Errorf("offline: %w", err)
		}
		if err := replaceable(dir); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, fmt.Errorf("offline: %w", err)
		}
		// Build beside dir so the final move is a rename on one filesystem.
		tmpParent = filepath.Dir(dir)
	}
	e, err := Build(ctx, o, tmpParent)
	if err != nil {
		return e, err
	}
	defer e.Close()
	if zipFile != "" {
		if err := e.writeZip(zipFile); err != nil {
			return e, err
		}
	}
	if dir != "" {
		if err := publish.Swap(e.Dir, dir); err != nil {
			return e, fmt.Errorf("offline: %w", err)
		}
		e.Dir = dir
	}
	return e, nil
}

// WriteDir builds the offline edition and puts it at dir (see Write).
func WriteDir(ctx context.Context, o pipeline.Options, dir string) (*Edition, error) {
	return Write(ctx, o, "", dir)
}

// WriteZip builds the offline edition and writes it to file as a zip whose
// entries sit under one folder, ZipFolder(file).
func WriteZip(ctx context.Context, o pipeline.Options, file string) (*Edition, error) {
	return Write(ctx, o, file, "")
}

// ZipFolder is the folder a zip written to file holds its edition in: the
// file's name without its extension ("threat-briefs.zip" → "threat-briefs").
func ZipFolder(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// replaceable reports why dir may not be replaced by an edition, or nil.
func replaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("offline: %w", err)
	}
	home, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err == nil && bytes.Contains(home, []byte(`class="edition offline"`)) {
		return nil
	}
	return fmt.Errorf("offline: %s is not empty and holds no offline edition; export into a new or empty directory (it would be replaced)", dir)
}

// writeZip zips the edition into file, through a temporary file beside it.
func (e *Edition) writeZip(file string) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".tmp-*")
	if err != nil {
		return fmt.Errorf("offline: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := Zip(tmp, e.Dir, ZipFolder(file), e.Date); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("offline: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("offline: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("offline: %w", err)
	}
	return nil
}

// Zip writes the tree under dir to w, every entry under folder/, in path
// order and stamped with modified (the zero time stamps 1980-01-01), so the
// same tree always gives the same bytes.
func Zip(w io.Writer, dir, folder string, modified time.Time) error {
	if modified.IsZero() {
		modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("offline: %w", err)
	}
	slices.Sort(files)
	zw := zip.NewWriter(w)
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("offline: %w", err)
		}
		h := &zip.FileHeader{Name: path.Join(folder, rel), Method: zip.Deflate, Modified: modified.UTC()}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("offline: %w", err)
		}
		if _, err := fw.Write(data); err != nil {
			return fmt.Errorf("offline: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("offline: %w", err)
	}
	return nil
}

// site knows how the built tree was addressed on the web.
type site struct {
	dir      string
	base     *url.URL
	basePath string // base URL path without the trailing slash: "" or "/docs"
}

func newSite(dir, baseURL string) (*site, error) {
	base, err := url.Parse(baseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("offline: base URL %q is not absolute", baseURL)
	}
	return &site{dir: dir, base: base, basePath: strings.TrimSuffix(base.Path, "/")}, nil
}

// sitePath maps a reference found in the file at rel (a slash path under
// the site root) to the site path it points at ("briefs/x/", "" for the
// root), or reports that it is not a link into the site (another host, a
// mailto:, a bare #fragment or ?query, a data: URL).
func (s *site) sitePath(ref, rel string) (p string, u *url.URL, ok bool) {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", nil, false
	}
	if u.Scheme != "" || u.Host != "" {
		if (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "") || !strings.EqualFold(u.Host, s.base.Host) {
			return "", nil, false
		}
	}
	p = u.Path
	if p == "" && u.Host == "" {
		return "", nil, false
	}
	if strings.HasPrefix(p, "/") || u.Host != "" {
		if s.basePath != "" {
			if p != s.basePath && !strings.HasPrefix(p, s.basePath+"/") {
				return "", nil, false
			}
			p = strings.TrimPrefix(p, s.basePath)
		}
	} else {
		trailing := strings.HasSuffix(p, "/")
		p = path.Join(path.Dir("/"+rel), p)
		if trailing && p != "/" {
			p += "/"
		}
	}
	p = strings.TrimPrefix(p, "/")
	if p == "." {
		p = ""
	}
	return p, u, true
}

// fileOf is the file a site path names: a directory's index.html.
func (s *site) fileOf(p string) string {
	if p == "" || strings.HasSuffix(p, "/") {
		return p + "index.html"
	}
	if st, err := os.Stat(filepath.Join(s.dir, filepath.FromSlash(p))); err == nil && st.IsDir() {
		return p + "/index.html"
	}
	return p
}

// relative is the link from the file at rel to the site file target.
func relative(rel, target string) string {
	from := strings.Split(path.Dir(rel), "/")
	if path.Dir(rel) == "." {
		from = nil
	}
	to := strings.Split(target, "/")
	i := 0
	for i < len(from) && i < len(to)-1 && from[i] == to[i] {
		i++
	}
	return strings.Repeat("../", len(from)-i) + strings.Join(to[i:], "/")
}

// localize rewrites one reference found in the file at rel.
func (s *site) localize(ref, rel string) string {
	p, u, ok := s.sitePath(ref, rel)
	if !ok {
		return ref
	}
	out := relative(rel, s.fileOf(p))
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		out += "#" + u.EscapedFragment()
	}
	return out
}

// urlAttrs are the attributes that hold a URL a browser follows or loads.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "poster": true, "formaction": true, "cite": false}

var refreshURL = regexp.MustCompile(`(?i)^(\s*\d+\s*;\s*url\s*=\s*)(.+)$`)

// Rewrite turns the site built for baseURL in dir into the offline edition,
// in place: links in HTML and CSS become relative links to files; the
// canonical link and og:url (absolute URLs of the web site) go; integrity
// attributes go, because Chromium refuses a subresource with an integrity
// attribute that is not loaded with CORS, and file:// has no CORS; and
// banner (HTML) is inserted at the end of each page's site header.
func Rewrite(dir, baseURL, banner string) error {
	s, err := newSite(dir, baseURL)
	if err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		var out []byte
		switch path.Ext(rel) {
		case ".html":
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = s.rewriteHTML(data, rel, banner)
		case ".css":
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = s.rewriteCSS(data, rel)
		default:
			return nil
		}
		if err := os.WriteFile(p, out, 0o644); err != nil {
			return fmt.Errorf("offline: %w", err)
		}
		return nil
	})
}

func (s *site) rewriteHTML(data []byte, rel, banner string) []byte {
	var out bytes.Buffer
	out.Grow(len(data) + len(banner))
	z := html.NewTokenizer(bytes.NewReader(data))
	inTitle, inSiteHeader, inNoscript := false, false, false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.Bytes()
		}
		raw := z.Raw()
		if tt == html.TextToken && inNoscript {
			// The tokenizer reads a noscript element's content as text
			// (as a browser with scripting does); a reader without
			// scripting gets its markup, links included.
			out.Write(s.rewriteHTML(raw, rel, ""))
			continue
		}
		if tt == html.TextToken && inTitle {
			// Hugo's redirect pages (pagination aliases) are titled with
			// the absolute URL they redirect to.
			text := html.UnescapeString(string(raw))
			if _, _, ok := s.sitePath(text, rel); ok && strings.Contains(text, "://") {
				out.WriteString(html.EscapeString(s.localize(text, rel)))
				continue
			}
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			if tt == html.EndTagToken {
				inTitle, inNoscript = false, false
				// The banner goes last in the site header, inside its
				// landmark, so that all content stays in landmarks.
				if name, _ := z.TagName(); string(name) == "header" && inSiteHeader {
					inSiteHeader = false
					out.WriteString(banner)
				}
			}
			out.Write(raw)
			continue
		}
		tok := z.Token()
		inTitle, inNoscript = tok.Data == "title", tok.Data == "noscript"
		if tok.Data == "header" && slices.Contains(strings.Fields(attr(tok, "class")), "site-header") {
			inSiteHeader = true
		}
		if dropForOffline(tok) {
			continue
		}
		changed := false
		attrs := tok.Attr[:0]
		for _, a := range tok.Attr {
			switch {
			case a.Key == "integrity" || a.Key == "crossorigin":
				changed = true
				continue
			case urlAttrs[a.Key]:
				if v := s.localize(a.Val, rel); v != a.Val {
					a.Val, changed = v, true
				}
			case a.Key == "content" && tok.Data == "meta" && isRefresh(tok):
				if m := refreshURL.FindStringSubmatch(a.Val); m != nil {
					if v := s.localize(m[2], rel); v != m[2] {
						a.Val, changed = m[1]+v, true
					}
				}
			}
			attrs = append(attrs, a)
		}
		if !changed {
			out.Write(raw)
			continue
		}
		tok.Attr = attrs
		out.WriteString(tok.String())
	}
}

// dropForOffline reports elements that name the web site by its absolute
// URL and mean nothing offline: the canonical link and og:url.
func dropForOffline(t html.Token) bool {
	switch t.Data {
	case "link":
		return attr(t, "rel") == "canonical"
	case "meta":
		return attr(t, "property") == "og:url"
	}
	return false
}

func isRefresh(t html.Token) bool { return strings.EqualFold(attr(t, "http-equiv"), "refresh") }

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'")]+)(['"]?)\s*\)|@import\s+(['"])([^'"]+)(['"])`)

func (s *site) rewriteCSS(data []byte, rel string) []byte {
	return cssURL.ReplaceAllFunc(data, func(m []byte) []byte {
		sm := cssURL.FindSubmatch(m)
		ref, q1, q2 := sm[2], sm[1], sm[3]
		prefix, suffix := "url(", ")"
		if len(sm[5]) > 0 {
			ref, q1, q2, prefix, suffix = sm[5], sm[4], sm[6], "@import ", ""
		}
		if bytes.HasPrefix(ref, []byte("data:")) {
			return m
		}
		return []byte(prefix + string(q1) + s.localize(string(ref), rel) + string(q2) + suffix)
	})
}

// Problem is something in an edition that would not work from disk.
type Problem struct {
	File    string
	Message string
}

func (p Problem) String() string { return p.File + ": " + p.Message }

func joinProblems(ps []Problem) string {
	var b strings.Builder
	for i, p := range ps {
		if i == 50 {
			fmt.Fprintf(&b, "... and %d more\n", len(ps)-i)
			break
		}
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// Check reports everything in the edition at dir that would not work from
// file://: a link that is root-relative, absolute to the site (built for
// baseURL), or names a directory or a missing file; and any HTML, CSS or JS
// file that mentions the site's absolute URL.
func Check(dir, baseURL string) ([]Problem, error) {
	s, err := newSite(dir, baseURL)
	if err != nil {
		return nil, err
	}
	siteURL := strings.TrimSuffix(s.base.Host+s.base.Path, "/")
	var out []Problem
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		ext := path.Ext(rel)
		if ext != ".html" && ext != ".css" && ext != ".js" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("//"+siteURL)) {
			out = append(out, Problem{rel, "mentions the web site's absolute URL " + s.base.String()})
		}
		if ext != ".html" {
			return nil
		}
		for _, ref := range htmlRefs(data) {
			out = append(out, s.checkRef(ref, rel)...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	return out, nil
}

func (s *site) checkRef(ref, rel string) []Problem {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return []Problem{{rel, fmt.Sprintf("unparseable link %q", ref)}}
	}
	if u.Scheme != "" || u.Host != "" {
		if strings.EqualFold(u.Host, s.base.Host) {
			return []Problem{{rel, fmt.Sprintf("absolute link to the web site %q", ref)}}
		}
		return nil // another site, mailto:, data:
	}
	if u.Path == "" {
		return nil // #fragment or ?query on the same page
	}
	if strings.HasPrefix(u.Path, "/") {
		return []Problem{{rel, fmt.Sprintf("root-relative link %q (file:// has no site root)", ref)}}
	}
	if strings.HasSuffix(u.Path, "/") || u.Path == "." || u.Path == ".." {
		return []Problem{{rel, fmt.Sprintf("link to a directory %q (file:// shows no index.html)", ref)}}
	}
	target := path.Join(path.Dir(rel), u.Path)
	if strings.HasPrefix(target, "../") || target == ".." {
		return []Problem{{rel, fmt.Sprintf("link %q leaves the edition", ref)}}
	}
	st, err := os.Stat(filepath.Join(s.dir, filepath.FromSlash(target)))
	switch {
	case err != nil:
		return []Problem{{rel, fmt.Sprintf("broken link %q", ref)}}
	case st.IsDir():
		return []Problem{{rel, fmt.Sprintf("link to a directory %q (file:// shows no index.html)", ref)}}
	}
	return nil
}

// htmlRefs lists the URLs an HTML document links to or loads, including
// those in the markup of noscript elements.
func htmlRefs(data []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(data))
	inNoscript := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt == html.TextToken && inNoscript {
			out = append(out, htmlRefs(z.Raw())...)
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			inNoscript = false
			continue
		}
		tok := z.Token()
		inNoscript = tok.Data == "noscript"
		for _, a := range tok.Attr {
			if urlAttrs[a.Key] {
				out = append(out, a.Val)
			}
			if a.Key == "content" && isRefresh(tok) {
				if m := refreshURL.FindStringSubmatch(a.Val); m != nil {
					out = append(out, m[2])
				}
			}
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
