package verify_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/verify"
)

func write(t *testing.T, dir, rel, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func urls(bs []verify.Broken) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.URL)
	}
	slices.Sort(out)
	return out
}

// Links reports the internal links of a site's pages that point to no file,
// and links outside the base URL's path; external links are not its business.
func TestLinks(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "briefs/a/index.html", `<a href=../../briefs/b/>b</a> <a href=/briefs/a/stix.json>stix</a> `+
		`<a href=../../missing/>m</a> <a href="/other-site/x/">o</a> <a href="https://briefs.test/briefs/a/">self</a> <a href="https://elsewhere.example/">ext</a>`)
	write(t, dir, "briefs/b/index.html", `<a href=../a/>a</a>`)
	underSite, err := verify.Links(dir, "https://briefs.test/site/")
	if err != nil {
		t.Fatal(err)
	}
	// With the base URL's path /site/, "/briefs/a/stix.json" and
	// "/other-site/x/" are outside the site; the absolute URL without /site/ too.
	want := []string{"../../missing/", "/briefs/a/stix.json", "/other-site/x/", "https://briefs.test/briefs/a/"}
	if got := urls(underSite); !slices.Equal(got, want) {
		t.Fatalf("broken %q, want %q", got, want)
	}

	broken, err := verify.Links(dir, "https://briefs.test/")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := urls(broken), []string{"../../missing/", "/briefs/a/stix.json", "/other-site/x/"}; !slices.Equal(got, want) {
		t.Fatalf("broken %q, want %q", got, want)
	}
	write(t, dir, "briefs/a/stix.json", `{}`)
	write(t, dir, "other-site/x/index.html", ``)
	broken, err = verify.Links(dir, "https://briefs.test/")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := urls(broken), []string{"../../missing/"}; !slices.Equal(got, want) {
		t.Errorf("once the files exist: broken %q, want %q", got, want)
	}
}
