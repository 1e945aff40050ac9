package worldmap

import (
	"os"
	"strings"
	"testing"
)

// The committed outlines: the plane's size, the large countries as paths,
// the small ones as dots inside the plane, and the shared base file drawn on
// the same plane.
func TestOutlines(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if m.Width != 960 || m.Height < 400 || m.Height > 500 {
		t.Errorf("plane %d x %d", m.Width, m.Height)
	}
	if m.Len() < 200 {
		t.Errorf("%d countries", m.Len())
	}
	for _, code := range []string{"US", "NO", "RU", "CN", "AU", "BR"} {
		if s, ok := m.Shape(code); !ok || !strings.HasPrefix(s.Path, "M") || !strings.HasSuffix(s.Path, "z") {
			t.Errorf("%s: %+v, %v; want an outline", code, s, ok)
		}
		// Shortened as the minifier would (no "1 -1", no "l0 1").
		if s, _ := m.Shape(code); strings.Contains(s.Path, " -") || strings.Contains(s.Path, "l0 ") {
			t.Errorf("%s: the path is not shortened: %.80s", code, s.Path)
		}
	}
	for _, code := range []string{"GU", "SG", "BH"} {
		if s, ok := m.Shape(code); !ok || s.Path != "" || s.X <= 0 || s.X >= m.Width || s.Y <= 0 || s.Y >= m.Height {
			t.Errorf("%s: %+v, %v; want a dot inside the plane", code, s, ok)
		}
	}
	base, err := os.ReadFile("../../../assets/images/world.svg")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(base), `viewBox="0 0 960 `) || !strings.Contains(string(base), "public domain") {
		t.Errorf("assets/images/world.svg is not drawn on the same plane, or does not say where it comes from")
	}
}

// A malformed file is refused with its line.
func TestMalformed(t *testing.T) {
	for _, text := range []string{
		"# projection, 960 x 418 units.\nUS\n",
		"# projection, 960 x 418 units.\nGU\t@x,1\n",
		"US\tM0 0l1 1 1 0z\n",
	} {
		if _, err := parse(text); err == nil || !strings.Contains(err.Error(), "countries.tsv") {
			t.Errorf("%q: %v", text, err)
		}
	}
}
