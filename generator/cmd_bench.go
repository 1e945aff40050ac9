package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/bench"
	"github.com/threatbriefs/threatbriefs/generator/internal/copytree"
	"github.com/threatbriefs/threatbriefs/generator/internal/render"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

func benchCmd(stdout, stderr io.Writer) *cobra.Command {
	var source, dir string
	var sizes []int
	var runs int
	var seed uint64
	var baseline, generateOnly bool
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Time full builds of deterministic synthetic libraries, against a plain-Hugo baseline",
		Long: `Bench writes a synthetic library for each --briefs size (same seed, same bytes;
kept under --dir between runs), then builds it --runs times with "generator
build" and, with --baseline, with plain Hugo (six Hugo taxonomies, default RSS,
.Related, minify), each in a child process, and prints the median wall time,
the median time of each stage, the peak resident memory and the output size.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			self, err := os.Executable()
			if err != nil {
				return err
			}
			source, err := projectDir(cmd, source)
			if err != nil {
				return err
			}
			if dir == "" {
				dir = filepath.Join(os.TempDir(), "threatbriefs-bench")
			}
			fmt.Fprintf(stdout, "| briefs | build (median of %d) | peak RSS | files | output | plain Hugo | its peak RSS | speed-up |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n", runs)
			var stageLines []string
			for _, n := range sizes {
				corpus := filepath.Join(dir, fmt.Sprintf("corpus-%d-seed%d", n, seed))
				if err := ensureCorpus(source, corpus, n, seed); err != nil {
					return err
				}
				if generateOnly {
					fmt.Fprintf(stderr, "corpus of %d briefs at %s\n", n, corpus)
					continue
				}
				var walls []time.Duration
				var rss []int64
				stages := map[string][]time.Duration{}
				var order []string
				// Each run writes a fresh tree and none is deleted until all
				// runs are done: deleting a large tree slows the file
				// creation that follows on some disks (a mount with discard),
				// which would make each run pay for the previous one.
				var dests []string
				defer func() {
					for _, d := range dests {
						os.RemoveAll(d)
					}
				}()
				var dest string
				samples, err := timeRuns(self, runs, &dests, func(r int) (string, []string) {
					dest = filepath.Join(dir, fmt.Sprintf("out-%d-%d", n, r))
					return dest, []string{"build", "-s", corpus, "-d", dest, "--timings"}
				})
				if err != nil {
					return err
				}
				for _, s := range samples {
					walls = append(walls, s.Wall)
					rss = append(rss, s.PeakRSS)
					for _, m := range stageRe.FindAllStringSubmatch(s.Output, -1) {
						d, _ := time.ParseDuration(m[2])
						if _, seen := stages[m[1]]; !seen {
							order = append(order, m[1])
						}
						stages[m[1]] = append(stages[m[1]], d)
					}
				}
				files, size := treeSize(dest)
				row := fmt.Sprintf("| %d | %.2f s | %.0f MB | %d | %.1f MB |", n, bench.Median(walls).Seconds(), float64(bench.Median(rss))/1e6, files, float64(size)/1e6)
				if baseline {
					bdir := filepath.Join(dir, fmt.Sprintf("baseline-%d-seed%d", n, seed))
					if _, err := os.Stat(bdir); err != nil {
						if err := bench.Baseline(corpus, bdir); err != nil {
							return err
						}
					}
					samples, err := timeRuns(self, runs, &dests, func(r int) (string, []string) {
						bdest := filepath.Join(dir, fmt.Sprintf("baseline-out-%d-%d", n, r))
						return bdest, []string{"bench-hugo", "--source", bdir, "--destination", bdest, "--minify", "--quiet"}
					})
					if err != nil {
						return err
					}
					var bw []time.Duration
					var br []int64
					for _, s := range samples {
						bw = append(bw, s.Wall)
						br = append(br, s.PeakRSS)
					}
					row += fmt.Sprintf(" %.2f s | %.0f MB | %.1fx |", bench.Median(bw).Seconds(), float64(bench.Median(br))/1e6, bench.Median(bw).Seconds()/bench.Median(walls).Seconds())
				} else {
					row += " | | |"
				}
				fmt.Fprintln(stdout, row)
				line := fmt.Sprintf("%d briefs:", n)
				for _, st := range order {
					line += fmt.Sprintf(" %s %.3fs,", st, bench.Median(stages[st]).Seconds())
				}
				stageLines = append(stageLines, strings.TrimSuffix(line, ","))
			}
			if len(stageLines) > 0 {
				fmt.Fprintln(stdout, "\nMedian time per stage:")
				for _, l := range stageLines {
					fmt.Fprintln(stdout, "- "+l)
				}
			}
			return nil
		},
	}
	addSourceFlag(cmd, &source, "project whose config.toml, layouts/ and assets/ the corpus uses")
	cmd.Flags().StringVar(&dir, "dir", "", "where corpora and outputs are kept (default $TMPDIR/threatbriefs-bench)")
	cmd.Flags().IntSliceVar(&sizes, "briefs", []int{1000, 10000}, "corpus sizes")
	cmd.Flags().IntVar(&runs, "runs", 3, "builds per size; the median is reported")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed of the corpus")
	cmd.Flags().BoolVar(&baseline, "baseline", true, "also build each corpus with plain Hugo")
	cmd.Flags().BoolVar(&generateOnly, "generate-only", false, "write the corpora and stop")
	return cmd
}

// timeRuns runs self with the arguments run(r) returns, for r in
// [0, runs), each in a child process, and returns the samples. Each run
// writes to a fresh destination (run's first result): it is removed before
// the run and added to dests, for removal once every run is done.
func timeRuns(self string, runs int, dests *[]string, run func(r int) (dest string, args []string)) ([]bench.Sample, error) {
	var out []bench.Sample
	for r := range runs {
		dest, args := run(r)
		os.RemoveAll(dest)
		*dests = append(*dests, dest)
		s, err := bench.Run(self, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

var stageRe = regexp.MustCompile(`(?m)^  (\S+)\s+([0-9.]+[µmn]?s)$`)

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

// ensureCorpus writes a corpus once; a complete one is reused if it was
// written for the same ATT&CK tables (it names their techniques, and a
// newer release revokes some).
func ensureCorpus(source, dir string, n int, seed uint64) error {
	v, err := vocab.Default()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	marker := filepath.Join(dir, ".complete")
	stamp := strconv.Itoa(n) + " briefs, ATT&CK v" + v.AttackVersion
	if data, err := os.ReadFile(marker); err == nil && string(data) == stamp {
		return copyProject(source, dir) // templates may have changed since
	}
	os.RemoveAll(dir)
	if err := copyProject(source, dir); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := synth.Generate(dir, n, seed); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return os.WriteFile(marker, []byte(stamp), 0o644)
}

// copyProject copies the parts of a project that are not content.
func copyProject(src, dst string) error {
	for _, p := range []string{"layouts", "assets"} {
		os.RemoveAll(filepath.Join(dst, p))
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, p := range []string{"config.toml", "layouts", "assets"} {
		if err := copytree.Copy(filepath.Join(src, p), filepath.Join(dst, p)); err != nil {
			return err
		}
	}
	return nil
}

func treeSize(dir string) (files int, bytes int64) {
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				files++
				bytes += info.Size()
			}
		}
		return nil
	})
	return files, bytes
}
