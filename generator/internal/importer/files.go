package importer

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

	"github.com/threatbriefs/threatbriefs/generator/internal/atomicfile"
	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Project is the project reports are imported into.
type Project struct {
	Dir string
	// Resolver resolves names against the vocabularies and the project's
	// profiles, so an imported actor lands on its profiled name.
	Resolver *resolve.Resolver
	// BriefFiles are the project's brief files, slash paths relative to
	// Dir (content/briefs/2024/x.md).
	BriefFiles []string
	// Briefs are the project's briefs that load, for the warning about a
	// report whose story the library already has.
	Briefs []brief.Brief
}

// OpenProject reads what importing into the project at dir needs. The
// project's own problems are check's to report: a profile that does not
// validate is left out, and nothing here fails on it.
func OpenProject(dir string) (*Project, error) {
	v, err := vocab.Default()
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	fsys := os.DirFS(dir)
	ks := taxonomy.Kinds()
	set, _ := load.Load(fsys, ks.Names())
	profiles, _ := validate.Profiles(set.Profiles, v)
	r, _ := resolve.NewFor(v, ks, profiles)
	briefs, _ := validate.Briefs(set.Briefs, r, ks)
	files, _ := fs.Glob(fsys, load.BriefsDir+"/*/*.md")
	return &Project{Dir: dir, Resolver: r, BriefFiles: files, Briefs: briefs}, nil
}

// RunOptions say where imported briefs go and how they are labelled.
type RunOptions struct {
	// Out is the directory briefs are written to; "" for
	// <project>/content/briefs/YYYY, "-" for Stdout.
	Out string
	// Force overwrites existing briefs.
	Force bool
	// Stdin is read for the report named "-".
	Stdin io.Reader
	// Stdout receives the briefs when Out is "-".
	Stdout io.Writer
	// Date and TLP are as in Options.
	Options Options
}

// Run imports report files into one project, one after another. It
// refuses to write two reports' briefs to one file.
type Run struct {
	p       *Project
	o       RunOptions
	written map[string]string // destination → report, within this run
}

// NewRun starts importing into p.
func NewRun(p *Project, o RunOptions) *Run {
	o.Options.Resolver, o.Options.Library = p.Resolver, p.Briefs
	return &Run{p: p, o: o, written: map[string]string{}}
}

// Imported is what importing one report file did.
type Imported struct {
	// Report is the report's name as given ("-" for standard input).
	Report string
	// Dest is where the brief went: a file path or "standard output"; ""
	// when it was not written.
	Dest string
	// Result is the conversion: the brief, and what went into it from
	// which words. Nil when the report could not be read.
	Result *Result
	// Check is what check says about the brief as written.
	Check []diag.Diagnostic
}

// ImportFile converts one report (a file path, or "-" for Stdin), writes
// its brief and checks it the way check does. It returns what it did even
// with an error, when there is something to report: the notes of a report
// that could not be converted, or the check of a brief with errors.
func (r *Run) ImportFile(name string) (*Imported, error) {
	data, err := readReport(r.o.Stdin, name)
	if err != nil {
		return nil, err
	}
	o := r.o.Options
	o.Name = filepath.Base(name)
	if name == "-" {
		o.Name = "standard input"
	}
	im := &Imported{Report: name}
	im.Result, err = Import(string(data), o)
	if err != nil {
		return im, err
	}
	res := im.Result
	year := strconv.Itoa(res.Date.Year())
	rel := filepath.ToSlash(filepath.Join(load.BriefsDir, year, res.Slug+".md"))
	if r.o.Out == "-" {
		if _, err := r.o.Stdout.Write(res.Brief); err != nil {
			return im, err
		}
		im.Dest = "standard output"
	} else {
		dir := r.o.Out
		if dir == "" {
			dir = filepath.Join(r.p.Dir, load.BriefsDir, year)
		}
		dest := filepath.Join(dir, res.Slug+".md")
		if first, dup := r.written[dest]; dup {
			return im, fmt.Errorf("import: %s would be written twice (also from %s); import one of them with --out elsewhere", dest, first)
		}
		if r.o.Out == "" {
			// Slugs are unique across years: refuse one another year uses.
			for _, e := range r.p.BriefFiles {
				if filepath.Base(e) == res.Slug+".md" && e != rel {
					return im, fmt.Errorf("import: the slug %q is already used by %s", res.Slug, e)
				}
			}
		}
		if err := writeBrief(dest, res.Brief, r.o.Force); err != nil {
			return im, err
		}
		r.written[dest] = name
		im.Dest = dest
	}
	// Check the brief the way `check` will.
	var diags diag.List
	doc, ok := load.Parse(rel, res.Brief, &diags)
	if ok {
		_, d := validate.Briefs([]load.Doc{doc}, o.Resolver, o.Resolver.Kinds())
		diags.Merge(d)
	}
	im.Check = diags.Items()
	if diags.ErrorCount() > 0 {
		return im, fmt.Errorf("import: the brief has errors; fix them in %s", im.Dest)
	}
	return im, nil
}

// WriteReport prints what the import did, as a reviewer reads it: where
// the brief went (or that it was not imported), what was mapped from which
// words and what was not, then check's verdict.
func (im *Imported) WriteReport(w io.Writer) error {
	if im.Result == nil {
		return nil
	}
	var b bytes.Buffer
	if im.Dest == "" {
		fmt.Fprintf(&b, "%s: not imported\n", im.Report)
	} else {
		fmt.Fprintf(&b, "%s → %s\n", im.Report, im.Dest)
	}
	im.Result.WriteReport(&b)
	if im.Dest != "" {
		if len(im.Check) == 0 {
			b.WriteString("  check: no problems\n")
		} else {
			b.WriteString("  check:\n")
			var c bytes.Buffer
			diag.WriteText(&c, im.Check)
			for _, l := range strings.Split(strings.TrimRight(c.String(), "\n"), "\n") {
				b.WriteString("    " + l + "\n")
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ReportFiles expands the arguments of import: a directory becomes the
// *.txt files in it, sorted; "-" and files stay as given.
func ReportFiles(args []string) ([]string, error) {
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

// readReport reads a report file, or stdin for "-", up to MaxReportSize.
func readReport(stdin io.Reader, name string) ([]byte, error) {
	rd := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		rd = f
	}
	if rd == nil {
		return nil, errors.New("import: no standard input")
	}
	data, err := io.ReadAll(io.LimitReader(rd, MaxReportSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxReportSize {
		return nil, ErrTooLarge
	}
	return data, nil
}

// writeBrief creates path, or replaces it when force is set.
func writeBrief(path string, data []byte, force bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if force {
		if err := atomicfile.Write(path, data); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		return nil
	}
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
