package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"os"

	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/render"
)

// Session builds a site again and again for the preview server. The first
// build renders everything into Options.Destination in place; each Rebuild
// checks and stages the whole project again, but parses and validates only
// the files whose bytes changed (check.Cache), and hands Hugo only the
// staged files whose bytes changed, so an edited brief re-renders the pages
// that show it, not the library. There is no atomic swap and no verify
// stage: this is a preview; `build` does both. A Session is not safe for
// concurrent use.
type Session struct {
	o    Options
	rs   *render.Session
	site render.Stats // title, language and base URL, from the first build
	last *Checked     // what the last build published, for Exports
	// check carries parsed and validated briefs from one build to the
	// next, so a save parses and validates only the files it changed.
	check check.Cache
}

// Open builds the site for the first time, exports included.
func Open(ctx context.Context, o Options) (*Session, *Result, error) {
	if err := o.normalize(); err != nil {
		return nil, nil, fmt.Errorf("options: %w", err)
	}
	if err := os.MkdirAll(o.Destination, 0o755); err != nil {
		return nil, nil, fmt.Errorf("publish: %w", err)
	}
	s := &Session{o: o}
	res, err := s.build(ctx, func(opts render.Options) (render.Stats, error) {
		rs, st, err := render.Open(opts)
		s.rs = rs
		return st, err
	})
	if err != nil {
		s.Close()
		return nil, res, err
	}
	if err := s.Exports(ctx); err != nil {
		s.Close()
		return nil, res, err
	}
	return s, res, nil
}

// Close releases the session's Hugo site. The session cannot be used
// afterwards.
func (s *Session) Close() error {
	if s == nil {
		return nil
	}
	return s.rs.Close()
}

// Rebuild checks the project again and re-renders what changed: briefs and
// profiles are compared by their staged bytes; changed names the other
// project files (templates, assets) changed since the last build, as
// absolute paths. Hugo's configuration is read once: after config.toml
// changes, Close the session and Open a new one. Rebuild does not
// write the exports (feeds, STIX, search index...): call Exports after
// showing the new pages, so a reader need not wait for files they are not
// looking at.
func (s *Session) Rebuild(ctx context.Context, changed []string) (*Result, error) {
	return s.build(ctx, func(opts render.Options) (render.Stats, error) {
		st, _, err := s.rs.Update(opts.Content, opts.Data, opts.Sources, opts.Fragments, changed)
		return st, err
	})
}

func (s *Session) build(ctx context.Context, renderFn func(render.Options) (render.Stats, error)) (*Result, error) {
	res, c, staged, err := prepare(ctx, s.o, &s.check)
	if err != nil {
		return res, err
	}
	tm := timer{&res.Timings}
	var st render.Stats
	if err := tm.run("render", func() error {
		st, err = renderFn(renderOptions(s.o, staged, s.o.Destination))
		return err
	}); err != nil {
		return res, err
	}
	if st.BaseURL != "" { // a rebuild that changed nothing reports nothing
		s.site = st
	}
	res.Pages, res.BaseURL = st.Pages, cmp.Or(s.site.BaseURL, s.o.BaseURL)
	s.last = c
	return res, nil
}

// Exports writes the post-process files (feeds, exports, search index) of
// the last successful build. Each file is replaced whole (renamed into
// place), so the preview can serve the directory meanwhile. When ctx is
// done Exports stops before the next file and returns ctx's error: some
// exports are then those of an earlier build, until Exports runs to the
// end again. It must not run at the same time as Rebuild.
func (s *Session) Exports(ctx context.Context) error {
	if s.last == nil {
		return nil
	}
	o := postprocess.Options{Stop: ctx, Atomic: true}
	if err := exportAll(s.o.Destination, s.last, s.site, cmp.Or(s.site.BaseURL, s.o.BaseURL), o); err != nil {
		return fmt.Errorf("post-process: %w", err)
	}
	return nil
}
