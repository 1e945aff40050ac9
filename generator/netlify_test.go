package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

type netlifyConfig struct {
	Build struct {
		Command     string
		Publish     string
		Environment map[string]string
	}
	Context map[string]struct{ Command string }
	Headers []struct {
		For    string
		Values map[string]string
	}
}

// readNetlify reads the repository's netlify.toml.
func readNetlify(t *testing.T) netlifyConfig {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sitetest.RepoRoot(t), "netlify.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var c netlifyConfig
	if err := toml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNetlifyConfig(t *testing.T) {
	c := readNetlify(t)
	if c.Build.Command != `go run ./generator build --baseURL "$URL"` || c.Build.Publish != "public" {
		t.Errorf("production build: %q into %q", c.Build.Command, c.Build.Publish)
	}
	if !strings.HasPrefix(c.Build.Environment["GO_VERSION"], "1.26") {
		t.Errorf("GO_VERSION = %q, want the pinned 1.26", c.Build.Environment["GO_VERSION"])
	}
	for _, ctx := range []string{"deploy-preview", "branch-deploy"} {
		if cmd := c.Context[ctx].Command; !strings.Contains(cmd, `--baseURL "$DEPLOY_PRIME_URL"`) || !strings.Contains(cmd, "--environment preview") {
			t.Errorf("%s command %q does not build for its own URL in the preview environment", ctx, cmd)
		}
	}
	var all map[string]string
	for _, h := range c.Headers {
		if h.For == "/*" {
			all = h.Values
		}
	}
	csp := all["Content-Security-Policy"]
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP lacks %q: %s", want, csp)
		}
	}
	if regexp.MustCompile(`unsafe-(inline|eval)|\*|https?:`).MatchString(csp) {
		t.Errorf("CSP allows inline code, eval or other origins: %s", csp)
	}
	for _, h := range []string{"X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"} {
		if all[h] == "" {
			t.Errorf("header %s is not set", h)
		}
	}
}
