// Package offline makes the editions of the site that are read away from
// the web: the offline edition (a directory or a zip that opens from
// file:///…/index.html) and a single brief as one self-contained HTML file.
//
// It accepts the pipeline's Options (project, base URL, TLP ceiling): every
// edition is built by the same pipeline as the public site, into a temporary
// destination, so it holds exactly what a build with those options
// publishes, TLP rules included. The offline edition is a build with
// pipeline.Options.Offline: the templates render it, not a rewrite of the
// web site's pages (see package stage's dir_index and offline keys), and
// the build's verify stage proves it works from disk:
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

// Build builds the offline edition with o into a temporary directory under
// tmpParent ("" for the system default).
func Build(ctx context.Context, o pipeline.Options, tmpParent string) (*Edition, error) {
	tmp, err := os.MkdirTemp(tmpParent, ".threatbriefs-offline-*")
	if err != nil {
		return nil, fmt.Errorf("offline: %w", err)
	}
	e := &Edition{tmp: tmp, Dir: filepath.Join(tmp, "site")}
	o.Destination = e.Dir
	o.Offline = true
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
	return e, nil
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

// urlAttrs are the attributes that hold a URL a browser follows or loads.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "poster": true, "formaction": true, "cite": false}

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

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
