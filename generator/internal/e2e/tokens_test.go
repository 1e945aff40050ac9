package e2e

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/search"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// TestTokensAgreeWithTheScript: the search page tokenizes a query as the
// generator tokenized the index (search.Words and the script's words), and
// puts an indicator in the form the index holds it (search.IndicatorToken
// and the script's indicatorToken, after refanging). The script's module is
// imported as it is in assets/, served over HTTP.
func TestTokensAgreeWithTheScript(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(sitetest.RepoRoot(t), "assets", "js", "search"))))
	t.Cleanup(srv.Close)
	tb := newTab(t)
	tb.do(chromedp.Navigate(srv.URL + "/"))

	texts := []string{
		"Volt Typhoon exploits CVE-2024-3400 and T1505.003 (1505.003) in the Café.",
		"ÀÉÎÕÜ naïve Zürich, São Paulo; Ελληνικά and 日本語 words",
		"cve-2024- t1190. 2024.5 e.g. U.S. at the of a",
		"Half-typed CVE-2024 and T1505. ids; x-ray, re-use",
	}
	got := eval[[][]string](tb, `import('./tokens.js').then(m => `+jsStrings(texts)+`.map(s => m.words(s)))`)
	for i, text := range texts {
		if want := search.Words(text); !slices.Equal(got[i], want) && !(len(got[i]) == 0 && len(want) == 0) {
			t.Errorf("%q: the script's words %q, the generator's %q", text, got[i], want)
		}
	}

	iocs := map[string]string{ // as a reader may type it → as stored
		"203.0.113[.]7":                     "203.0.113.7",
		"hxxps://evil-c2[.]example[.]net/x": "https://evil-c2.example.net/x",
		"HXXP[:]//Files.Example.com:8443/a": "http://files.example.com:8443/a",
		"ops[@]mail(.)example":              "ops@mail.example",
		"2001[:]db8[:][:]1":                 "2001:db8::1",
		"fxp://drop[dot]example/f.zip":      "ftp://drop.example/f.zip",
		"invoice.pdf.exe":                   "invoice.pdf.exe",
	}
	var typed []string
	for k := range iocs {
		typed = append(typed, k)
	}
	gotIOCs := eval[[]string](tb, `import('./tokens.js').then(m => `+jsStrings(typed)+`.map(s => m.indicatorToken(s)))`)
	for i, k := range typed {
		if want := search.IndicatorToken(iocs[k]); gotIOCs[i] != want {
			t.Errorf("the script reads %q as %q, the index holds %q as %q", k, gotIOCs[i], iocs[k], want)
		}
	}
}

func jsStrings(ss []string) string {
	out := "["
	for i, s := range ss {
		if i > 0 {
			out += ","
		}
		out += jsString(s)
	}
	return out + "]"
}
