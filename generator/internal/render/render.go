// Package render runs Hugo, embedded as a library, over a project whose
// content has been staged in memory. It is the only package of the generator
// that imports Hugo.
//
// It accepts the project directory (config.toml, layouts/, assets/ are read
// from it, read-only), the staged content and data files (slash paths
// relative to content/ and data/), and an output directory. Hugo sees an
// overlay: the staged files in an in-memory layer over the read-only project
// tree, with its content directory pointed at the in-memory copy, so neither
// the author's content/ nor anything else in the project is written to, and
// nothing on disk under content/ reaches the site without being validated and
// staged. Output is minified by Hugo (which uses tdewolff/minify).
//
// What Hugo reports, its errors and its log, names the author's files: a
// staged page as the file under content/ it was made from (Options.Sources),
// templates and assets relative to the project (see teller). Errors do not
// name the stage: the caller does. Hugo's warning about raw HTML is
// silenced, as validation reports raw HTML with its line.
package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bep/logg"
	"github.com/bep/overlayfs"
	"github.com/fsnotify/fsnotify"
	"github.com/gohugoio/hugo/commands"
	"github.com/gohugoio/hugo/common/constants"
	"github.com/gohugoio/hugo/common/hmaps"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"

	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
)

// stagedDir is where the staged content lives, inside the in-memory layer.
// It never exists on disk.
const stagedDir = ".threatbriefs-staged"

// Options configures one render.
type Options struct {
	ProjectDir  string            // absolute path of the project root
	Content     map[string][]byte // staged content, paths relative to content/; consumed (emptied) by Render
	Data        map[string][]byte // staged data files, paths relative to data/; consumed too
	PublishDir  string            // absolute path Hugo writes to; created if missing
	BaseURL     string            // overrides config.toml when set
	Environment string            // "production" or "development"
	Minify      bool
	// RelativeURLs makes Hugo write every root-relative URL in its HTML
	// output relative to the page ("/actors/" → "../../actors/"; Hugo's
	// relativeURLs), and leaves out its alias pages (the redirect stubs of
	// page 1 of a paginated list), which redirect by absolute URL. The
	// offline edition, read from file://, is built so.
	RelativeURLs bool
	Log          io.Writer // Hugo's warnings; nil discards them
	// TemplateMetrics, when set, receives Hugo's per-template timings
	// after the build (hugo --templateMetrics --templateMetricsHints).
	TemplateMetrics io.Writer
	// Sources maps a staged content path to the author's file it was made
	// from (slash path relative to ProjectDir), so that errors and warnings
	// name that file rather than the staging directory.
	Sources map[string]string
	// PagesOnly renders the regular pages of Content and nothing of the
	// whole site: no home page, sections, feeds, sitemap, robots.txt or
	// 404 page. A large site is rendered in parts (package batch): its
	// pages in parts of their own, then the rest with stubs of them.
	PagesOnly bool
	// OnWrite, when set, is called each time Hugo has written a file under
	// PublishDir (once the file is closed), with its absolute path, from
	// Hugo's goroutines.
	OnWrite func(path string)
	// Fragments, when set, are the HTML that the staged pages' markers
	// stand for: each file Hugo writes gets them in place of the markers
	// (package splice). A marker it does not hold fails the render.
	Fragments *splice.Table
}

// Stats says what Hugo produced.
type Stats struct {
	Pages    int    // pages Hugo rendered (all kinds)
	BaseURL  string // the base URL the site was built for
	Title    string // the site's title
	Language string // the site's locale
}

// Render builds the site once. Once ctx is done, Hugo renders no further
// page (see destFs) and Render returns ctx's error. Render returns only
// after Hugo has stopped writing, so a caller may remove PublishDir as
// soon as it returns.
func Render(ctx context.Context, o Options) (Stats, error) {
	dest := &destFs{Fs: afero.NewOsFs(), ctx: ctx, onWrite: o.OnWrite, frags: o.Fragments}
	st, err := newSite(o, false, dest)
	if err != nil {
		return Stats{}, err
	}
	dest.stop = st.sites.FatalError
	// Closing stops the goroutine of Hugo's memory cache, which otherwise
	// keeps the whole rendered site reachable (and in memory) for the rest
	// of the process: through post-processing and verification.
	defer st.sites.Close()
	stats, err := st.build()
	if ctx.Err() != nil {
		return Stats{}, fmt.Errorf("render: %w", context.Cause(ctx))
	}
	if err == nil {
		err = dest.failed()
	}
	return stats, err
}

// site is a Hugo site over its in-memory layer.
type site struct {
	o                   Options
	sites               *hugolib.HugoSites
	mem                 afero.Fs
	contentDir, dataDir string
	teller              *teller
}

func (s *site) build(events ...fsnotify.Event) (Stats, error) {
	if err := s.sites.Build(hugolib.BuildCfg{}, events...); err != nil {
		return Stats{}, s.teller.wrap(err)
	}
	if s.o.TemplateMetrics != nil {
		s.sites.Deps.Metrics.WriteMetrics(s.o.TemplateMetrics)
	}
	st := Stats{}
	for _, hs := range s.sites.Sites {
		st.Pages += len(hs.Pages())
		st.BaseURL = hs.BaseURL()
		st.Title = hs.Title()
		st.Language = hs.Language().Locale()
	}
	return st, nil
}

// write moves files into the in-memory layer under dir: each is deleted from
// the caller's map once the layer holds it, so a large site is not held
// twice while Hugo renders it.
func (s *site) write(dir string, files map[string][]byte) error {
	for name, data := range files {
		delete(files, name)
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := s.mem.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := afero.WriteFile(s.mem, p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// newSite stages the files in memory and sets Hugo up over them, writing
// the site through dest. A watching site keeps what Hugo needs to rebuild
// only what a change touches.
func newSite(o Options, watching bool, dest afero.Fs) (*site, error) {
	if !filepath.IsAbs(o.ProjectDir) || !filepath.IsAbs(o.PublishDir) {
		return nil, errors.New("project and publish directories must be absolute")
	}
	s := &site{
		o:          o,
		mem:        afero.NewMemMapFs(),
		contentDir: filepath.Join(o.ProjectDir, stagedDir, "content"),
		dataDir:    filepath.Join(o.ProjectDir, stagedDir, "data"),
	}
	s.teller = newTeller(o.ProjectDir, s.contentDir, o.Sources)
	for _, d := range []struct {
		dir   string
		files map[string][]byte
	}{{s.contentDir, o.Content}, {s.dataDir, o.Data}} {
		if err := s.mem.MkdirAll(d.dir, 0o755); err != nil {
			return nil, fmt.Errorf("staging: %w", err)
		}
		if err := s.write(d.dir, d.files); err != nil {
			return nil, fmt.Errorf("staging: %w", err)
		}
	}
	mem, contentDir, dataDir := s.mem, s.contentDir, s.dataDir
	// Reads fall through to the project; writes (Hugo's build lock, its
	// resource cache) land in memory.
	source := overlayfs.New(overlayfs.Options{FirstWritable: true, Fss: []afero.Fs{mem, afero.NewReadOnlyFs(afero.NewOsFs())}})

	var logw io.Writer = io.Discard
	if o.Log != nil {
		logw = logWriter{o.Log, s.teller}
	}
	logger := loggers.New(loggers.Options{Level: logg.LevelWarn, StdOut: logw, StdErr: logw, DistinctLevel: logg.LevelWarn})

	flags := config.New()
	flags.Set("workingDir", o.ProjectDir)
	flags.Set("contentDir", contentDir)
	flags.Set("dataDir", dataDir)
	flags.Set("publishDir", o.PublishDir)
	flags.Set("cacheDir", filepath.Join(o.ProjectDir, stagedDir, "cache"))
	// Hugo's build lock is a file in the project directory, taken on the real
	// disk: it would write into the author's tree and serialise independent
	// builds. Each build here renders into its own directory instead.
	flags.Set("noBuildLock", true)
	// Raw HTML in a body is dropped; check reports it, with its line in the
	// author's file (validate.RawHTML), so Hugo need not.
	flags.Set("ignoreLogs", []string{constants.WarnGoldmarkRawHTML})
	// Every brief the generator stages is meant to be published: it holds
	// back briefs dated after today itself (in the site's time zone, from
	// its own clock), unless told to publish them. Were Hugo to apply its
	// own rule too, with its own clock, the two could disagree about a
	// brief dated today or tomorrow, and term pages would link a page Hugo
	// dropped.
	flags.Set("buildFuture", true)
	if o.TemplateMetrics != nil {
		flags.Set("templateMetrics", true)
		flags.Set("templateMetricsHints", true)
	}
	if watching {
		// Hugo's own live reload is not used: the preview server has its
		// own (the site's livereload.js).
		flags.Set("internal", hmaps.Params{"running": true, "watch": true})
		flags.Set("disableLiveReload", true)
	}
	if o.BaseURL != "" {
		flags.Set("baseURL", o.BaseURL)
	}
	env := o.Environment
	if env == "" {
		env = "production"
	}
	flags.Set("environment", env)
	if o.RelativeURLs {
		flags.Set("relativeURLs", true)
		flags.Set("disableAliases", true)
		flags.Set("pagination", hmaps.Params{"disableAliases": true}) // merged into config.toml's section
	}
	if o.PagesOnly {
		// The project's own disabled kinds (taxonomies) stay disabled.
		flags.Set("disableKinds", []string{"taxonomy", "term", "home", "section", "rss", "sitemap", "robotstxt", "404"})
	}
	if o.Minify {
		// Hugo's SVG minifier is off: every SVG the site serves is written
		// minified already (the views' shapes by package stage, the inline
		// charts by layouts/, assets/images/*.svg as committed), and with
		// it on, the HTML minifier hands every inline <svg> to it, which
		// parses every map outline and bar again (about 4% of a build's
		// CPU). Inline SVG is copied as written; TestInlineSVGIsMinified
		// holds the layouts to it.
		flags.Set("minify", hmaps.Params{"minifyOutput": true, "disableSVG": true})
	}

	configs, err := allconfig.LoadConfig(allconfig.ConfigSourceDescriptor{
		Flags:       flags,
		Fs:          source,
		Filename:    filepath.Join(o.ProjectDir, "config.toml"),
		Environment: env,
		Logger:      logger,
		Environ:     []string{"HUGO_ENVIRONMENT=" + env},
	})
	if err != nil {
		return nil, fmt.Errorf("config: %w", s.teller.wrap(err))
	}
	if err := os.MkdirAll(o.PublishDir, 0o755); err != nil {
		return nil, err
	}
	fs := hugofs.NewFromSourceAndDestination(source, dest, flags)
	// Hugo prints progress statements ("Source changed ...") to StdOut;
	// only its warnings and errors (StdErr) are of use here.
	sites, err := hugolib.NewHugoSites(deps.DepsCfg{Configs: configs, Fs: fs, LogLevel: logger.Level(), StdOut: io.Discard, StdErr: logger.StdErr()})
	if err != nil {
		return nil, s.teller.wrap(err)
	}
	s.sites = sites
	return s, nil
}

// HugoCLI runs Hugo's own command line in this process, as the hugo binary
// would with args. Only the benchmark uses it, to build a plain-Hugo
// baseline with nothing of this project's pipeline.
func HugoCLI(args []string) error {
	return commands.Execute(args)
}
