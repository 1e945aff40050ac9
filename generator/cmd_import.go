package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/importer"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
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
			r, existing, err := projectResolver(source)
			if err != nil {
				return err
			}
			o.Resolver = r
			report := stdout
			if out == "-" {
				report = stderr
			}
			files, err := reportFiles(args)
			if err != nil {
				return err
			}
			failed := 0
			written := map[string]string{} // path → report, within this run
			for _, f := range files {
				if err := importOne(cmd.InOrStdin(), stdout, report, f, o, source, out, force, existing, written); err != nil {
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

// projectResolver resolves names against the project's profiles, so an
// imported actor lands on its profiled name, and lists the existing briefs.
func projectResolver(source string) (*resolve.Resolver, []string, error) {
	v, err := vocab.Default()
	if err != nil {
		return nil, nil, fmt.Errorf("import: %w", err)
	}
	docs, _ := load.Profiles(os.DirFS(source), taxonomy.Names())
	profiles, _ := validate.Profiles(docs, v) // their problems are check's to report
	r, _ := resolve.New(v, profiles)
	briefs, _ := fs.Glob(os.DirFS(source), load.BriefsDir+"/*/*.md")
	return r, briefs, nil
}

// reportFiles expands directories to the *.txt files in them.
func reportFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(a, "*.txt"))
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("import: %s has no *.txt reports", a)
		}
		slices.Sort(matches)
		out = append(out, matches...)
	}
	return out, nil
}

func readReport(stdin io.Reader, name string) ([]byte, error) {
	var rd io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		rd = f
	}
	data, err := io.ReadAll(io.LimitReader(rd, importer.MaxReportSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > importer.MaxReportSize {
		return nil, importer.ErrTooLarge
	}
	return data, nil
}

func importOne(stdin io.Reader, stdout, report io.Writer, name string, o importer.Options, source, out string, force bool, existing []string, written map[string]string) error {
	data, err := readReport(stdin, name)
	if err != nil {
		return err
	}
	o.Name = filepath.Base(name)
	if name == "-" {
		o.Name = "standard input"
	}
	res, err := importer.Import(string(data), o)
	if err != nil {
		if res != nil {
			fmt.Fprintf(report, "%s: not imported\n", name)
			res.WriteReport(report)
		}
		if errors.Is(err, importer.ErrNoDate) {
			err = fmt.Errorf("%w; pass --date YYYY-MM-DD (the date the source published it)", err)
		}
		return err
	}
	year := strconv.Itoa(res.Date.Year())
	rel := filepath.ToSlash(filepath.Join(load.BriefsDir, year, res.Slug+".md"))
	dest := "standard output"
	if out != "-" {
		dir := out
		if dir == "" {
			dir = filepath.Join(source, load.BriefsDir, year)
		}
		dest = filepath.Join(dir, res.Slug+".md")
		if first, dup := written[dest]; dup {
			return fmt.Errorf("import: %s would be written twice (also from %s); import one of them with --out elsewhere", dest, first)
		}
		if out == "" {
			// Slugs are unique across years: refuse one another year uses.
			for _, e := range existing {
				if filepath.Base(e) == res.Slug+".md" && e != rel {
					return fmt.Errorf("import: the slug %q is already used by %s", res.Slug, e)
				}
			}
		}
		if err := writeBrief(dest, res.Brief, force); err != nil {
			return err
		}
		written[dest] = name
	} else if _, err := stdout.Write(res.Brief); err != nil {
		return err
	}
	fmt.Fprintf(report, "%s → %s\n", name, dest)
	res.WriteReport(report)
	// Check the brief the way `check` will.
	var diags diag.List
	doc, ok := load.Parse(rel, res.Brief, &diags)
	if ok {
		_, d := validate.Briefs([]load.Doc{doc}, o.Resolver)
		diags.Merge(d)
	}
	if len(diags.Items()) == 0 {
		fmt.Fprintln(report, "  check: no problems")
		return nil
	}
	fmt.Fprintln(report, "  check:")
	var buf bytes.Buffer
	diag.WriteText(&buf, diags.Items())
	for _, l := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		fmt.Fprintln(report, "    "+l)
	}
	if diags.ErrorCount() > 0 {
		return fmt.Errorf("import: the brief has errors; fix them in %s", dest)
	}
	return nil
}

// writeBrief creates path, or replaces it when force is set.
func writeBrief(path string, data []byte, force bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if !force {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("import: %s exists; pass --force to overwrite it", path)
		}
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			os.Remove(path)
			return fmt.Errorf("import: %w", err)
		}
		return f.Close()
	}
	if err := writeFileAtomic(path, data); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}
