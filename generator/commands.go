package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/bench"
	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/changes"
	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/membudget"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/scaffold"
	"github.com/threatbriefs/threatbriefs/generator/internal/serve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// siteFlags are the flags shared with Hugo's commands.
type siteFlags struct {
	source, destination, baseURL, environment, includeTLP string
	buildFuture                                           bool
}

func (f *siteFlags) register(cmd *cobra.Command, withDest bool) {
	addSourceFlag(cmd, &f.source, "project directory (holds config.toml and content/)")
	if withDest {
		cmd.Flags().StringVarP(&f.destination, "destination", "d", "", "output directory (default <source>/public)")
	}
	cmd.Flags().StringVarP(&f.baseURL, "baseURL", "b", "", "base URL of the site, e.g. https://briefs.example.org/ (default: config.toml)")
	cmd.Flags().StringVarP(&f.environment, "environment", "e", "", "build environment: production or development")
	cmd.Flags().StringVar(&f.includeTLP, "include-tlp", "clear", "publish briefs up to this TLP label (clear, green, amber, amber+strict, red); anything above clear builds an internal, noindex edition")
	cmd.Flags().BoolVarP(&f.buildFuture, "buildFuture", "F", false, "publish briefs dated after today (in config.toml's timeZone); without it they are held back until their date")
}

func (f *siteFlags) options(cmd *cobra.Command, log io.Writer) (pipeline.Options, error) {
	t, ok := brief.ParseTLP(f.includeTLP)
	if !ok {
		return pipeline.Options{}, fmt.Errorf("--include-tlp: %q is not a TLP label", f.includeTLP)
	}
	dir, err := projectDir(cmd, f.source)
	if err != nil {
		return pipeline.Options{}, err
	}
	return pipeline.Options{
		ProjectDir: dir, Destination: f.destination, BaseURL: f.baseURL,
		Environment: f.environment, MaxTLP: t, Log: log,
		BuildFuture: f.buildFuture, Now: clock(cmd.Context()),
	}, nil
}

// partBytes is the most staged content a one-shot build has Hugo render at
// once (pipeline.Options.PartBytes) when a site is rendered in parts: one
// of twice that or more (package batch says why not less). Each part costs
// a start of Hugo (its configuration, templates and assets: about 0.1 s of
// CPU), and holds about six times its bytes in memory while it renders
// (BENCHMARKS.md, issue 17).
const partBytes = 32 << 20

// boundMemory bounds the memory of a one-shot build (build, export), in
// three ways, the last two unless the user has set their variables:
//
//   - Sites of twice partBytes of staged content or more are rendered in
//     parts (package batch).
//   - HUGO_MEMORYLIMIT (in GB) caps Hugo's content cache. Hugo reads that
//     variable, and nothing else, when it creates its cache; by default it
//     allows a quarter of the machine's memory, and so keeps every page's
//     source, content and parsed Markdown until the build ends. Above the
//     cap it evicts least recently used entries: pages already written.
//   - GOMEMLIMIT and GOGC: until the content is staged the collector runs
//     under a soft limit sized for the content files (GOGC=50 for a large
//     library); then the Go runtime gets a soft memory limit sized for
//     the largest part and the live heap, and collects when the heap nears
//     it rather than each time it doubles (package membudget).
//
// On a 10,000-brief library the last two took peak memory from about 2 GB
// to 1.4 GB, and the build is faster for the collections saved; on one
// whose every brief brings a campaign of its own (356 MB staged), the parts
// take it from 3.5 GB to about 1 GB, with the same output (BENCHMARKS.md).
// Not used by serve, where Hugo treats evicted entries as changed and would
// re-render their pages.
func boundMemory(o *pipeline.Options) {
	if _, set := os.LookupEnv("HUGO_MEMORYLIMIT"); !set {
		os.Setenv("HUGO_MEMORYLIMIT", "0.5")
	}
	membudget.Staging(contentBytes(filepath.Join(o.ProjectDir, "content")))
	o.PartBytes = partBytes
	o.OnStaged = func(staged, part int64) { membudget.Apply(staged, part) }
}

// contentBytes is the size of the files under dir, what membudget.Staging
// sizes its limit by, following symbolic links as the loader does (it reads
// content/ through os.DirFS); 0 if dir cannot be read, which Staging takes
// as unknown (the build then reports why).
func contentBytes(dir string) int64 {
	var n int64
	fsys := os.DirFS(dir)
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := fs.Stat(fsys, p); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	return n
}

func buildCmd(stdout, stderr io.Writer) *cobra.Command {
	var f siteFlags
	var timings, templateMetrics bool
	var timingsFile string
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Validate, render, minify and publish the site to public/",
		Long: `Build validates every brief, renders the site with Hugo (embedded), minifies
it, checks its internal links and swaps it into the destination atomically:
a failed or interrupted build leaves the previous output exactly as it was.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.options(cmd, stderr)
			if err != nil {
				return err
			}
			boundMemory(&o)
			if templateMetrics {
				o.TemplateMetrics = stderr
				// One run, so that one table covers every template
				// (each part's run would print its own).
				o.PartBytes = 0
			}
			start := time.Now()
			res, err := pipeline.Build(cmd.Context(), o)
			if res != nil {
				diag.WriteText(stderr, res.Diagnostics.Items())
			}
			if err != nil {
				return err
			}
			held := ""
			if n := len(res.HeldBack); n > 0 {
				held = fmt.Sprintf(", %d held back until their date", n)
			}
			fmt.Fprintf(stdout, "Built %d briefs (%d excluded by TLP%s), %d pages into %s in %s\n",
				len(res.Published), len(res.Excluded), held, res.Pages, res.Destination, time.Since(start).Round(time.Millisecond))
			if timings {
				for _, t := range res.Timings {
					fmt.Fprintf(stdout, "  %-13s %s\n", t.Stage, t.Duration.Round(time.Microsecond))
				}
			}
			if timingsFile != "" {
				stages := make([]bench.StageTime, len(res.Timings))
				for i, t := range res.Timings {
					stages[i] = bench.StageTime{Stage: t.Stage, Duration: t.Duration}
				}
				if err := bench.WriteTimings(timingsFile, stages); err != nil {
					return fmt.Errorf("--timings-file: %w", err)
				}
			}
			return nil
		},
	}
	f.register(cmd, true)
	cmd.Flags().BoolVar(&timings, "timings", false, "print how long each stage took")
	cmd.Flags().BoolVar(&templateMetrics, "template-metrics", false, "print Hugo's time per template (to tune layouts)")
	cmd.Flags().StringVar(&timingsFile, "timings-file", "", "write each stage's time to this file as JSON (for bench)")
	cmd.Flags().MarkHidden("timings-file")
	return cmd
}

func checkCmd(stdout, stderr io.Writer) *cobra.Command {
	var f siteFlags
	var format, changed, summary string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Validate every brief without building; exit 1 on any error",
		Long: `Check loads and validates every brief and profile and resolves every term, and
prints each problem as "file:line: field: message". With --format github it
prints GitHub Actions workflow commands (::error file=...,line=...::...), which
annotate the lines of a pull request.

With --changed BASE (a git ref, e.g. origin/main) it still checks the whole
project, but reports only the problems of the briefs and profiles changed since
the merge base of BASE (committed, uncommitted or untracked) and of the files
the change breaks, then prints a Markdown summary of what the change adds: new
briefs with their TLP labels (and existing briefs they may repeat), new terms
(flagging near-duplicates of existing ones), new ATT&CK techniques; what it
changed in each brief's front matter; and what it removes: the pages of terms
no published brief names any more, and dropped indicators.
--summary FILE appends that summary to FILE instead (in GitHub Actions:
--summary "$GITHUB_STEP_SUMMARY"). git must be on the PATH.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.options(cmd, stderr)
			if err != nil {
				return err
			}
			write := diag.WriteText
			switch format {
			case "github":
				write = diag.WriteGitHub
			case "text":
			default:
				return fmt.Errorf("--format: %q is not text or github", format)
			}
			if summary != "" && changed == "" {
				return fmt.Errorf("--summary needs --changed")
			}
			var items []diag.Diagnostic
			var report *changes.Report
			checked, n, scope := 0, 0, ""
			if changed != "" {
				co, err := pipeline.CheckOptions(o)
				if err != nil {
					return err
				}
				report, err = changes.Run(cmd.Context(), o.ProjectDir, co, changed)
				if err != nil {
					return err
				}
				items, checked, n = report.Diagnostics, report.Checked, report.ErrorCount()
				scope = fmt.Sprintf(" (%d changed since %s)", len(report.Briefs), changed)
			} else {
				c, err := pipeline.Check(o)
				if err != nil {
					return err
				}
				items, checked, n = c.Diagnostics.Items(), c.BriefFiles, c.Diagnostics.ErrorCount()
			}
			if err := write(stdout, items); err != nil {
				return err
			}
			if report != nil {
				if err := writeSummary(stdout, summary, report, len(items) > 0); err != nil {
					return err
				}
			}
			fmt.Fprintf(stderr, "%d briefs checked%s: %d error(s), %d warning(s)\n", checked, scope, n, len(items)-n)
			if n > 0 {
				return exitError{1}
			}
			return nil
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or github")
	cmd.Flags().StringVar(&changed, "changed", "", "report only what changed since the merge base of this git ref, with a Markdown summary")
	cmd.Flags().StringVar(&summary, "summary", "", "append the --changed summary to this file instead of printing it")
	return cmd
}

// writeSummary prints the Markdown summary of a change after the
// diagnostics (a blank line apart), or appends it to a file (as
// $GITHUB_STEP_SUMMARY expects).
func writeSummary(stdout io.Writer, file string, r *changes.Report, afterDiagnostics bool) error {
	if file == "" {
		if afterDiagnostics {
			fmt.Fprintln(stdout)
		}
		return r.Markdown(stdout)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--summary: %w", err)
	}
	if err := r.Markdown(f); err != nil {
		f.Close()
		return fmt.Errorf("--summary: %w", err)
	}
	return f.Close()
}

func serveCmd(stdout, stderr io.Writer) *cobra.Command {
	var f siteFlags
	var bind string
	var port int
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Preview the site on 127.0.0.1, rebuilding and reloading on every change",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.options(cmd, stderr)
			if err != nil {
				return err
			}
			return serve.Run(cmd.Context(), serve.Options{Pipeline: o, Addr: fmt.Sprintf("%s:%d", bind, port), Out: stdout})
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&bind, "bind", "127.0.0.1", "interface to listen on")
	cmd.Flags().IntVarP(&port, "port", "p", 1313, "port to listen on")
	return cmd
}

func newCmd(stdout io.Writer) *cobra.Command {
	var source string
	cmd := &cobra.Command{
		Use:   `new "Title of the brief"`,
		Short: "Scaffold content/briefs/YYYY/<slug>.md with today's date and every field documented",
		Long: `New writes content/briefs/YYYY/<slug>.md with every field present and
documented. The brief is dated today in the site's time zone (config.toml's
timeZone, default UTC), not the machine's: a brief dated after the site's
today would be held back by build.`,
		Args: titleArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			title := strings.TrimSpace(args[0])
			if title == "" {
				return fmt.Errorf("new: the title is empty")
			}
			dir, err := projectDir(cmd, source)
			if err != nil {
				return err
			}
			loc, err := check.TimeZone(dir)
			if err != nil {
				return fmt.Errorf("new: %w", err)
			}
			p, err := scaffold.Write(dir, taxonomy.Kinds(), title, check.Today(clock(cmd.Context())(), loc))
			if err != nil {
				return err
			}
			p = fromHere(filepath.Join(dir, p))
			fmt.Fprintf(stdout, "Created %s\nFill in the summary and the fields you know, then run: go run ./generator check\n", p)
			return nil
		},
	}
	addSourceFlag(cmd, &source, "project directory")
	return cmd
}

// titleArg accepts the title of `new` as one argument. A title typed
// without quotes arrives as several words; the error shows it quoted.
func titleArg(_ *cobra.Command, args []string) error {
	switch len(args) {
	case 0:
		return fmt.Errorf(`new needs the title of the brief: new "Title of the brief"`)
	case 1:
		return nil
	}
	return fmt.Errorf("new takes the title as one argument; quote it: new %q", strings.Join(args, " "))
}
