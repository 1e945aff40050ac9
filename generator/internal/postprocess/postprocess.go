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
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
)

// Run runs every exporter over s, writing into dir, all at once: the
// exporters are few (the list bounds the goroutines) and independent, and
// on a machine of two cores the short ones then fill the gaps of the long
// ones. The first error is returned, wrapped with its exporter's name.
func Run(dir string, s *export.Site, exporters []export.Exporter) error {
	out := NewWriter(dir)
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
