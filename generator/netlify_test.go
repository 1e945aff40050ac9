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

// The directories netlify.toml serves as immutable hold only fingerprinted
// files, and every fingerprinted file of a built site is in one of them:
// a file whose name carries its content's hash may be cached for a year,
// and no other may be.
func TestNetlifyImmutableAssets(t *testing.T) {
	c := readNetlify(t)
	var dirs []string
	for _, h := range c.Headers {
		cc := h.Values["Cache-Control"]
		if !strings.Contains(cc, "immutable") {
			continue
		}
		if !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("%s: Cache-Control %q is not a year", h.For, cc)
		}
		// A directory splat is the one pattern every Netlify version
		// matches the same way; anything else would need this test to
		// model Netlify's matcher.
		dir, ok := strings.CutSuffix(h.For, "/*")
		if !ok || !strings.HasPrefix(dir, "/") || strings.Contains(dir[1:], "*") {
			t.Fatalf("immutable rule %q is not of the form /dir/*", h.For)
		}
		dirs = append(dirs, dir[1:]+"/")
	}
	if len(dirs) == 0 {
		t.Fatal("netlify.toml serves nothing as immutable")
	}

	dest := examplePublic(t)
	fingerprinted := regexp.MustCompile(`\.[0-9a-f]{64}\.[a-z0-9]+$`)
	inDir := map[string]int{}
	for name := range sitetest.Tree(t, dest) {
		immutable := false
		for _, d := range dirs {
			if strings.HasPrefix(name, d) {
				immutable = true
				inDir[d]++
			}
		}
		switch fp := fingerprinted.MatchString(name); {
		case immutable && !fp:
			t.Errorf("%s would be cached for a year but its name carries no content hash", name)
		case fp && !immutable:
			t.Errorf("%s is fingerprinted but no immutable rule in netlify.toml covers it", name)
		}
	}
	for _, d := range dirs {
		if inDir[d] == 0 {
			t.Errorf("the immutable rule for /%s* matches no file of the built site", d)
		}
	}
}

// Netlify keeps Go's build and module caches between builds: they live in
// its cache directory, which it saves after each build.
func TestNetlifyKeepsGoCaches(t *testing.T) {
	env := readNetlify(t).Build.Environment
	for _, v := range []string{"GOCACHE", "GOMODCACHE"} {
		if !strings.HasPrefix(env[v], "/opt/build/cache/") {
			t.Errorf("%s = %q; Netlify saves only /opt/build/cache between builds", v, env[v])
		}
	}
	if env["GOCACHE"] == env["GOMODCACHE"] {
		t.Errorf("GOCACHE and GOMODCACHE are the same directory %q", env["GOCACHE"])
	}
}
