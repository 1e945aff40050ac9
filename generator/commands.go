package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/scaffold"
	"github.com/threatbriefs/threatbriefs/generator/internal/serve"
)

// siteFlags are the flags shared with Hugo's commands.
type siteFlags struct {
	source, destination, baseURL, environment, includeTLP string
}

func (f *siteFlags) register(cmd *cobra.Command, withDest bool) {
	cmd.Flags().StringVarP(&f.source, "source", "s", ".", "project directory (holds config.toml and content/)")
	if withDest {
		cmd.Flags().StringVarP(&f.destination, "destination", "d", "", "output directory (default <source>/public)")
	}
	cmd.Flags().StringVarP(&f.baseURL, "baseURL", "b", "", "base URL of the site, e.g. https://briefs.example.org/ (default: config.toml)")
	cmd.Flags().StringVarP(&f.environment, "environment", "e", "", "build environment: production or development")
	cmd.Flags().StringVar(&f.includeTLP, "include-tlp", "clear", "publish briefs up to this TLP label (clear, green, amber, amber+strict, red); anything above clear builds an internal, noindex edition")
}

func (f *siteFlags) options(log io.Writer) (pipeline.Options, error) {
	t, ok := brief.ParseTLP(f.includeTLP)
	if !ok {
		return pipeline.Options{}, fmt.Errorf("--include-tlp: %q is not a TLP label", f.includeTLP)
	}
	return pipeline.Options{
		ProjectDir: f.source, Destination: f.destination, BaseURL: f.baseURL,
		Environment: f.environment, MaxTLP: t, Log: log,
	}, nil
}

func buildCmd(stdout, stderr io.Writer) *cobra.Command {
	var f siteFlags
	var timings bool
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Validate, render, minify and publish the site to public/",
		Long: `Build validates every brief, renders the site with Hugo (embedded), minifies
it, checks its internal links and swaps it into the destination atomically:
a failed or interrupted build leaves the previous output exactly as it was.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.options(stderr)
			if err != nil {
				return err
			}
			start := time.Now()
			res, err := pipeline.Build(cmd.Context(), o)
			if res != nil {
				diag.WriteText(stderr, res.Diagnostics.Items())
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Built %d briefs (%d excluded by TLP), %d pages into %s in %s\n",
				len(res.Published), len(res.Excluded), res.Pages, res.Destination, time.Since(start).Round(time.Millisecond))
			if timings {
				for _, t := range res.Timings {
					fmt.Fprintf(stdout, "  %-13s %s\n", t.Stage, t.Duration.Round(time.Microsecond))
				}
			}
			return nil
		},
	}
	f.register(cmd, true)
	cmd.Flags().BoolVar(&timings, "timings", false, "print how long each stage took")
	return cmd
}

func checkCmd(stdout, stderr io.Writer) *cobra.Command {
	var f siteFlags
	var format string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Validate every brief without building; exit 1 on any error",
		Long: `Check loads and validates every brief and profile and resolves every term, and
prints each problem as "file:line: field: message". With --format github it
prints GitHub Actions workflow commands (::error file=...,line=...::...), which
annotate the lines of a pull request.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.options(stderr)
			if err != nil {
				return err
			}
			c, err := pipeline.Check(o)
			if err != nil {
				return err
			}
			items := c.Diagnostics.Items()
			switch format {
			case "github":
				err = diag.WriteGitHub(stdout, items)
			case "text":
				err = diag.WriteText(stdout, items)
			default:
				return fmt.Errorf("--format: %q is not text or github", format)
			}
			if err != nil {
				return err
			}
			n := c.Diagnostics.ErrorCount()
			fmt.Fprintf(stderr, "%d briefs checked: %d error(s), %d warning(s)\n", len(c.Briefs), n, len(items)-n)
			if n > 0 {
				return exitError{1}
			}
			return nil
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or github")
	return cmd
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
			o, err := f.options(stderr)
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
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			title := strings.TrimSpace(args[0])
			if title == "" {
				return fmt.Errorf("new: the title is empty")
			}
			p, err := scaffold.Write(source, title, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "Created %s\nFill in the summary and the fields you know, then run: go run ./generator check\n", p)
			return nil
		},
	}
	cmd.Flags().StringVarP(&source, "source", "s", ".", "project directory")
	return cmd
}
