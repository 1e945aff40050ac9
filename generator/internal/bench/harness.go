package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/copytree"
	"github.com/threatbriefs/threatbriefs/generator/internal/synth"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Options say what to measure.
type Options struct {
	// Self is the generator's executable: the child processes run
	// `Self build -s CORPUS -d OUT --timings-file FILE` and, for the
	// baseline, `Self bench-hugo ...`.
	Self string
	// Source is the project whose config.toml, layouts/ and assets/ each
	// corpus uses.
	Source string
	// Dir keeps the corpora between runs, and the outputs while running.
	Dir string
	// Sizes are the corpus sizes, in briefs.
	Sizes []int
	// Runs is the number of builds per size; medians are reported.
	Runs int
	// Seed is synth's seed: the same seed writes the same bytes.
	Seed uint64
	// Shape is the corpus's kind (synth.Shared when empty).
	Shape synth.Kind
	// Baseline also builds each corpus with plain Hugo.
	Baseline bool
	// GenerateOnly writes the corpora and measures nothing.
	GenerateOnly bool
	// Log receives progress lines (the corpora written); nil for none.
	Log io.Writer
}

// Size is what was measured for one corpus size. Medians are over the runs.
type Size struct {
	Briefs  int
	Corpus  string        // where the corpus is
	Wall    time.Duration // median wall time of a build
	CPU     time.Duration // median CPU time (user and system) of a build
	PeakRSS int64         // median peak resident memory, bytes
	Files   int           // files in the output
	Bytes   int64         // size of the output
	// Stages are the median times of each stage, in the order the build
	// ran them, as the child reported them.
	Stages []StageTime
	// HugoWall, HugoCPU and HugoRSS are the plain-Hugo build's medians;
	// zero without a baseline.
	HugoWall time.Duration
	HugoCPU  time.Duration
	HugoRSS  int64
}

// Report is the outcome of a benchmark.
type Report struct {
	Runs  int
	Sizes []Size
}

// StageTime is how long one stage of a build took: what `build
// --timings-file` writes, as a JSON array of these.
type StageTime struct {
	Stage    string        `json:"stage"`
	Duration time.Duration `json:"ns"`
}

// WriteTimings writes the stage times of a build to path as JSON, for a
// parent process to decode (the bench harness).
func WriteTimings(path string, stages []StageTime) error {
	data, err := json.Marshal(stages)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// ReadTimings decodes what WriteTimings wrote.
func ReadTimings(path string) ([]StageTime, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []StageTime
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// Measure writes (or reuses) a corpus per size and times its builds, each
// in a child process.
func Measure(o Options) (*Report, error) {
	if o.Runs < 1 {
		o.Runs = 1
	}
	rep := &Report{Runs: o.Runs}
	// Each run writes a fresh tree and none is deleted until all runs are
	// done: deleting a large tree slows the file creation that follows on
	// some disks (a mount with discard), which would make each run pay for
	// the previous one.
	var dests []string
	defer func() {
		for _, d := range dests {
			os.RemoveAll(d)
		}
	}()
	for _, n := range o.Sizes {
		corpus := filepath.Join(o.Dir, corpusName(o.Shape, n, o.Seed))
		if err := ensureCorpus(o.Source, corpus, n, o.Seed, o.Shape); err != nil {
			return nil, err
		}
		if o.GenerateOnly {
			if o.Log != nil {
				fmt.Fprintf(o.Log, "corpus of %d briefs at %s\n", n, corpus)
			}
			continue
		}
		sz := Size{Briefs: n, Corpus: corpus}
		var walls, cpus []time.Duration
		var rss []int64
		stages := map[string][]time.Duration{}
		var order []string
		var dest string
		for r := range o.Runs {
			dest = filepath.Join(o.Dir, fmt.Sprintf("out-%d-%d", n, r))
			timings := filepath.Join(o.Dir, fmt.Sprintf("timings-%d-%d.json", n, r))
			os.RemoveAll(dest)
			dests = append(dests, dest, timings)
			s, err := Run(o.Self, "build", "-s", corpus, "-d", dest, "--timings-file", timings)
			if err != nil {
				return nil, err
			}
			walls, cpus, rss = append(walls, s.Wall), append(cpus, s.CPU), append(rss, s.PeakRSS)
			ts, err := ReadTimings(timings)
			if err != nil {
				return nil, fmt.Errorf("bench: the build's timings: %w", err)
			}
			for _, t := range ts {
				if _, seen := stages[t.Stage]; !seen {
					order = append(order, t.Stage)
				}
				stages[t.Stage] = append(stages[t.Stage], t.Duration)
			}
		}
		sz.Wall, sz.CPU, sz.PeakRSS = Median(walls), Median(cpus), Median(rss)
		for _, st := range order {
			sz.Stages = append(sz.Stages, StageTime{Stage: st, Duration: Median(stages[st])})
		}
		sz.Files, sz.Bytes = treeSize(dest)
		if o.Baseline {
			bdir := filepath.Join(o.Dir, "baseline-"+corpusName(o.Shape, n, o.Seed))
			if _, err := os.Stat(bdir); err != nil {
				if err := Baseline(corpus, bdir); err != nil {
					return nil, err
				}
			}
			var bw, bc []time.Duration
			var br []int64
			for r := range o.Runs {
				bdest := filepath.Join(o.Dir, fmt.Sprintf("baseline-out-%d-%d", n, r))
				os.RemoveAll(bdest)
				dests = append(dests, bdest)
				s, err := Run(o.Self, "bench-hugo", "--source", bdir, "--destination", bdest, "--minify", "--quiet")
				if err != nil {
					return nil, err
				}
				bw, bc, br = append(bw, s.Wall), append(bc, s.CPU), append(br, s.PeakRSS)
			}
			sz.HugoWall, sz.HugoCPU, sz.HugoRSS = Median(bw), Median(bc), Median(br)
		}
		rep.Sizes = append(rep.Sizes, sz)
	}
	return rep, nil
}

// WriteMarkdown prints the report as BENCHMARKS.md shows it: a table of
// sizes, then the median time of each stage per size. The ratios are plain
// Hugo's figure over this generator's: above 1, the generator is faster.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| briefs | build (median of %d) | CPU | peak RSS | files | output | plain Hugo | its CPU | its peak RSS | speed-up (wall) | (CPU) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", r.Runs)
	for _, s := range r.Sizes {
		fmt.Fprintf(&b, "| %d | %.2f s | %.2f s | %.0f MB | %d | %.1f MB |", s.Briefs, s.Wall.Seconds(), s.CPU.Seconds(), float64(s.PeakRSS)/1e6, s.Files, float64(s.Bytes)/1e6)
		if s.HugoWall > 0 {
			fmt.Fprintf(&b, " %.2f s | %.2f s | %.0f MB | %.2fx | %.2fx |\n", s.HugoWall.Seconds(), s.HugoCPU.Seconds(), float64(s.HugoRSS)/1e6, s.HugoWall.Seconds()/s.Wall.Seconds(), s.HugoCPU.Seconds()/max(s.CPU.Seconds(), 1e-9))
		} else {
			b.WriteString(" | | | | |\n")
		}
	}
	if len(r.Sizes) > 0 {
		b.WriteString("\nMedian time per stage:\n")
		for _, s := range r.Sizes {
			line := fmt.Sprintf("- %d briefs:", s.Briefs)
			for _, st := range s.Stages {
				line += fmt.Sprintf(" %s %.3fs,", st.Stage, st.Duration.Seconds())
			}
			b.WriteString(strings.TrimSuffix(line, ",") + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// corpusName names the directory of a corpus: the Shared kind keeps the
// names corpora had before there were kinds, so existing ones are reused.
func corpusName(kind synth.Kind, n int, seed uint64) string {
	if kind == "" || kind == synth.Shared {
		return fmt.Sprintf("corpus-%d-seed%d", n, seed)
	}
	return fmt.Sprintf("corpus-%s-%d-seed%d", kind, n, seed)
}

// ensureCorpus writes a corpus once; a complete one is reused if it was
// written for the same ATT&CK tables (it names their techniques, and a
// newer release revokes some).
func ensureCorpus(source, dir string, n int, seed uint64, kind synth.Kind) error {
	if kind == "" {
		kind = synth.Shared
	}
	v, err := vocab.Default()
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	marker := filepath.Join(dir, ".complete")
	stamp := strconv.Itoa(n) + " briefs, ATT&CK v" + v.AttackVersion
	if kind != synth.Shared {
		stamp += ", shape " + string(kind)
	}
	if data, err := os.ReadFile(marker); err == nil && string(data) == stamp {
		return copyProject(source, dir) // templates may have changed since
	}
	os.RemoveAll(dir)
	if err := copyProject(source, dir); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := synth.GenerateKind(dir, n, seed, kind); err != nil {
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

// treeSize counts the files under dir and their bytes.
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
