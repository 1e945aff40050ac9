package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// netlifyArgs turns a netlify.toml build command into arguments for the
// generator, with $URL and $DEPLOY_PRIME_URL set to url.
func netlifyArgs(t *testing.T, command, url string) []string {
	t.Helper()
	cmd, ok := strings.CutPrefix(command, "go run ./generator ")
	if !ok {
		t.Fatalf("netlify.toml command %q does not run the generator", command)
	}
	cmd = strings.NewReplacer(`"$DEPLOY_PRIME_URL"`, url, `"$URL"`, url).Replace(cmd)
	if strings.ContainsAny(cmd, `"'$`) {
		t.Fatalf("netlify.toml command %q has quoting or variables this test does not expand", command)
	}
	return strings.Fields(cmd)
}

// robots returns the content of each page's robots meta tag ("" if none).
func robots(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := html.Parse(f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = ""
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "meta" {
				var name, content string
				for _, a := range n.Attr {
					switch a.Key {
					case "name":
						name = a.Val
					case "content":
						content = a.Val
					}
				}
				if strings.EqualFold(name, "robots") {
					out[filepath.ToSlash(rel)] = content
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Netlify's deploy previews and branch deploys run netlify.toml's command for
// their context. Built that way from the example content, every page of a
// preview says noindex, robots.txt disallows everything and pages point at
// the preview's own URL; the production command builds the same content to
// be indexed.
func TestDeployPreviewsAreNeverIndexed(t *testing.T) {
	c := readNetlify(t)
	const previewURL = "https://deploy-preview-42--threatbriefs.netlify.app/"
	dest := filepath.Join(t.TempDir(), "preview")
	args := append(netlifyArgs(t, c.Context["deploy-preview"].Command, previewURL), "-s", sitetest.RepoRoot(t), "-d", dest)
	if out, errOut, err := run(t, args...); err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
	}
	pages := robots(t, dest)
	if len(pages) < 100 {
		t.Fatalf("the preview has %d pages; want the whole example site", len(pages))
	}
	for p, content := range pages {
		if !strings.Contains(content, "noindex") {
			t.Errorf("preview page %s is indexable (robots meta %q)", p, content)
		}
	}
	txt, err := os.ReadFile(filepath.Join(dest, "robots.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(txt)); got != "User-agent: *\nDisallow: /" {
		t.Errorf("preview robots.txt:\n%s", got)
	}
	home, _ := os.ReadFile(filepath.Join(dest, "index.html"))
	if !strings.Contains(string(home), "href="+previewURL) {
		t.Error("the preview's home page does not point at the preview URL")
	}

	// The production command, for contrast: indexable, with a sitemap.
	prod := filepath.Join(t.TempDir(), "production")
	args = append(netlifyArgs(t, c.Build.Command, "https://threatbriefs.example.org/"), "-s", sitetest.RepoRoot(t), "-d", prod)
	if out, errOut, err := run(t, args...); err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
	}
	indexable := 0
	for _, content := range robots(t, prod) {
		if !strings.Contains(content, "noindex") {
			indexable++
		}
	}
	if indexable < 100 {
		t.Errorf("only %d production pages are indexable", indexable)
	}
	txt, _ = os.ReadFile(filepath.Join(prod, "robots.txt"))
	if !strings.Contains(string(txt), "Allow: /") || !strings.Contains(string(txt), "Sitemap: https://threatbriefs.example.org/sitemap.xml") {
		t.Errorf("production robots.txt:\n%s", txt)
	}
}
