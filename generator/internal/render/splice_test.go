package render_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/render"
	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
)

// listLayout prints a page's "list" parameter unescaped, as the site's
// layouts paste a pre-rendered list.
const listLayout = "<ul>{{ .Params.list | safeHTML }}</ul>"

func page(marker string) map[string][]byte {
	return map[string][]byte{"briefs/a.md": []byte(`{"title": "A", "list": "` + marker + `"}` + "\nBody.")}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// Render writes each fragment in its marker's place, and fails, naming the
// file, on a marker whose fragment it was not given.
func TestRenderSplicesFragments(t *testing.T) {
	project := hugoProject(t, listLayout)
	frags := splice.NewTable()
	marker := frags.Add("briefs/a.md#1", []byte("<li>First</li>"))
	dest := t.TempDir()
	if _, err := render.Render(context.Background(), render.Options{ProjectDir: project, Content: page(marker), PublishDir: dest, BaseURL: "https://briefs.test/", Fragments: frags}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dest, "briefs", "a", "index.html")); got != "<ul><li>First</li></ul>" {
		t.Errorf("the page is %q", got)
	}
	_, err := render.Render(context.Background(), render.Options{ProjectDir: project, Content: page(marker), PublishDir: t.TempDir(), BaseURL: "https://briefs.test/", Fragments: splice.NewTable()})
	if err == nil || !strings.Contains(err.Error(), "briefs/a/index.html") || !strings.Contains(err.Error(), "briefs/a.md#1") {
		t.Errorf("a marker without its fragment: %v", err)
	}
}

// A session whose staged page stays the same while its fragment changes
// writes the page again with the new fragment, without Hugo (which sees no
// change), and says a file changed.
func TestSessionRewritesAPageWhoseFragmentChanged(t *testing.T) {
	project := hugoProject(t, listLayout)
	dest := t.TempDir()
	first := splice.NewTable()
	marker := first.Add("briefs/a.md#1", []byte("<li>First</li>"))
	s, _, err := render.Open(render.Options{ProjectDir: project, Content: page(marker), PublishDir: dest, BaseURL: "https://briefs.test/", Fragments: first})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := filepath.Join(dest, "briefs", "a", "index.html")
	if got := read(t, out); got != "<ul><li>First</li></ul>" {
		t.Fatalf("the first build wrote %q", got)
	}
	for _, text := range []string{"Second", "Third"} {
		next := splice.NewTable()
		if m := next.Add("briefs/a.md#1", []byte("<li>"+text+"</li>")); m != marker {
			t.Fatalf("the marker changed: %q", m)
		}
		_, n, err := s.Update(page(marker), nil, nil, next, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := read(t, out); got != "<ul><li>"+text+"</li></ul>" || n != 1 {
			t.Errorf("after the fragment became %s: %q, %d changed", text, got, n)
		}
	}
}
