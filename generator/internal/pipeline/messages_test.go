package pipeline_test

import (
	"context"
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
