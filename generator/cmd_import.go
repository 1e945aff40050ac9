package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/importer"
)

func importCmd(stdout, stderr io.Writer) *cobra.Command {
	var source, out, date, tlp string
	var force bool
	cmd := &cobra.Command{
		Use:   "import FILE... | DIR",
		Short: `Convert "Analysis Summary" text reports into briefs`,
		Long: `Import converts each report (a FILE, every *.txt in a DIR, or "-" for standard
input) into a brief at content/briefs/YYYY/<slug>.md under --source, or in
--out DIR, or on standard output with --out -. For each report it prints what
it mapped, from which words, and what it could not map, then checks the brief
the way "check" does. Each suggested term carries a YAML comment naming the
phrase it came from: review them before publishing.

A report that states no publication date needs --date. An existing brief is
never overwritten without --force. The exit status is 1 if any report failed.`,
		Example: `  go run ./generator import report.txt
  go run ./generator import --date 2024-12-18 reports/
  go run ./generator import --out - - < report.txt`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := importer.Options{}
			if date != "" {
				t, err := time.Parse("2006-01-02", date)
				if err != nil {
					return fmt.Errorf("--date: %q is not a date; write YYYY-MM-DD", date)
				}
				o.Date = t
			}
			t, ok := brief.ParseTLP(tlp)
			if !ok {
				return fmt.Errorf("--tlp: %q is not a TLP 2.0 label (clear, green, amber, amber+strict, red)", tlp)
			}
			o.TLP = t
			source, err := projectDir(cmd, source)
			if err != nil {
				return err
			}
			project, err := importer.OpenProject(source)
			if err != nil {
				return err
			}
			report := stdout
			if out == "-" {
				report = stderr
			}
			files, err := importer.ReportFiles(args)
			if err != nil {
				return err
			}
			run := importer.NewRun(project, importer.RunOptions{Out: out, Force: force, Stdin: cmd.InOrStdin(), Stdout: stdout, Options: o})
			failed := 0
			for _, f := range files {
				imported, err := run.ImportFile(f)
				if imported != nil {
					imported.WriteReport(report)
				}
				if err != nil {
					if errors.Is(err, importer.ErrNoDate) {
						err = fmt.Errorf("%w; pass --date YYYY-MM-DD (the date the source published it)", err)
					}
					fmt.Fprintf(report, "%s: %v\n", f, err)
					failed++
				}
			}
			if len(files) > 1 {
				fmt.Fprintf(report, "%d report(s) imported, %d failed\n", len(files)-failed, failed)
			}
			if failed > 0 {
				return exitError{1}
			}
			return nil
		},
	}
	addSourceFlag(cmd, &source, "project directory (holds content/)")
	cmd.Flags().StringVarP(&out, "out", "o", "", `directory to write briefs to, or "-" for standard output (default <source>/content/briefs/YYYY)`)
	cmd.Flags().StringVar(&date, "date", "", "publication date, YYYY-MM-DD, for reports that state none")
	cmd.Flags().StringVar(&tlp, "tlp", "clear", "TLP label of the briefs (clear, green, amber, amber+strict, red)")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "overwrite existing briefs")
	return cmd
}
