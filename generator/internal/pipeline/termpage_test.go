package pipeline_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// config.toml's [params.generator] coocLimit caps the co-occurring terms a
// term page shows per kind, and the page says how many it left out.
func TestCoocLimitFromConfig(t *testing.T) {
	for _, tc := range []struct {
		limit     string
		chips     int
		moreCount string
	}{
		{"10", 3, ""},
		{"2", 2, "and 1 more"},
	} {
		t.Run("coocLimit="+tc.limit, func(t *testing.T) {
			dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
			setCoocLimit(t, dir, tc.limit)
			build(t, dir)
			// Volt Typhoon is named with US and NO (alpha) and GU (bravo).
			chips, more := coocSection(t, page(dir, "/actors/volt-typhoon/"), "Countries")
			if len(chips) != tc.chips || more != tc.moreCount {
				t.Errorf("the Countries seen with Volt Typhoon: %q and %q; want %d chips and %q", chips, more, tc.chips, tc.moreCount)
			}
		})
	}
	t.Run("negative", func(t *testing.T) {
		dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
		setCoocLimit(t, dir, "-1")
		_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir})
		if err == nil || !strings.Contains(err.Error(), "coocLimit must not be negative") {
			t.Errorf("a negative coocLimit: %v; want an error naming it", err)
		}
	})
}

func setCoocLimit(t *testing.T, dir, limit string) {
	t.Helper()
	setGeneratorParam(t, dir, "coocLimit = 10", "coocLimit = "+limit)
}

// setGeneratorParam replaces a line of config.toml's [params.generator].
func setGeneratorParam(t *testing.T, dir, line, with string) {
	t.Helper()
	p := filepath.Join(dir, "config.toml")
	cfg, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), "\n"+line+"\n") {
		t.Fatalf("config.toml has no `%s` line to change", line)
	}
	s := strings.Replace(string(cfg), "\n"+line+"\n", "\n"+with+"\n", 1)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// config.toml's relatedCount says how many related briefs a brief lists.
func TestRelatedCountFromConfig(t *testing.T) {
	for _, tc := range []struct {
		count   string
		related bool
	}{{"5", true}, {"0", false}} {
		t.Run("relatedCount="+tc.count, func(t *testing.T) {
			dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
			setGeneratorParam(t, dir, "relatedCount = 5", "relatedCount = "+tc.count)
			build(t, dir)
			alpha, err := os.ReadFile(page(dir, "/briefs/alpha/"))
			if err != nil {
				t.Fatal(err)
			}
			// Alpha and bravo share Volt Typhoon.
			listed := bytes.Contains(alpha, []byte("Related briefs</h2><ul class=related-list><li><a href=../../briefs/bravo/>"))
			if listed != tc.related {
				t.Errorf("alpha lists bravo as related: %v; want %v", listed, tc.related)
			}
		})
	}
	t.Run("negative", func(t *testing.T) {
		dir := sitetest.Project(t, sitetest.ReadArchive(t, "crosslinks.txtar"))
		setGeneratorParam(t, dir, "relatedCount = 5", "relatedCount = -1")
		_, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir})
		if err == nil || !strings.Contains(err.Error(), "relatedCount must not be negative") {
			t.Errorf("a negative relatedCount: %v; want an error naming it", err)
		}
	})
}

// coocSection returns the chips of the "seen together with" section titled
// heading on a term page, and its "and N more" note.
func coocSection(t *testing.T, file, heading string) (chips []string, more string) {
	t.Helper()
	doc := sitetest.ParseFile(t, file)
	var found bool
	var walk func(n *html.Node, in bool)
	walk = func(n *html.Node, in bool) {
		if n.Type == html.ElementNode && n.Data == "section" && n.Parent != nil && hasClass(n.Parent, "cooc") {
			in = false
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.Data == "h2" && text(c) == heading {
					in, found = true, true
				}
			}
		}
		if in && n.Type == html.ElementNode && n.Data == "li" {
			chips = append(chips, strings.TrimSpace(text(n)))
		}
		if in && n.Type == html.ElementNode && hasClass(n, "more-count") {
			more = text(n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, in)
		}
	}
	walk(doc, false)
	if !found {
		t.Fatalf("%s has no co-occurrence section %q", file, heading)
	}
	return chips, more
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && strings.Contains(" "+a.Val+" ", " "+class+" ") {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(text(c))
	}
	return b.String()
}

// An actor's origin links to its country's page, whatever slug the
// country's profile gives it.
func TestOriginLinksToProfiledCountry(t *testing.T) {
	archive := strings.Replace(sitetest.ReadArchive(t, "crosslinks.txtar"), "origin: CN", "origin: US", 1) +
		"-- content/countries/usa/_index.md --\n---\ntitle: United States\n---\nProfile text about the United States.\n"
	dir := sitetest.Project(t, archive)
	build(t, dir)
	if _, err := os.Stat(page(dir, "/countries/usa/")); err != nil {
		t.Fatalf("the profile did not give the United States its slug: %v", err)
	}
	data, err := os.ReadFile(page(dir, "/actors/volt-typhoon/"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`Suspected origin: <a href="?[./]*countries/usa/"?>United States</a>`).Match(data) {
		i := bytes.Index(data, []byte("Suspected origin"))
		t.Errorf("Volt Typhoon's origin does not link to /countries/usa/: %.120s", data[max(i, 0):])
	}
}
