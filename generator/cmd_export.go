package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/offline"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
)

func exportCmd(stdout, stderr io.Writer) *cobra.Command {
	var f siteFlags
	var zipFile, dir, briefSlug string
	cmd := &cobra.Command{
		Use:   "export (--offline FILE.zip | --dir DIR | --brief SLUG FILE.html)",
		Short: "Write the offline edition (a zip or a directory) or one brief as a single HTML file",
		Long: `Export builds the site through the same pipeline as build, with the same TLP
rules, and writes it for reading away from the web.

--offline FILE.zip and --dir DIR write the offline edition: it opens from
file:///…/index.html wherever it is unpacked, every link names a file, pages
make no network request, search works, and every page says "Offline edition,
built from N briefs as of DATE" (the newest brief's date, so the same content
gives the same bytes). Both flags may be given together.

--brief SLUG FILE.html writes one brief as a self-contained HTML file (its CSS
inlined, no scripts, no requests), for e-mail or printing. Its links point at
the web site, at baseURL (config.toml, or --baseURL); while baseURL is an
example address (example.org, ...) they are written as plain text, without
the search form, and export says so.`,
		Example: `  go run ./generator export --offline threat-briefs.zip
  go run ./generator export --dir /media/usb/threat-briefs
  go run ./generator export --brief volt-typhoon-prepositioning-us-critical-infrastructure volt-typhoon.html`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case briefSlug != "" && (zipFile != "" || dir != ""):
				return errors.New("export: --brief cannot be combined with --offline or --dir")
			case briefSlug != "" && len(args) != 1:
				return errors.New("export: --brief SLUG needs one output file: export --brief SLUG FILE.html")
			case briefSlug == "" && zipFile == "" && dir == "":
				return errors.New("export: say what to write: --offline FILE.zip, --dir DIR or --brief SLUG FILE.html")
			case briefSlug == "" && len(args) > 0:
				return fmt.Errorf("export: unexpected argument %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := f.options(cmd, stderr)
			if err != nil {
				return err
			}
			boundMemory(&o)
			if briefSlug != "" {
				data, res, err := offline.Brief(cmd.Context(), o, briefSlug)
				if err != nil {
					return diagnosed(stderr, err, res)
				}
				if err := os.WriteFile(args[0], data, 0o644); err != nil {
					return fmt.Errorf("export: %w", err)
				}
				if offline.Placeholder(res.BaseURL) {
					fmt.Fprintf(stderr, "warning: baseURL is the example %s; links in the file are written as plain text. Set baseURL in config.toml or pass --baseURL\n", res.BaseURL)
				}
				fmt.Fprintf(stdout, "Wrote %s (%d bytes)\n", args[0], len(data))
				return nil
			}
			e, err := offline.Write(cmd.Context(), o, zipFile, dir)
			if err != nil {
				return diagnosed(stderr, err, resultOf(e))
			}
			if zipFile != "" {
				st, err := os.Stat(zipFile)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "Wrote %s (%d bytes): %s. Unzip it and open %s/index.html.\n",
					zipFile, st.Size(), e.Banner(), offline.ZipFolder(zipFile))
			}
			if dir != "" {
				fmt.Fprintf(stdout, "Wrote %s: %s. Open %s.\n", dir, e.Banner(), filepath.Join(dir, "index.html"))
			}
			return nil
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&zipFile, "offline", "", "write the offline edition to this zip file")
	cmd.Flags().StringVar(&dir, "dir", "", "write the offline edition into this directory (replacing it)")
	cmd.Flags().StringVar(&briefSlug, "brief", "", "write the brief with this slug as one self-contained HTML file")
	return cmd
}

// diagnosed prints the validation diagnostics behind a failed build.
func diagnosed(stderr io.Writer, err error, res *pipeline.Result) error {
	if res != nil && res.Diagnostics != nil {
		diag.WriteText(stderr, res.Diagnostics.Items())
	}
	if errors.Is(err, pipeline.ErrInvalid) {
		return fmt.Errorf("export: %w", err)
	}
	return err
}

func resultOf(e *offline.Edition) *pipeline.Result {
	if e == nil {
		return nil
	}
	return e.Result
}
