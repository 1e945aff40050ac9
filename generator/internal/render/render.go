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
package render

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bep/logg"
	"github.com/bep/overlayfs"
	"github.com/gohugoio/hugo/commands"
	"github.com/gohugoio/hugo/common/hmaps"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"
)

// stagedDir is where the staged content lives, inside the in-memory layer.
// It never exists on disk.
const stagedDir = ".threatbriefs-staged"

// Options configures one render.
type Options struct {
	ProjectDir  string            // absolute path of the project root
	Content     map[string][]byte // staged content, paths relative to content/
	Data        map[string][]byte // staged data files, paths relative to data/
	PublishDir  string            // absolute path Hugo writes to; created if missing
	BaseURL     string            // overrides config.toml when set
	Environment string            // "production" or "development"
	Minify      bool
	Log         io.Writer // Hugo's warnings; nil discards them
}

// Stats says what Hugo produced.
type Stats struct {
	Pages   int    // pages Hugo rendered (all kinds)
	BaseURL string // the base URL the site was built for
}

// Render builds the site once.
func Render(o Options) (Stats, error) {
	sites, err := newSites(o)
	if err != nil {
		return Stats{}, err
	}
	if err := sites.Build(hugolib.BuildCfg{}); err != nil {
		return Stats{}, fmt.Errorf("render: %w", err)
	}
	st := Stats{}
	for _, s := range sites.Sites {
		st.Pages += len(s.Pages())
		st.BaseURL = s.BaseURL()
	}
	return st, nil
}

func newSites(o Options) (*hugolib.HugoSites, error) {
	if !filepath.IsAbs(o.ProjectDir) || !filepath.IsAbs(o.PublishDir) {
		return nil, errors.New("render: project and publish directories must be absolute")
	}
	mem := afero.NewMemMapFs()
	write := func(dir string, files map[string][]byte) error {
		for name, data := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := mem.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := afero.WriteFile(mem, p, data, 0o644); err != nil {
				return err
			}
		}
		return nil
	}
	contentDir := filepath.Join(o.ProjectDir, stagedDir, "content")
	if err := mem.MkdirAll(contentDir, 0o755); err != nil {
		return nil, fmt.Errorf("render: staging: %w", err)
	}
	if err := write(contentDir, o.Content); err != nil {
		return nil, fmt.Errorf("render: staging content: %w", err)
	}
	dataDir := filepath.Join(o.ProjectDir, stagedDir, "data")
	if err := mem.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("render: staging: %w", err)
	}
	if err := write(dataDir, o.Data); err != nil {
		return nil, fmt.Errorf("render: staging data: %w", err)
	}
	// Reads fall through to the project; writes (Hugo's build lock, its
	// resource cache) land in memory.
	source := overlayfs.New(overlayfs.Options{FirstWritable: true, Fss: []afero.Fs{mem, afero.NewReadOnlyFs(afero.NewOsFs())}})

	logw := o.Log
	if logw == nil {
		logw = io.Discard
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
	if o.BaseURL != "" {
		flags.Set("baseURL", o.BaseURL)
	}
	env := o.Environment
	if env == "" {
		env = "production"
	}
	flags.Set("environment", env)
	if o.Minify {
		flags.Set("minify", hmaps.Params{"minifyOutput": true})
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
		return nil, fmt.Errorf("render: config: %w", err)
	}
	if err := os.MkdirAll(o.PublishDir, 0o755); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	fs := hugofs.NewFromSourceAndDestination(source, afero.NewOsFs(), flags)
	sites, err := hugolib.NewHugoSites(deps.DepsCfg{Configs: configs, Fs: fs, LogLevel: logger.Level(), StdErr: logger.StdErr()})
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return sites, nil
}

// HugoCLI runs Hugo's own command line in this process, as the hugo binary
// would with args. Only the benchmark uses it, to build a plain-Hugo
// baseline with nothing of this project's pipeline.
func HugoCLI(args []string) error {
	return commands.Execute(args)
}
