package render_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/render"
)

// hugoProject writes a minimal Hugo project (pages and sections only) whose
// page template is pageLayout, and returns its directory.
func hugoProject(t *testing.T, pageLayout string) string {
	t.Helper()
	project := t.TempDir()
	for name, data := range map[string]string{
		"config.toml":          "baseURL = \"https://briefs.test/\"\ndisableKinds = [\"taxonomy\", \"term\", \"rss\", \"sitemap\", \"robotsTXT\", \"404\"]\n",
		"layouts/page.html":    pageLayout,
		"layouts/home.html":    "home",
		"layouts/section.html": "section",
	} {
		p := filepath.Join(project, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return project
}

// A finished Render leaves nothing running: Hugo's memory cache starts a
// goroutine that keeps the whole rendered site reachable until the cache is
// closed, so an unclosed site would hold its memory through the rest of a
// build (post-processing, verification) and, in a long-lived process,
// forever.
func TestRenderReleasesHugo(t *testing.T) {
	project := hugoProject(t, "{{ .Content }}")
	renderOnce := func() {
		t.Helper()
		_, err := render.Render(context.Background(), render.Options{
			ProjectDir: project,
			Content:    map[string][]byte{"briefs/a.md": []byte("{\"title\": \"A\"}\nBody.")},
			PublishDir: t.TempDir(),
			BaseURL:    "https://briefs.test/",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	renderOnce() // let anything started once per process start
	runtime.GC()
	before := runtime.NumGoroutine()
	for range 5 {
		renderOnce()
	}
	// Closed goroutines end soon, not at once: wait for the count to come
	// back down. The limit only turns a leak into a failure rather than a
	// hang; a busy machine passes as soon as the goroutines have ended.
	after := runtime.NumGoroutine()
	for deadline := time.Now().Add(time.Minute); after > before+2 && time.Now().Before(deadline); after = runtime.NumGoroutine() {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if after > before+2 {
		t.Errorf("%d goroutines before five renders, %d after: each render leaves something running", before, after)
	}
}
