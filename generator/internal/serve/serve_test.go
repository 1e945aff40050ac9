package serve_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/serve"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

const brief = "---\ntitle: \"%s\"\ndate: 2024-05-02\nsummary: s\ntlp: clear\nsectors: [Energy]\n---\nBody.\n"

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// Editing a brief while serving rebuilds the site and tells the open page
// to reload; the live-reload script is only in preview builds.
func TestServeRebuildsAndReloads(t *testing.T) {
	dir := sitetest.Project(t, "-- content/briefs/2024/a.md --\n"+strings.Replace(brief, "%s", "First title", 1))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Options{Pipeline: pipeline.Options{ProjectDir: dir}, Addr: "127.0.0.1:0", Out: io.Discard, Ready: ready})
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	page := get(t, base+"briefs/a/")
	if !strings.Contains(page, "First title") || !strings.Contains(page, "/js/livereload") {
		t.Fatalf("first build not served with live reload:\n%.400s", page)
	}
	if !strings.Contains(page, `<meta name=robots content="noindex">`) {
		t.Error("preview pages are not noindex")
	}

	resp, err := http.Get(base + "__livereload")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data: ") {
				events <- strings.TrimPrefix(sc.Text(), "data: ")
			}
		}
	}()
	time.Sleep(100 * time.Millisecond) // let the watcher settle
	p := filepath.Join(dir, "content", "briefs", "2024", "a.md")
	if err := os.WriteFile(p, []byte(strings.Replace(brief, "%s", "Second title", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev != "reload" {
			t.Fatalf("event %q, want reload", ev)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no reload event after editing a brief")
	}
	if page := get(t, base+"briefs/a/"); !strings.Contains(page, "Second title") {
		t.Error("the edit is not served after the reload event")
	}
	// Pages that list the brief were re-rendered too, though only their
	// pre-rendered rows changed.
	if page := get(t, base+"sectors/energy/"); !strings.Contains(page, "Second title") || strings.Contains(page, "First title") {
		t.Error("the sector page still lists the old title")
	}

	// A template edit re-renders the pages that use it.
	expectReload := func(what string) {
		t.Helper()
		select {
		case ev := <-events:
			if ev != "reload" {
				t.Fatalf("event %q after %s, want reload", ev, what)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no reload event after %s", what)
		}
	}
	footer := filepath.Join(dir, "layouts", "_partials", "footer.html")
	tmpl, err := os.ReadFile(footer)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(footer, append(tmpl, "<p>Footer edited while serving</p>\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	expectReload("editing a template")
	if page := get(t, base+"briefs/a/"); !strings.Contains(page, "Footer edited while serving") {
		t.Error("the template edit is not served after the reload event")
	}
	// A config.toml edit too (Hugo reads it when a session opens).
	cfgFile := filepath.Join(dir, "config.toml")
	cfg, err := os.ReadFile(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgFile, []byte(strings.Replace(string(cfg), `title = "Threat Briefs"`, `title = "Renamed Briefs"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	expectReload("editing config.toml")
	if page := get(t, base+"briefs/a/"); !strings.Contains(page, "Renamed Briefs") {
		t.Error("the config.toml edit is not served after the reload event")
	}

	// A broken edit keeps the last good site and reports the error.
	os.WriteFile(p, []byte("---\ntitle: [\n---\n"), 0o644)
	select {
	case ev := <-events:
		if !strings.HasPrefix(ev, "error:") || !strings.Contains(ev, "content/briefs/2024/a.md") {
			t.Fatalf("event %q, want an error naming the file", ev)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no error event after a broken edit")
	}
	if page := get(t, base+"briefs/a/"); !strings.Contains(page, "Second title") {
		t.Error("the last good build is no longer served")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
