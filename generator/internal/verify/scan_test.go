package verify

import (
	"slices"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// The fast scanner finds exactly the links the HTML tokenizer finds in
// tricky markup (TestExampleSiteHasNoBrokenLinks, in package main, compares
// them on every page of the example site).
func TestScanMatchesTokenizer(t *testing.T) {
	docs := map[string][]byte{
		"tricky": []byte(`<!doctype html><html><head><title>a <a href=/no/></title>` +
			`<link rel=stylesheet href="/css/x.css"><script src=/js/a.js></script>` +
			`<script>var s = "<a href='/not/a/link/'>";</script><style>a[href="/x/"]{}</style></head>` +
			`<body><!-- <a href=/commented/> --><a HREF='/single/' title="a > b">x</a>` +
			`<noscript><a href=/noscript/>n</a></noscript><a href=/unquoted/?q=1&amp;r=2>y</a><img src="/i.png" alt='<'><form action=/search/>` +
			`<a data-href=/data/ href = "/spaced/">z</a><textarea><a href=/ta/></textarea><a href=/last/>`),
	}
	for name, data := range docs {
		if got, want := PageLinks(data), sitetest.TokenizerLinks(data); !slices.Equal(got, want) {
			t.Errorf("%s:\nscan      %q\ntokenizer %q", name, got, want)
		}
	}
}
