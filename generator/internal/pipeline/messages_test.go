package pipeline_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// messageBrief is a valid brief for the projects below.
const messageBrief = `
-- content/briefs/2024/alpha.md --
---
title: Alpha
date: 2024-05-01
summary: s
tlp: clear
---
Body, with [a link](https://example.org/).
`

// buildErr builds a project that must fail and returns the error's text.
func buildErr(t *testing.T, dir string) string {
	t.Helper()
	_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir})
	if err == nil {
		t.Fatal("the build succeeded")
	}
	return err.Error()
}

// verify lists the first 50 problems, but counts them all.
func TestVerifyCountsEveryProblem(t *testing.T) {
	dir := sitetest.Project(t, messageBrief+`
-- layouts/home.html --
{{ define "main" }}{{ range seq 60 }}<a href="/missing-{{ . }}/">x</a>{{ end }}{{ end }}
`)
	msg := buildErr(t, dir)
	if !strings.HasPrefix(msg, "verify: 60 problem(s) in the rendered site:\n") || !strings.HasSuffix(msg, "\n... and 10 more") {
		t.Errorf("error:\n%s", msg)
	}
	if n := strings.Count(msg, "missing-"); n != 50 {
		t.Errorf("%d problems listed, want 50", n)
	}
}

// A template that fails on a brief names the brief's file under content/
// and the template, relative to the project, never the staging directory;
// the error says "render:" once.
func TestRenderErrorsNameTheAuthorsFile(t *testing.T) {
	dir := sitetest.Project(t, messageBrief+`
-- layouts/_markup/render-link.html --
<a href="{{ .Destination }}">{{ .Text }}</a>{{ .Page.Params.nosuch.field }}{{ .Foo }}
`)
	msg := buildErr(t, dir)
	for _, bad := range []string{".threatbriefs-staged", dir} {
		if strings.Contains(msg, bad) {
			t.Errorf("the error shows %q:\n%s", bad, msg)
		}
	}
	if !strings.HasPrefix(msg, "render: ") || strings.Count(msg, "render: ") != 1 {
		t.Errorf("the stage is not named once:\n%s", msg)
	}
	for _, want := range []string{`"content/briefs/2024/alpha.md"`, `"layouts/_markup/render-link.html:1:`} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %s:\n%s", want, msg)
		}
	}
}

// What templates log (errorf, warnf) names the author's file too.
func TestRenderLogNamesTheAuthorsFile(t *testing.T) {
	dir := sitetest.Project(t, messageBrief+`
-- layouts/_markup/render-link.html --
{{ errorf "cannot link from %s" .Page.File.Filename }}
`)
	var log strings.Builder
	_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, Log: &log})
	if err == nil {
		t.Fatal("the build succeeded")
	}
	if strings.Contains(log.String(), ".threatbriefs-staged") || !strings.Contains(log.String(), "cannot link from content/briefs/2024/alpha.md") {
		t.Errorf("log:\n%s", log.String())
	}
	if msg := err.Error(); strings.Count(msg, "render: ") != 1 {
		t.Errorf("the stage is not named once: %s", msg)
	}
}

// A destination that cannot be created is a publish error, said once.
func TestPublishErrorNamesTheStageOnce(t *testing.T) {
	dir := sitetest.Project(t, messageBrief+"-- afile --\nnot a directory\n")
	_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, Destination: filepath.Join(dir, "afile", "public")})
	if err == nil || !strings.HasPrefix(err.Error(), "publish: ") || strings.Count(err.Error(), "publish: ") != 1 {
		t.Errorf("err = %v", err)
	}
}

// Raw HTML in a body is a warning of check's, with its line, and build
// reports the same; Hugo's own warning (naming the staging directory and
// how to silence it) is not printed.
func TestRawHTMLIsReportedByCheckNotHugo(t *testing.T) {
	dir := sitetest.Project(t, messageBrief+"\n<div class=\"callout\">Beware.</div>\n")
	want := `content/briefs/2024/alpha.md:9: warning: body: raw HTML is not published (<div class="callout">Beware.</div>); write Markdown`
	c, err := pipeline.Check(pipeline.Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Diagnostics.Items(); len(got) != 1 || got[0].String() != want {
		t.Errorf("check: %v", got)
	}
	var log strings.Builder
	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Diagnostics.Items(); len(got) != 1 || got[0].String() != want {
		t.Errorf("build: %v", got)
	}
	if log.Len() > 0 {
		t.Errorf("Hugo logged:\n%s", log.String())
	}
}

// The preview names the file of a brief added after it opened, too.
func TestPreviewRenderErrorNamesANewBrief(t *testing.T) {
	dir := sitetest.Project(t, messageBrief+`
-- layouts/_markup/render-link.html --
{{ if strings.Contains .Destination "boom" }}{{ .Foo }}{{ end }}<a href="{{ .Destination }}">{{ .Text }}</a>
`)
	s, _, err := pipeline.Open(context.Background(), pipeline.Options{ProjectDir: dir, Destination: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sitetest.WriteArchive(t, dir, "-- content/briefs/2024/bravo.md --\n---\ntitle: Bravo\ndate: 2024-05-02\nsummary: s\ntlp: clear\n---\nSee [this](https://boom.example/).\n")
	_, err = s.Rebuild(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), `render of "content/briefs/2024/bravo.md" failed`) || strings.Contains(err.Error(), "generated") {
		t.Errorf("err = %v", err)
	}
}
