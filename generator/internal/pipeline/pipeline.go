// Package pipeline runs the generator's stages in order:
//
//	load → validate → index → stage → render → post-process → verify → publish
//
// It accepts a project directory (content/, layouts/, assets/, config.toml)
// and Options. Check runs the first three stages (package check, which
// imports no Hugo) and returns every diagnostic. Build runs them all: it
// stops before rendering when validation found an error, renders into a
// working directory beside the destination, and swaps that into place only
// when every later stage succeeded, so a failed or interrupted build leaves
// the previous output as it was. Errors are wrapped with the name of the
// stage that failed.
//
// A brief is published when its TLP label is within Options.MaxTLP and it
// is dated today or earlier, "today" being the date of Options.Now in the
// site's time zone (config.toml's timeZone, default UTC). A brief dated
// later is held back, with a warning on its date line, exactly as a brief
// above the TLP ceiling is left out: no page, nothing that names it, and
// its strings are forbidden in the output. Options.BuildFuture publishes
// it (Hugo's --buildFuture). Hugo itself renders every staged page, future
// or not, so the generator's rule is the only one.
package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/threatbriefs/threatbriefs/generator/internal/batch"
	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/publish"
	"github.com/threatbriefs/threatbriefs/generator/internal/render"
	"github.com/threatbriefs/threatbriefs/generator/internal/stage"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/verify"
)

// Options configures a check or a build.
type Options struct {
	ProjectDir  string    // project root; made absolute
	Destination string    // output directory; default <ProjectDir>/public
	BaseURL     string    // overrides config.toml's baseURL
	Environment string    // production (default) or development
	MaxTLP      brief.TLP // most restricted label to publish; default clear
	Log         io.Writer // Hugo's warnings; nil discards them
	// Preview marks a build for the local preview server (live reload).
	Preview bool
	// Offline builds the offline edition, read from file:// wherever it is
	// unpacked: the same pages rendered by the same templates, with every
	// link relative and naming a file, no canonical link or integrity
	// attribute, and the edition's banner (package stage, BuildData); the
	// verify stage then also refuses a link that would not work from disk
	// (verify.Options.Offline).
	Offline bool
	// TemplateMetrics, when set, receives Hugo's per-template timings.
	TemplateMetrics io.Writer
	// FS overrides where content is read from (tests); default os.DirFS(ProjectDir).
	FS fs.FS
	// Kinds are the site's taxonomies; default taxonomy.Kinds().
	Kinds taxonomy.Table
	// PartBytes, when positive, has Build render a site of at least twice
	// that many staged bytes in parts (package batch): its regular pages in parts
	// of at most PartBytes each, one Hugo run after another, so that Hugo
	// never holds the whole site. Zero renders it in one run. The output
	// is the same.
	PartBytes int64
	// OnStaged, when set, is called by Build once the content has checked
	// without errors and been staged, before Hugo renders it, with the size
	// of the staged content in bytes (with the fragments its pages get,
	// package splice) and that of the largest part Hugo will hold at once
	// (the whole site unless PartBytes divides it): what the build command
	// sizes its memory limit by.
	OnStaged func(stagedBytes, partBytes int64)
	// BuildFuture publishes briefs dated after today (Hugo's --buildFuture).
	// Without it such a brief is held back: no page, and no term page, list,
	// feed, export or search entry names it, as if it were excluded by TLP.
	BuildFuture bool
	// Now is the clock "today" is read from, in the site's time zone
	// (config.toml's timeZone, default UTC); nil means time.Now.
	Now func() time.Time
	// OnRenderWrite, when set, is called by Build each time Hugo has
	// written a file into the working directory, with its path relative to
	// that directory, from Hugo's goroutines. Tests use it to act mid-render.
	OnRenderWrite func(rel string)
}

// Timing is how long one stage took.
type Timing = check.Timing

// Checked is the outcome of load, validate and index (package check).
type Checked = check.Checked

// Result is the outcome of a build.
type Result struct {
	Checked
	Pages       int // pages Hugo rendered
	Destination string
	BaseURL     string // the absolute base URL the site was rendered for
}

func (o *Options) normalize() error {
	if o.ProjectDir == "" {
		o.ProjectDir = "."
	}
	abs, err := filepath.Abs(o.ProjectDir)
	if err != nil {
		return err
	}
	o.ProjectDir = abs
	if o.Destination == "" {
		o.Destination = filepath.Join(abs, "public")
	} else if !filepath.IsAbs(o.Destination) {
		o.Destination = filepath.Join(abs, o.Destination)
	}
	if o.MaxTLP == "" {
		o.MaxTLP = brief.TLPClear
	}
	if o.MaxTLP.Rank() < 0 {
		return fmt.Errorf("unknown TLP label %q", o.MaxTLP)
	}
	if o.FS == nil {
		o.FS = os.DirFS(abs)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Kinds == nil {
		o.Kinds = taxonomy.Kinds()
	}
	return o.Kinds.Check()
}

type timer struct{ timings *[]Timing }

func (t timer) run(name string, fn func() error) error { return check.Time(t.timings, name, fn) }

// Check loads, validates and indexes the project (package check).
func Check(o Options) (*Checked, error) { return checkWith(o, nil) }

// checkWith is Check through a check.Cache (nil: none), which a preview
// session keeps between rebuilds.
func checkWith(o Options, cache *check.Cache) (*Checked, error) {
	co, err := CheckOptions(o)
	if err != nil {
		return nil, err
	}
	co.Cache = cache
	return check.Run(co)
}

// CheckOptions are the options of the check (package check) that Check
// and Build run for o: what a caller that needs only the check (as package
// changes does) passes to check.Run, without linking Hugo's renderer.
func CheckOptions(o Options) (check.Options, error) {
	if err := o.normalize(); err != nil {
		return check.Options{}, fmt.Errorf("options: %w", err)
	}
	co, err := check.ForProject(o.ProjectDir, o.Now())
	if err != nil {
		return check.Options{}, err
	}
	co.FS, co.MaxTLP, co.BuildFuture, co.Kinds = o.FS, o.MaxTLP, o.BuildFuture, o.Kinds
	return co, nil
}

// ErrInvalid is returned (wrapped) by Build when validation found errors.
var ErrInvalid = errors.New("the content has errors; nothing was built")

// Build checks, renders and publishes the site.
func Build(ctx context.Context, o Options) (*Result, error) {
	if err := o.normalize(); err != nil {
		return nil, fmt.Errorf("options: %w", err)
	}
	res, c, staged, err := prepare(ctx, o, nil)
	if err != nil {
		return res, err
	}
	tm := timer{&res.Timings}

	tmp, err := publish.Prepare(o.Destination)
	if err != nil {
		return res, fmt.Errorf("publish: %w", err)
	}
	published := false
	defer func() {
		if !published {
			publish.Discard(tmp)
		}
	}()

	// The fragments count with the pages they go into: they wait in
	// memory until those pages are written.
	size := staged.Size() + staged.Fragments.Size()
	data := (&stage.Site{Data: staged.Data}).Size()
	limit := o.PartBytes
	if limit <= 0 {
		limit = size
	}
	parts, err := batch.Split(staged.Content, limit, staged.Fragments.PageSizes())
	if err != nil {
		return res, fmt.Errorf("render: %w", err)
	}
	if o.OnStaged != nil {
		largest := int64(0)
		for _, p := range parts {
			largest = max(largest, p.Bytes+data) // every part has the data files
		}
		o.OnStaged(size, largest)
	}

	var st render.Stats
	if err := tm.run("render", func() error {
		var onWrite func(string)
		if o.OnRenderWrite != nil {
			onWrite = func(path string) {
				if rel, err := filepath.Rel(tmp, path); err == nil {
					o.OnRenderWrite(filepath.ToSlash(rel))
				}
			}
		}
		// Each part gets its pages' fragments (a page in several parts,
		// as a stub or a section, the first's), which go once it is
		// written.
		partOf := map[string]int{}
		for i, p := range parts {
			for page := range p.Content {
				if _, ok := partOf[page]; !ok {
					partOf[page] = i
				}
			}
		}
		frags := staged.Fragments.Divide(len(parts), func(page string) int {
			if i, ok := partOf[page]; ok {
				return i
			}
			return -1
		})
		for i := range parts {
			ro := renderOptions(o, staged, tmp)
			ro.Content, ro.PagesOnly = parts[i].Content, parts[i].Pages
			ro.Fragments, frags[i] = frags[i], nil
			// Render consumes the data files; every part needs them.
			ro.Data = maps.Clone(staged.Data)
			parts[i] = batch.Part{} // the part's files are Hugo's now
			ro.OnWrite = onWrite
			// Render returns only once Hugo has stopped writing into tmp
			// (sooner when ctx is cancelled): only then may the deferred
			// Discard remove it.
			pst, err := render.Render(ctx, ro)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				return err
			}
			// The site part (the last, or the only one) lists every
			// page; a part of pages only counts its own again.
			if !ro.PagesOnly {
				st = pst
			}
		}
		return nil
	}); err != nil {
		return res, err
	}
	res.Pages, res.BaseURL = st.Pages, cmp.Or(st.BaseURL, o.BaseURL)
	baseURL := res.BaseURL

	if err := tm.run("post-process", func() error {
		return exportAll(tmp, c, st, baseURL, postprocess.Options{})
	}); err != nil {
		return res, err
	}

	if err := tm.run("verify", func() error {
		broken, err := verify.Links(tmp, verify.Options{BaseURL: baseURL, Offline: o.Offline})
		if err != nil {
			return err
		}
		var problems []string
		for _, b := range broken {
			problems = append(problems, b.String())
		}
		leaks, err := verify.Leaks(tmp, forbidden(c))
		if err != nil {
			return err
		}
		for _, l := range leaks {
			problems = append(problems, l.String())
		}
		if n := len(problems); n > 0 {
			if n > 50 {
				problems = append(problems[:50], fmt.Sprintf("... and %d more", n-50))
			}
			return fmt.Errorf("%d problem(s) in the rendered site:\n%s", n, strings.Join(problems, "\n"))
		}
		return nil
	}); err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}

	if err := tm.run("publish", func() error { return publish.Swap(tmp, o.Destination) }); err != nil {
		return res, err
	}
	published = true
	return res, nil
}

// prepare checks and stages the project: what a build and a preview
// rebuild both do before rendering. The Result it returns carries the
// diagnostics and timings so far, also on error. A preview session passes
// the check.Cache it keeps between rebuilds; a build passes nil.
func prepare(ctx context.Context, o Options, cache *check.Cache) (*Result, *Checked, *stage.Site, error) {
	c, err := checkWith(o, cache)
	if err != nil {
		return nil, nil, nil, err
	}
	res := &Result{Checked: *c, Destination: o.Destination}
	if err := c.Diagnostics.Err(); err != nil {
		return res, c, nil, fmt.Errorf("validate: %w: %w", ErrInvalid, err)
	}
	var staged *stage.Site
	if err := (timer{&res.Timings}).run("stage", func() error {
		var err error
		staged, err = stageSite(c, o)
		return err
	}); err != nil {
		return res, c, nil, err
	}
	return res, c, staged, ctx.Err()
}

func stageSite(c *Checked, o Options) (*stage.Site, error) {
	edition := ""
	if o.MaxTLP != brief.TLPClear {
		edition = "Internal edition: includes briefs up to TLP:" + strings.ToUpper(string(o.MaxTLP))
	}
	gp, err := generatorParams(o.ProjectDir)
	if err != nil {
		return nil, err
	}
	related := index.DefaultRelated().Count
	if gp.RelatedCount != nil {
		related = *gp.RelatedCount
	}
	return stage.Stage(c.Index, c.Vocab, stage.Options{Edition: edition, MaxTLP: o.MaxTLP, Preview: o.Preview, Offline: o.Offline, CoocLimit: gp.CoocLimit, RelatedCount: related,
		Layouts: os.DirFS(filepath.Join(o.ProjectDir, "layouts"))})
}

// genParams is the [params.generator] section of config.toml: settings the
// generator reads itself (Hugo ignores them).
type genParams struct {
	CoocLimit int `toml:"coocLimit"`
	// RelatedCount is how many related briefs a brief lists; absent means
	// index.DefaultRelated's, 0 none.
	RelatedCount *int `toml:"relatedCount"`
}

func generatorParams(projectDir string) (genParams, error) {
	var cfg struct {
		Params struct {
			Generator genParams `toml:"generator"`
		} `toml:"params"`
	}
	data, err := os.ReadFile(filepath.Join(projectDir, "config.toml"))
	if err != nil {
		return genParams{}, fmt.Errorf("config.toml: %w", err)
	}
	if err := toml.Unmarshal(data, &cfg); err != nil {
		return genParams{}, fmt.Errorf("config.toml: %w", err)
	}
	if cfg.Params.Generator.CoocLimit < 0 {
		return genParams{}, fmt.Errorf("config.toml: params.generator.coocLimit must not be negative")
	}
	if n := cfg.Params.Generator.RelatedCount; n != nil && *n < 0 {
		return genParams{}, fmt.Errorf("config.toml: params.generator.relatedCount must not be negative")
	}
	return cfg.Params.Generator, nil
}

func renderOptions(o Options, staged *stage.Site, dir string) render.Options {
	return render.Options{
		ProjectDir: o.ProjectDir, Content: staged.Content, Data: staged.Data,
		PublishDir: dir, BaseURL: o.BaseURL, Environment: o.Environment, Minify: true, RelativeURLs: o.Offline,
		Log: o.Log, TemplateMetrics: o.TemplateMetrics, Sources: staged.Sources,
		Fragments: staged.Fragments,
	}
}

// forbidden lists strings that identify a brief left out (excluded by TLP
// or held back until its date) and appear in no published one: its URL
// path, its title, its indicators, and what names it in the feeds for
// platforms: its UUID (its MISP event's and its STIX report's, as in the
// TAXII collections) and the MD5 of each of its indicators (how
// misp/hashes.csv lists a value).
func forbidden(c *Checked) []string {
	if len(c.Excluded)+len(c.HeldBack) == 0 {
		return nil
	}
	public := map[string]bool{}
	for _, b := range c.Published {
		public[b.Title] = true
		for _, ioc := range b.IOCs {
			public[ioc.Value] = true
		}
	}
	var out []string
	for _, b := range slices.Concat(c.Excluded, c.HeldBack) {
		if b.Slug != "" {
			out = append(out, "/briefs/"+b.Slug+"/", misp.EventUUID(b.Slug))
		}
		if b.Title != "" && !public[b.Title] {
			out = append(out, b.Title)
		}
		for _, ioc := range b.IOCs {
			if !public[ioc.Value] {
				out = append(out, ioc.Value, indicator.Defang(ioc.Type, ioc.Value), misp.IndicatorHash(ioc.Type, ioc.Value))
			}
		}
	}
	return out
}
