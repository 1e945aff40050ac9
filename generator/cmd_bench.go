package main

import (
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/bench"
	"github.com/threatbriefs/threatbriefs/generator/internal/render"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
)

func benchCmd(stdout, stderr io.Writer) *cobra.Command {
	o := bench.Options{}
	var shape string
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Time full builds of deterministic synthetic libraries, against a plain-Hugo baseline",
		Long: `Bench writes a synthetic library for each --briefs size (same seed, same bytes;
kept under --dir between runs), then builds it --runs times with "generator
build" and, with --baseline, with plain Hugo (six Hugo taxonomies, default RSS,
.Related, minify), each in a child process, and prints the median wall time,
the median time of each stage, the peak resident memory and the output size.
--shape unique writes a library in which each brief brings terms of its own
(a campaign, one or two CVEs, malware and sources from long tails), as real
reports do.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			self, err := os.Executable()
			if err != nil {
				return err
			}
			o.Source, err = projectDir(cmd, o.Source)
			if err != nil {
				return err
			}
			if o.Shape, err = synth.ParseKind(shape); err != nil {
				return err
			}
			o.Self, o.Log = self, stderr
			if o.Dir == "" {
				o.Dir = filepath.Join(os.TempDir(), "threatbriefs-bench")
			}
			rep, err := bench.Measure(o)
			if err != nil {
				return err
			}
			if o.GenerateOnly {
				return nil
			}
			return rep.WriteMarkdown(stdout)
		},
	}
	addSourceFlag(cmd, &o.Source, "project whose config.toml, layouts/ and assets/ the corpus uses")
	cmd.Flags().StringVar(&o.Dir, "dir", "", "where corpora and outputs are kept (default $TMPDIR/threatbriefs-bench)")
	cmd.Flags().IntSliceVar(&o.Sizes, "briefs", []int{1000, 10000}, "corpus sizes")
	cmd.Flags().IntVar(&o.Runs, "runs", 3, "builds per size; the median is reported")
	cmd.Flags().Uint64Var(&o.Seed, "seed", 1, "random seed of the corpus")
	cmd.Flags().StringVar(&shape, "shape", string(synth.Shared), `corpus shape: "shared" (few terms, each named by many briefs) or "unique" (each brief its own campaign and CVEs, long tails of malware and sources)`)
	cmd.Flags().BoolVar(&o.Baseline, "baseline", true, "also build each corpus with plain Hugo")
	cmd.Flags().BoolVar(&o.GenerateOnly, "generate-only", false, "write the corpora and stop")
	return cmd
}

// benchHugoCmd runs Hugo's own CLI, for the baseline. Hidden: it exists so
// the benchmark can time plain Hugo in a process of its own.
func benchHugoCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "bench-hugo",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(_ *cobra.Command, args []string) error {
			return render.HugoCLI(args)
		},
	}
}
