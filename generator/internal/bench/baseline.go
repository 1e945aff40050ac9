// Package bench measures builds of synthetic libraries.
//
// Measure takes Options (the generator's executable, a project to copy
// templates from, a directory, corpus sizes, runs, a seed) and returns a
// Report: for each size, the median wall time, peak memory and output size
// of `generator build` run as a child process, the median time of each of
// its stages, and optionally the same for plain Hugo. The child reports its
// stage times as JSON in a file (`build --timings-file`, WriteTimings), which
// Measure decodes; nothing parses text printed for people.
//
// It accepts a corpus directory written by package synth. Baseline turns a
// copy of it into a site built "the obvious way" with plain Hugo, as in
// shared/notes/hugo-scaling.md: six Hugo taxonomies (sectors, countries,
// techniques, malware, vulnerabilities, mitigations), default RSS for every
// list, .Related on every page, paginated term lists and minified output.
// Run times a command in a child process and reports its wall time and
// peak resident memory, so each figure is for a whole process.
package bench

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/threatbriefs/threatbriefs/generator/internal/copytree"
)

var baselineFiles = map[string]string{
	"config.toml": `baseURL = "https://baseline.example/"
title = "Baseline"
[taxonomies]
sector = "sectors"
country = "countries"
technique = "techniques"
malware = "malware"
vulnerability = "vulnerabilities"
mitigation = "mitigations"
[pagination]
pagerSize = 20
[related]
includeNewer = true
threshold = 20
[[related.indices]]
name = "sectors"
weight = 10
[[related.indices]]
name = "techniques"
weight = 20
[[related.indices]]
name = "malware"
weight = 50
[[related.indices]]
name = "vulnerabilities"
weight = 50
`,
	"layouts/baseof.html": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>`,
	"layouts/page.html": `{{ define "main" }}<h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
{{ range $tax, $_ := site.Taxonomies }}{{ with $.GetTerms $tax }}<h2>{{ $tax }}</h2><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}{{ end }}
{{ .Content }}
<h2>Related</h2><ul>{{ range site.RegularPages.Related . | first 5 }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}`,
	"layouts/list.html":     `{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}<ul>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ with $p.Next }}<a href="{{ .URL }}">next</a>{{ end }}{{ end }}`,
	"layouts/taxonomy.html": `{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}`,
	"layouts/term.html":     `{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .Pages }}<ul>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ with $p.Next }}<a href="{{ .URL }}">next</a>{{ end }}{{ end }}`,
	"layouts/home.html":     `{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range first 20 site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}`,
}

// Baseline writes the plain-Hugo version of the corpus at corpus into dir:
// its briefs (content/briefs only: Hugo reads the same front matter, and
// the lists become Hugo taxonomies) and the baseline config and templates.
func Baseline(corpus, dir string) error {
	err := copytree.Copy(filepath.Join(corpus, "content", "briefs"), filepath.Join(dir, "content", "briefs"))
	if err != nil {
		return fmt.Errorf("bench: copying the corpus: %w", err)
	}
	for name, text := range baselineFiles {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
