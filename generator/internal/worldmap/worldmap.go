// Package worldmap is the outline of every country, for the victim-country
// maps the site draws: Natural Earth's 1:110m country outlines (public
// domain, naturalearthdata.com), as the npm package world-atlas@2 (ISC
// licence) redistributes them, projected once by the program in convert/
// into countries.tsv (each country's outline as an SVG path) and
// assets/images/world.svg (all of them: the map's base, one file every page
// shares). A country too small for 1:110m is a dot.
//
// It accepts nothing: Load reads the embedded countries.tsv, and fails only
// if that file is malformed.
package worldmap

import (
	"bufio"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/tdewolff/minify/v2/svg"
)

//go:embed countries.tsv
var countries string

// Shape is a country as the map draws it: an outline, or a dot.
type Shape struct {
	Path string // an SVG path in the map's units; "" for a dot
	X, Y int    // a dot's centre
}

// Map is the projected outlines.
type Map struct {
	Width, Height int              // the plane, in SVG units (the viewBox of world.svg)
	shapes        map[string]Shape // by ISO 3166-1 alpha-2 code
}

// Shape returns the shape of the country with ISO code code.
func (m *Map) Shape(code string) (Shape, bool) {
	s, ok := m.shapes[code]
	return s, ok
}

// Len is how many countries the map has.
func (m *Map) Len() int { return len(m.shapes) }

// Load reads the outlines.
func Load() (*Map, error) { return parse(countries) }

func parse(text string) (*Map, error) {
	m := &Map{shapes: map[string]Shape{}}
	// Paths are shortened as Hugo's minifier would shorten them on every
	// page (the same package, tdewolff/minify): done once here, the pages
	// are staged, held and minified with the short form.
	short := svg.NewPathData(&svg.Minifier{})
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			// "# Natural Earth I projection, 960 x 418 units. ..."
			if _, rest, ok := strings.Cut(line, "projection, "); ok {
				if _, err := fmt.Sscanf(rest, "%d x %d", &m.Width, &m.Height); err != nil {
					return nil, fmt.Errorf("worldmap: countries.tsv:%d: the size: %w", n, err)
				}
			}
			continue
		}
		code, shape, ok := strings.Cut(line, "\t")
		if !ok || len(code) != 2 || shape == "" {
			return nil, fmt.Errorf("worldmap: countries.tsv:%d: want a code, a tab and a path or @x,y", n)
		}
		var s Shape
		if dot, ok := strings.CutPrefix(shape, "@"); ok {
			xs, ys, _ := strings.Cut(dot, ",")
			x, err1 := strconv.Atoi(xs)
			y, err2 := strconv.Atoi(ys)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("worldmap: countries.tsv:%d: %s: a dot is @x,y", n, code)
			}
			s.X, s.Y = x, y
		} else {
			s.Path = string(short.ShortenPathData([]byte(shape)))
		}
		m.shapes[code] = s
	}
	if m.Width == 0 || m.Height == 0 {
		return nil, fmt.Errorf("worldmap: countries.tsv: no size")
	}
	return m, sc.Err()
}
