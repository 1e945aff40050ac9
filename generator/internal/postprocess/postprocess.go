// Package postprocess is the post-process stage: it runs the exporters over
// a rendered site.
//
// It accepts the directory Hugo wrote, the export.Site of the build and the
// exporters to run (exporters.All), and runs them all at once, each writing
// through one Writer: the export.Sink that puts a file under the directory
// in its final form. The Writer owns minification: it minifies every file
// by the media type its name implies, with one tdewolff/minify instance
// configured as Hugo configures its own, so what the generator writes and
// the pages Hugo renders are minified alike; JSON, which exporters write
// compact by construction (export.Sink), it writes as it is
// (TestCompactOutputIsMinimal). Errors name the exporter and the file, not
// the stage: the caller does.
package postprocess

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
)

// Run runs every exporter over s, writing into dir, all at once: the
// exporters are few (the list bounds the goroutines) and independent, and
// on a machine of two cores the short ones then fill the gaps of the long
// ones. The first error is returned, wrapped with its exporter's name.
func Run(dir string, s *export.Site, exporters []export.Exporter) error {
	return RunWith(dir, s, exporters, Options{})
}

// Options are what the preview server needs of a run that a build does
// not: a build writes into a directory nobody reads until it is swapped
// into place; the preview rewrites the exports of the site it is serving,
// after the browser has reloaded.
type Options struct {
	// Stop, when done, ends the run early (a newer save is waiting to be
	// built): no file is started after it, and the run returns its error.
	// Every file is then either the one before the run or the one it
	// wrote; the caller must run the exporters again to make them agree.
	Stop context.Context
	// Atomic writes each file beside its place and renames it there, so
	// that a reader sees the old file or the new one, never part of one.
	Atomic bool
}

// RunWith is Run with Options.
func RunWith(dir string, s *export.Site, exporters []export.Exporter, o Options) error {
	out := NewWriter(dir)
	out.ctx, out.atomic = o.Stop, o.Atomic
	var eg errgroup.Group
	for _, e := range exporters {
		eg.Go(func() error {
			if err := e.Export(s, out); err != nil {
				return fmt.Errorf("%s: %w", e.Name(), err)
			}
			return nil
		})
	}
	return eg.Wait()
}
