package validate_test

import (
	"bytes"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// FuzzValidate feeds arbitrary bytes through the loader and the validator.
// Whatever the input: no panic; every diagnostic names the file and a line
// inside it; and a brief accepted without errors has what every page needs.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(brief("sectors: [Energy]\ncountries: [\"NO\"]\ntechniques: [T1190]\n")))
	f.Add([]byte("---\ntitle: [a\n---\n"))
	f.Add([]byte(brief("attribution:\n  - actor: Volt Typhoon\n    by: CISA\n    confidence: high\niocs:\n  - type: url\n    value: hxxps://evil[.]example/x\n")))
	f.Add([]byte(brief("campaigns:\n  - name: X\n    first_seen: 2024-01\n    last_seen: 2023-12\n")))
	f.Add([]byte("\ufeff---\r\ntitle: t\r\n---\r\n"))
	v, err := vocab.Default()
	if err != nil {
		f.Fatal(err)
	}
	r, _ := resolve.New(v, nil)
	const file = "content/briefs/2024/fuzz.md"
	f.Fuzz(func(t *testing.T, data []byte) {
		var diags diag.List
		doc, ok := load.Parse(file, data, &diags)
		var briefs []validateBrief
		if ok {
			bs, bd := validate.Briefs([]load.Doc{doc}, r, taxonomy.Kinds())
			diags.Merge(bd)
			for i := range bs {
				briefs = append(briefs, validateBrief{bs[i].Title, bs[i].Slug, bs[i].TLP.Rank(), bs[i].Date.IsZero()})
			}
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, d := range diags.Items() {
			if d.File != file || d.Line < 0 || d.Line > lines+1 || d.Message == "" {
				t.Fatalf("diagnostic out of place: %+v (file has %d lines)", d, lines)
			}
		}
		if diags.ErrorCount() == 0 && ok {
			for _, b := range briefs {
				if b.title == "" || b.zeroDate || b.tlp < 0 || !validate.SlugRe.MatchString(b.slug) {
					t.Fatalf("accepted a brief missing what pages need: %+v", b)
				}
			}
		}
	})
}

type validateBrief struct {
	title, slug string
	tlp         int
	zeroDate    bool
}
