package render_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/render"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/stage"
)

// FuzzSanitize renders arbitrary Markdown bodies the way a brief's body is
// rendered — staged (shortcodes escaped, indicators defanged), then through
// Hugo with the project's goldmark settings and its link and image render
// hooks — and requires the HTML to be inert: no inline script, no event
// handler, no javascript:/vbscript:/data: URL, no frame, no third-party image.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"<script>alert(1)</script>",
		"[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](java&#x09;script:alert(1))",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"<javascript:alert(1)> <https://evil.example/>",
		"![i](javascript:alert(1)) ![t](https://tracker.example/p.gif) ![d](data:image/png;base64,AAAA)",
		"[t](https://x.example \"a\\\" onmouseover=\\\"alert(1)\")",
		"{{< param \"title\" >}} {{% param \"x\" %}}",
		"<img src=x onerror=alert(1)>\n\n<iframe src=//evil.example></iframe>",
		"[v](vbscript:msgbox) [d](data:text/html,<script>alert(1)</script>)",
		"| a | <script>x</script> |\n|---|---|\n| [l](javascript:x) | b |",
		"![b](/\\evil.example/p.gif) ![c](\\\\evil.example/p.gif) ![r](http/rt/:x.example/p.gif) ![s](/images/ok.png)",
	} {
		f.Add(s)
	}
	root := sitetest.RepoRoot(f)
	project := f.TempDir()
	files := map[string]string{
		"config.toml":                       filepath.Join(root, "config.toml"),
		"layouts/_markup/render-link.html":  filepath.Join(root, "layouts/_markup/render-link.html"),
		"layouts/_markup/render-image.html": filepath.Join(root, "layouts/_markup/render-image.html"),
	}
	for dst, src := range files {
		data, err := os.ReadFile(src)
		if err != nil {
			f.Fatal(err)
		}
		os.MkdirAll(filepath.Join(project, filepath.Dir(dst)), 0o755)
		os.WriteFile(filepath.Join(project, dst), data, 0o644)
	}
	os.WriteFile(filepath.Join(project, "layouts", "page.html"), []byte("{{ .Content }}"), 0o644)
	os.WriteFile(filepath.Join(project, "layouts", "home.html"), []byte("home"), 0o644)
	os.WriteFile(filepath.Join(project, "layouts", "section.html"), []byte("section"), 0o644)
	fm, _ := json.Marshal(map[string]any{"title": "Fuzz", "date": "2024-01-01", "outputs": []string{"html"}})

	f.Fuzz(func(t *testing.T, body string) {
		out := t.TempDir()
		staged := stage.EscapeShortcodes(indicator.NewSet([]brief.IOC{{Type: "domain", Value: "evil.example"}}).Text(body))
		_, err := render.Render(context.Background(), render.Options{
			ProjectDir: project,
			Content:    map[string][]byte{"briefs/fuzz.md": append(append(fm, '\n'), staged...)},
			PublishDir: out,
			BaseURL:    "https://briefs.test/",
		})
		if err != nil {
			return // Hugo refusing a body is safe; only what it publishes matters
		}
		page, err := os.ReadFile(filepath.Join(out, "briefs", "fuzz", "index.html"))
		if err != nil {
			return
		}
		if problems := sitetest.Inert(page); len(problems) > 0 {
			t.Fatalf("body %q rendered %q: %v", body, page, problems)
		}
	})
}
