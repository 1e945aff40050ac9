package importer_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/importer"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
)

// FuzzImport: on any input the importer does not panic or hang, and a brief
// it returns always loads and validates without an error. (Lookalike
// mixed-script names are the one error allowed: flagging them is the
// validator's job, and the importer keeps names as the report wrote them.)
func FuzzImport(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "reports", "*.txt"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("Full Report\nThe post T appeared first on P.\nAnalysis Summary\n# Threat Actors: A (aka B, C) and D (As alleged by E)\n## Targeting\n- **Sectors:** Energy; Not specified\n- **Geography:** NO, Yes, ON\n")
	f.Add("Analysis Summary\n# Threat Actor: X\n## Activity Summary\n1. **Attack 1 (March–May 2024):** Targeted a bank.\n## Tools & Infrastructure\n- **Infrastructure (C2, domains, IPs):** hxxp[:]//198.51.100[.]1:80/a, a[.]b[.]example\n")
	r := resolver(f)
	f.Fuzz(func(t *testing.T, report string) {
		if len(report) > 16<<10 {
			return // larger inputs add nothing but slow minimization down
		}
		var res *importer.Result
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			res, err = importer.Import(report, importer.Options{Resolver: r, Date: fallbackDate})
		}()
		select {
		case <-done:
		case <-time.After(hangGuard):
			t.Fatalf("import hangs on %d bytes: %q", len(report), report)
		}
		if err != nil {
			if res == nil || res.Brief != nil {
				t.Fatalf("error %v with result %+v", err, res)
			}
			return
		}
		var diags diag.List
		file := "content/briefs/" + res.Date.Format("2006") + "/" + res.Slug + ".md"
		doc, ok := load.Parse(file, res.Brief, &diags)
		if !ok {
			t.Fatalf("the brief does not load: %v\n%s", diags.Items(), res.Brief)
		}
		_, bd := validate.Briefs([]load.Doc{doc}, r, taxonomy.Kinds())
		for _, d := range bd.Items() {
			if d.Severity == diag.Error && !strings.Contains(d.Message, "mixes Latin letters") {
				t.Fatalf("the brief has an error: %s\n%s", d, res.Brief)
			}
		}
	})
}

// FuzzLoad: the front-matter loader (load.Parse) neither panics nor hangs
// on any bytes, and every diagnostic points inside the file.
func FuzzLoad(f *testing.F) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.md"))
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("---\ntitle: [a\n---\n"))
	f.Add([]byte("\ufeff---\r\ntitle: \"x\\u00e9\"\r\ncountries: [NO, \"NO\"]\r\n---\r\nbody"))
	f.Add([]byte("---\na: &a [x]\nb: [*a, *a]\n---\n"))
	f.Add([]byte("---\n? [a]\n: b\n---\n"))
	const file = "content/briefs/2024/fuzz.md"
	f.Fuzz(func(t *testing.T, data []byte) {
		var diags diag.List
		var doc load.Doc
		var ok bool
		done := make(chan struct{})
		go func() {
			defer close(done)
			doc, ok = load.Parse(file, data, &diags)
		}()
		select {
		case <-done:
		case <-time.After(hangGuard):
			t.Fatalf("load.Parse hangs on %q", data)
		}
		// Lines as the loader and editors count them: "\r\n", "\n" and a
		// lone "\r" each end one.
		lines := bytes.Count(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n")) + bytes.Count(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\r")) + 1
		for _, d := range diags.Items() {
			if d.File != file || d.Line < 0 || d.Line > lines+1 || d.Message == "" {
				t.Fatalf("diagnostic out of place: %+v (%d lines)", d, lines)
			}
		}
		if ok {
			if len(diags.Items()) > 0 {
				t.Fatalf("loaded with diagnostics: %v", diags.Items())
			}
			for p, l := range doc.Pos.All() {
				if l < 1 || l > lines {
					t.Fatalf("field %q placed on line %d of %d", p, l, lines)
				}
			}
			if doc.BodyLine < 2 || doc.BodyLine > lines+1 {
				t.Fatalf("body on line %d of %d", doc.BodyLine, lines)
			}
		}
	})
}

// FuzzScalar: any text the importer writes into front matter reads back,
// through goldmark-meta's YAML 1.1, as exactly that text.
func FuzzScalar(f *testing.F) {
	for _, s := range []string{"NO", "yes", "1984", "a: b", "#x", `"\`, "\u2028", "é", "2024-12-18"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || strings.ContainsRune(s, '\ufeff') {
			return // the importer normalizes such input away first
		}
		got, ok := importer.RoundTrip(s)
		if !ok || got != s {
			t.Fatalf("%q reads back as %q (ok %v)", s, got, ok)
		}
	})
}

// hangGuard is how long one fuzz input may run before it counts as a hang,
// so the fuzzer reports the input rather than stalling. It is not a speed
// budget: an input takes milliseconds, and the guard allows for a machine
// that is very busy.
const hangGuard = 2 * time.Minute
