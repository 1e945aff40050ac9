// Command convert turns Natural Earth's country outlines, as the npm package
// world-atlas@2 redistributes them in TopoJSON, into the two files the site
// draws its victim-country maps from (package worldmap), once:
//
//	npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
//	go run ./generator/internal/worldmap/convert package/countries-110m.json package/countries-50m.json
//
// It writes generator/internal/worldmap/countries.tsv (each country's
// outline as an SVG path, by ISO 3166-1 alpha-2 code, for the countries a
// page highlights) and assets/images/world.svg (every outline, the map's
// base, one file every page shares). Outlines are projected with the
// Natural Earth I projection (d3-geo's naturalEarth1Raw), without
// Antarctica, onto a 960-unit-wide plane, and written with relative
// integer moves. A country too small for the 1:110m outlines (Guam,
// Singapore, Bahrain...) gets a dot at the centre of its 1:50m outline's
// bounding box instead. Run it from the repository root.
//
// Why by hand: no Go module decodes TopoJSON and projects it; the
// conversion is a hundred lines, run once, and its output is committed.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tdewolff/minify/v2/svg"
	"golang.org/x/text/language"
)

// topology is the part of a TopoJSON file the conversion reads.
type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects struct {
		Countries struct {
			Geometries []struct {
				Type       string          `json:"type"`
				ID         string          `json:"id"`
				Arcs       json.RawMessage `json:"arcs"`
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			} `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
	Arcs [][][2]float64 `json:"arcs"`
}

type point struct{ x, y float64 }

// country is one outline: its polygons' rings, projected.
type country struct {
	code, name string
	rings      [][]point
}

const width = 960.0

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: convert countries-110m.json countries-50m.json")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "convert:", err)
		os.Exit(1)
	}
}

func run(path110, path50 string) error {
	c110, err := read(path110)
	if err != nil {
		return err
	}
	c50, err := read(path50)
	if err != nil {
		return err
	}
	// The plane: from the antimeridian to the antimeridian, and the
	// latitudes of the 1:110m outlines.
	minX, maxX := project(-180, 0).x, project(180, 0).x
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, c := range c110 {
		for _, r := range c.rings {
			for _, p := range r {
				minY, maxY = min(minY, p.y), max(maxY, p.y)
			}
		}
	}
	scale := width / (maxX - minX)
	height := math.Ceil((maxY - minY) * scale)
	plane := func(p point) (int, int) {
		return int(math.Round((p.x - minX) * scale)), int(math.Round((maxY - p.y) * scale))
	}
	var rows []string
	var all strings.Builder
	have := map[string]bool{}
	for _, c := range c110 {
		d := path(c.rings, plane)
		if d == "" {
			continue
		}
		have[c.code] = true
		rows = append(rows, c.code+"\t"+d)
		all.WriteString(d)
	}
	// Countries too small for 1:110m: a dot at the centre of their 1:50m
	// outline's bounds (inside the plane only).
	for _, c := range c50 {
		if have[c.code] {
			continue
		}
		lo, hi := point{math.Inf(1), math.Inf(1)}, point{math.Inf(-1), math.Inf(-1)}
		for _, r := range c.rings {
			for _, p := range r {
				lo.x, lo.y, hi.x, hi.y = min(lo.x, p.x), min(lo.y, p.y), max(hi.x, p.x), max(hi.y, p.y)
			}
		}
		if math.IsInf(lo.x, 0) || hi.x-lo.x > 0.3*(maxX-minX) { // spread over the antimeridian
			continue
		}
		x, y := plane(point{(lo.x + hi.x) / 2, (lo.y + hi.y) / 2})
		if y < 0 || float64(y) > height {
			continue
		}
		have[c.code] = true
		rows = append(rows, fmt.Sprintf("%s\t@%d,%d", c.code, x, y))
	}
	slices.Sort(rows)
	head := fmt.Sprintf("# Natural Earth 1:110m country outlines (1:50m centres for the smallest), public domain,\n"+
		"# via the npm package world-atlas@2 (ISC licence, Mike Bostock); written by generator/internal/worldmap/convert.\n"+
		"# Natural Earth I projection, %d x %d units. Columns: ISO 3166-1 alpha-2, SVG path (or @x,y: a dot).\n", int(width), int(height))
	if err := os.WriteFile("generator/internal/worldmap/countries.tsv", []byte(head+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	// Written as Hugo's SVG minifier would write it (the same package's
	// path shortener): the site is built with that minifier off (package
	// render), so the file is served as it is here, with its source note.
	short := svg.NewPathData(&svg.Minifier{}).ShortenPathData([]byte(all.String()))
	base := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d">`+
		`<!-- Natural Earth 1:110m country outlines, public domain (naturalearthdata.com), via world-atlas@2; written by generator/internal/worldmap/convert -->`+
		`<style>path{fill:#dde4ea;stroke:#fff;stroke-width:.5}@media(prefers-color-scheme:dark){path{fill:#26313c;stroke:#0e1319}}</style>`+
		`<path d="%s"/></svg>`, int(width), int(height), short)
	return os.WriteFile("assets/images/world.svg", []byte(base), 0o644)
}

// read decodes a world-atlas file into projected outlines, keyed by
// alpha-2 code (outlines without an ISO numeric code, and Antarctica, are
// left out).
func read(path string) ([]country, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Arcs are quantized and delta-encoded; points are longitude and
	// latitude until a ring is whole.
	arcs := make([][]point, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		for _, d := range a {
			x, y = x+d[0], y+d[1]
			arcs[i] = append(arcs[i], point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]})
		}
	}
	lonLatRing := func(ids []int) []point {
		var out []point
		for _, id := range ids {
			a := arcs[max(id, ^id)]
			if id < 0 {
				a = slices.Clone(a)
				slices.Reverse(a)
			}
			if len(out) > 0 {
				a = a[1:] // arcs share their end points
			}
			out = append(out, a...)
		}
		// A ring across the antimeridian (Chukotka, Fiji) continues past
		// the edge of the plane instead of striking across the map; the
		// part past the edge is cut off by the viewBox.
		off, prev := 0.0, out[0].x
		for i := 1; i < len(out); i++ {
			raw := out[i].x
			switch d := raw - prev; {
			case d > 180:
				off -= 360
			case d < -180:
				off += 360
			}
			prev, out[i].x = raw, raw+off
		}
		for i := range out {
			out[i] = project(out[i].x, out[i].y)
		}
		return out
	}
	var out []country
	for _, g := range t.Objects.Countries.Geometries {
		n, err := strconv.Atoi(g.ID)
		if err != nil || g.ID == "010" { // no ISO code; Antarctica
			continue
		}
		r, err := language.EncodeM49(n)
		if err != nil {
			return nil, fmt.Errorf("%s: %s (%s): %w", path, g.ID, g.Properties.Name, err)
		}
		c := country{code: r.String(), name: g.Properties.Name}
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, err
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return nil, err
			}
		default:
			continue
		}
		for _, p := range polys {
			for _, ids := range p {
				c.rings = append(c.rings, lonLatRing(ids))
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// project is the Natural Earth I projection of a longitude and latitude in
// degrees (d3-geo's naturalEarth1Raw).
func project(lon, lat float64) point {
	l, p := lon*math.Pi/180, lat*math.Pi/180
	p2 := p * p
	p4 := p2 * p2
	return point{
		x: l * (0.8707 - 0.131979*p2 + p4*(-0.013791+p4*(0.003971*p2-0.001529*p4))),
		y: p * (1.007226 + p2*(0.015085+p4*(-0.044475+0.028874*p2-0.005916*p4))),
	}
}

// path writes rings as an SVG path of relative integer moves, dropping
// points that round onto the one before and rings that round to nothing.
func path(rings [][]point, plane func(point) (int, int)) string {
	var b strings.Builder
	px, py := 0, 0
	for _, r := range rings {
		var pts [][2]int
		for _, p := range r {
			x, y := plane(p)
			if n := len(pts); n > 0 && pts[n-1] == [2]int{x, y} {
				continue
			}
			pts = append(pts, [2]int{x, y})
		}
		if len(pts) > 1 && pts[0] == pts[len(pts)-1] {
			pts = pts[:len(pts)-1]
		}
		if len(pts) < 3 {
			continue
		}
		if b.Len() == 0 {
			fmt.Fprintf(&b, "M%d %d", pts[0][0], pts[0][1])
		} else {
			fmt.Fprintf(&b, "m%d %d", pts[0][0]-px, pts[0][1]-py)
		}
		b.WriteString("l")
		for i := 1; i < len(pts); i++ {
			if i > 1 {
				b.WriteByte(' ')
			}
			b.WriteString(num(pts[i][0] - pts[i-1][0]))
			b.WriteByte(' ')
			b.WriteString(num(pts[i][1] - pts[i-1][1]))
		}
		b.WriteString("z")
		px, py = pts[0][0], pts[0][1]
	}
	return b.String()
}

func num(n int) string { return strconv.Itoa(n) }
