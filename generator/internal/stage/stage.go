package stage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/par"
	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Files maps slash paths to contents.
type Files map[string][]byte

// Site is the staged site.
type Site struct {
	Content Files // relative to content/
	Data    Files // relative to data/
	// Sources maps a content path to the author's file its body came from
	// (a brief, a profile), for messages about the page.
	Sources map[string]string
	// Fragments are the pre-rendered lists of the pages (see Items): the
	// staged pages hold markers for them, which Hugo writes, and package
	// render puts each in its marker's place as Hugo writes the file.
	Fragments *splice.Table
}

// Options are facts about the build that pages show.
type Options struct {
	// Edition labels a non-public build ("internal: TLP up to green").
	Edition string
	// MaxTLP is the most restricted label in this build.
	MaxTLP brief.TLP
	// Preview marks a build for the local preview server.
	Preview bool
	// CoocLimit caps how many co-occurring terms of each kind a term page
	// lists (the rest are counted). Zero means 10.
	CoocLimit int
	// RelatedCount is how many related briefs a brief page lists (the
	// preview lists none; see Stage).
	RelatedCount int
	// Offline stages the offline edition, which is read from file://:
	// every link the staged pages hold names a file (DirIndex), the build
	// data says so (offline, dir_index) and the pages carry its banner.
	Offline bool
	// Layouts is the project's layouts/ directory, whose
	// _partials/items/ templates render the pre-rendered lists (Items).
	Layouts fs.FS
}

// Stage builds the site's content.
func Stage(ix *index.Index, v *vocab.Vocab, o Options) (*Site, error) {
	if o.CoocLimit == 0 {
		o.CoocLimit = 10
	}
	if o.Layouts == nil {
		return nil, errors.New("stage: no layouts to render lists with")
	}
	items, err := LoadItems(o.Layouts)
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	shallow, err := loadItems(o.Layouts, "../")
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	root, err := loadItems(o.Layouts, "")
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	world, err := loadWorld()
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	st := &stager{ix: ix, v: v, o: o, items: items, shallow: shallow, root: root, world: world}
	if o.Offline {
		st.dirIndex = DirIndex
	}
	s := &Site{Content: Files{}, Data: Files{}, Sources: map[string]string{}}
	// Pages are independent: build and encode them on every core.
	type page struct {
		path string
		fm   func(l *lists) (any, error)
		body string
		src  string // the author's file, if any
	}
	// The preview server leaves related briefs out: with them, saving one
	// brief would change (and make Hugo re-render) every brief that lists
	// it or now should.
	ro := index.DefaultRelated()
	ro.Count = o.RelatedCount
	if o.Preview {
		ro.Count = 0
	}
	related := ix.Related(ro)
	var pages []page
	fullMatrix := "" // its URL, for the build data
	for i, e := range ix.Entries {
		pages = append(pages, page{BriefPath(e), func(l *lists) (any, error) { return st.briefPage(l, e, related[i]) }, e.Brief.Body, e.Brief.File})
	}
	for _, k := range ix.Kinds {
		for _, t := range ix.Terms[k.Name] {
			body, src := "", ""
			if t.Profile != nil {
				body, src = t.Profile.Body, t.Profile.File
			}
			pages = append(pages, page{k.Name + "/" + t.Slug + ".md", func(l *lists) (any, error) { return st.termPage(l, k, t) }, body, src})
		}
		pages = append(pages, page{k.Name + "/_index.md", func(l *lists) (any, error) {
			sl := st.shallow.lists(l.frags)
			sl.startPage(l.page)
			return st.kindPage(sl, k)
		}, "", ""})
		if k.SiteMatrix {
			for _, t := range ix.Terms[k.Name] {
				if t.Slug == fullMatrixSlug {
					return nil, fmt.Errorf("stage: %s %q: its page would be the full matrix's, %s", k.Singular, t.Name, FullMatrixPath(k))
				}
			}
			pages = append(pages, page{FullMatrixPath(k), func(l *lists) (any, error) { return st.fullMatrixPage(l, k) }, "", ""})
			fullMatrix = st.rel(k.Name + "/" + fullMatrixSlug + "/")
		}
	}
	out := make([][]byte, len(pages))
	errs := make([]error, len(pages))
	var mu sync.Mutex
	var tables []*splice.Table
	par.ForWorker(len(pages), func() func(int) {
		frags := splice.NewTable()
		mu.Lock()
		tables = append(tables, frags)
		mu.Unlock()
		l := items.lists(frags)
		var buf bytes.Buffer
		return func(i int) {
			l.startPage(pages[i].path)
			fm, err := pages[i].fm(l)
			if err != nil {
				errs[i] = fmt.Errorf("stage: %s: %w", pages[i].path, err)
				l.err = nil
				return
			}
			buf.Reset()
			if errs[i] = encodeTo(&buf, pages[i].path, fm, pages[i].body); errs[i] == nil {
				// A copy of its length: a buffer grown by doubling holds
				// up to twice the bytes, and the staged site waits in
				// memory until Hugo has rendered it.
				out[i] = bytes.Clone(buf.Bytes())
			}
		}
	})
	s.Fragments = splice.NewTable()
	for _, t := range tables {
		s.Fragments.Merge(t)
	}
	for i, p := range pages {
		if errs[i] != nil {
			return nil, errs[i]
		}
		s.Content[p.path] = out[i]
		if p.src != "" {
			s.Sources[p.path] = p.src
		}
	}
	// A section per year (see BriefPath), neither rendered nor listed.
	for _, e := range ix.Entries {
		p := path.Dir(BriefPath(e)) + "/_index.md"
		if _, done := s.Content[p]; done {
			continue
		}
		y := &yearPage{Title: path.Base(path.Dir(p))}
		y.Build.Render, y.Build.List = "never", "never"
		if err := s.add(p, y, ""); err != nil {
			return nil, err
		}
	}
	if err := s.add("briefs/_index.md", briefsPage(ix), ""); err != nil {
		return nil, err
	}
	hl := root.lists(s.Fragments)
	hl.startPage("_index.md")
	home, err := st.homePage(hl)
	if err != nil {
		return nil, fmt.Errorf("stage: _index.md: %w", err)
	}
	if err := s.add("_index.md", home, ""); err != nil {
		return nil, err
	}
	if err := s.add("search/_index.md", searchPage(ix, st.dirIndex), ""); err != nil {
		return nil, err
	}

	build, err := json.Marshal(&BuildData{
		Edition:    o.Edition,
		MaxTLP:     o.MaxTLP,
		Attack:     v.AttackVersion,
		Kinds:      kindLinks(ix, st.dirIndex, func(taxonomy.Kind) bool { return true }),
		LatestDate: latestDate(ix),
		BriefCount: len(ix.Entries),
		Preview:    o.Preview,
		Offline:    o.Offline,
		DirIndex:   st.dirIndex,
		FullMatrix: fullMatrix,
	})
	if err != nil {
		return nil, fmt.Errorf("stage: %w", err)
	}
	s.Data["build.json"] = build
	return s, nil
}

// Size is the number of bytes staged, content and data.
func (s *Site) Size() int64 {
	var n int64
	for _, files := range []Files{s.Content, s.Data} {
		for _, data := range files {
			n += int64(len(data))
		}
	}
	return n
}

// BriefPath is where a brief's page is staged: under a section for its
// year. Hugo assembles the pages of a section one after another (sections
// in parallel), decoding each page's front matter as it goes: one section
// of 10,000 briefs kept one core busy and the other idle for about a
// second. The URL stays /briefs/<slug>/ (config.toml [permalinks]), and the
// year sections are neither rendered nor listed.
func BriefPath(e *index.Entry) string {
	return "briefs/" + strconv.Itoa(e.Brief.Date.Year()) + "/" + e.Brief.Slug + ".md"
}

func (s *Site) add(path string, fm any, body string) error {
	data, err := encode(path, fm, body)
	if err != nil {
		return err
	}
	s.Content[path] = data
	return nil
}

// encode writes a content file: JSON front matter, then the body.
func encode(path string, fm any, body string) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeTo(&buf, path, fm, body); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeTo appends a page, its front matter and its body, to buf.
func encodeTo(buf *bytes.Buffer, path string, fm any, body string) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fm); err != nil {
		return fmt.Errorf("stage: %s: %w", path, err)
	}
	buf.WriteByte('\n')
	buf.WriteString(EscapeShortcodes(body))
	return nil
}

// EscapeShortcodes makes Hugo print shortcode delimiters instead of running
// them: "{{<" becomes "{{</*" and ">}}" becomes "*/>}}", Hugo's own escape.
func EscapeShortcodes(body string) string {
	if !strings.Contains(body, "{{") {
		return body
	}
	r := strings.NewReplacer("{{<", "{{</*", ">}}", "*/>}}", "{{%", "{{%/*", "%}}", "*/%}}")
	return r.Replace(body)
}

// kindLinks lists the kinds that pass keep.
func kindLinks(ix *index.Index, dirIndex string, keep func(taxonomy.Kind) bool) []KindLink {
	var out []KindLink
	for _, k := range ix.Kinds {
		if keep(k) {
			out = append(out, KindLink{Name: k.Name, Title: k.Title, URL: siteLink(k.Name+"/", dirIndex), Count: len(ix.Terms[k.Name]), Nav: k.Nav, HomeStat: k.HomeStat})
		}
	}
	return out
}

func latestDate(ix *index.Index) string {
	if len(ix.Entries) == 0 {
		return ""
	}
	return date(ix.Entries[0])
}

func (s *stager) link(t *index.Term) Link {
	l := Link{Name: t.Name, URL: s.rel(t.URL)}
	if t.KindDef.IDs == taxonomy.IDShown {
		l.ID = t.ID
	}
	return l
}

// rel is the link to the page at site path p ("/actors/x/"), as the
// edition's pages write it (see siteLink).
func (s *stager) rel(p string) string { return siteLink(p, s.dirIndex) }

// siteLink makes a site path relative to the site root ("/actors/x/" →
// "actors/x/"), the form Hugo's relURL resolves against a base URL with a
// path, and appends dirIndex to a path that names a directory: the offline
// edition links "actors/x/index.html", because file:// shows no directory
// index.
func siteLink(p, dirIndex string) string {
	p = strings.TrimPrefix(p, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		p += dirIndex
	}
	return p
}

func date(e *index.Entry) string { return e.Brief.Date.Format("2006-01-02") }
