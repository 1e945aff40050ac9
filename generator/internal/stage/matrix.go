package stage

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"unsafe"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// ATT&CK matrix heatmaps.
//
// A matrix is drawn for a set of briefs (a term's, a brief alone, every
// brief, a year's): the ATT&CK tactics that any of their techniques
// belongs to, as columns in kill-chain order (the vocabulary's order), and
// under each the techniques they name, most named first. A sub-technique
// is listed under its parent, which is shown even when no brief names it
// (then as text: it has no page). Each cell is shaded by how many of the
// briefs name the technique (for a parent: it or any of its
// sub-techniques), in up to four steps the legend explains (the most
// named in the strongest).
//
// The columns are staged pre-rendered, like the longest lists (see
// items.go): a term page's matrix has tens of cells, and a 10,000-brief
// library has some 20,000 term pages.

// Matrix is an ATT&CK matrix heatmap of a set of briefs
// (layouts/_partials/matrix.html).
type Matrix struct {
	Columns    template.HTML // pre-rendered tactic columns (items/matrix-tactic.html)
	Tactics    int           // how many columns
	Techniques int           // techniques and sub-techniques the briefs name
	Briefs     int           // briefs counted
	// Counted: cells show how many briefs name them and are shaded by it
	// (false on a brief's own page, where every count is 1).
	Counted bool
	Legend  []Shade // what the shades mean, lightest first
	// Full: the full matrix, every technique of ATT&CK Enterprise, named
	// or not (the page FullMatrixPage); else only those the briefs name.
	Full  bool
	Total int // in the full matrix, how many techniques and sub-techniques it has
}

// Shade is one step of a matrix's shading and the counts it stands for.
type Shade struct {
	Step  int    // 1 to 4, the CSS class s1..s4
	Label string // "1 brief", "2–3 briefs"
}

// YearMatrix is the matrix of one year's briefs.
type YearMatrix struct {
	Year   int
	Matrix Matrix
}

// TacticColumn is one tactic of a matrix (items/matrix-tactic.html).
type TacticColumn struct {
	ID    string // TA0001
	Name  string // Initial Access
	Count int    // techniques in the column
	Cells template.HTML
}

// MatrixCell is a technique of a matrix, or a sub-technique in a
// technique's cell (items/matrix-cell.html).
type MatrixCell struct {
	ID    string // T1505, T1505.003
	Name  string // the technique's name; a sub-technique's own ("Web Shell")
	URL   string // its page, relative to the site root; "" when no brief names it
	Count int    // briefs naming it (a technique: it or a sub-technique); 0 when not counted
	Step  int    // its shade, 1 to 4; 0 when not counted or named by no brief
	Subs  template.HTML
	// Fold: in the full matrix, how many sub-techniques Subs has, folded
	// in a <details> (Open when a brief names one of them); else 0.
	Fold int
	Open bool
}

// matrixSteps is how many shades a matrix has at most.
const matrixSteps = 4

// matrixTech is a technique counted for a matrix.
type matrixTech struct {
	tech   vocab.Technique
	term   *index.Term // nil for a parent no brief names
	count  int         // briefs naming it (or, for a parent, a sub-technique)
	last   int         // the last entry counted, for counting each brief once
	named  bool        // a brief names it (a parent may be there for its sub-techniques only)
	subs   []*matrixTech
	lo, hi int // its cell, once rendered, in the arena of drawMatrix
}

// matrix draws the matrix of entries' techniques, or returns nil when
// they name none. l's items write URLs for the page's depth; counted says
// whether cells show their counts (and are shaded by them). The cost is
// linear in the techniques the entries name.
func (s *stager) matrix(l *lists, entries []*index.Entry, counted bool) *Matrix {
	return s.drawMatrix(l, entries, counted, false)
}

// fullMatrix draws every technique of the vocabulary's ATT&CK tables
// under its tactics, each shaded and counted by how many of entries name
// it, those no brief names unshaded; techniques are in ATT&CK's order (by
// name), sub-techniques folded under their parent.
func (s *stager) fullMatrix(l *lists, entries []*index.Entry) *Matrix {
	return s.drawMatrix(l, entries, true, true)
}

func (s *stager) drawMatrix(l *lists, entries []*index.Entry, counted, full bool) *Matrix {
	k, ok := s.ix.Kinds.Resolving(taxonomy.ByTechnique)
	if !ok {
		return nil
	}
	parents := map[string]*matrixTech{}
	parent := func(pid string) *matrixTech {
		p := parents[pid]
		if p == nil {
			pt, ok := s.v.Technique(pid)
			if !ok {
				return nil
			}
			p = &matrixTech{tech: pt, last: -1}
			if ptm, ok := s.ix.TermByKey(k.Name, pid); ok { // it has a page
				p.term = ptm
			}
			parents[pid] = p
		}
		return p
	}
	named := 0
	for i, e := range entries {
		for _, t := range e.Terms[k.Name] {
			tech, ok := s.v.Technique(t.ID)
			if !ok {
				continue
			}
			pid := cmp.Or(tech.Parent(), tech.ID)
			p := parent(pid)
			if p == nil {
				continue
			}
			if p.last != i { // a brief naming a technique and its sub-technique counts once
				p.last = i
				p.count++
			}
			if tech.ID == pid {
				if !p.named {
					p.named = true
					named++
				}
				continue
			}
			var sub *matrixTech
			for _, x := range p.subs {
				if x.tech.ID == tech.ID {
					sub = x
				}
			}
			if sub == nil {
				sub = &matrixTech{tech: tech, term: t, named: true}
				p.subs = append(p.subs, sub)
				named++
			}
			sub.count++
		}
	}
	if len(parents) == 0 && !full {
		return nil
	}
	total := 0
	if full {
		// Every technique, named or not: parents first (IDs sort a
		// parent before its sub-techniques).
		for _, tech := range s.v.Techniques() {
			total++
			pid := tech.Parent()
			if pid == "" {
				parent(tech.ID)
				continue
			}
			p := parent(pid)
			if p == nil || slices.ContainsFunc(p.subs, func(x *matrixTech) bool { return x.tech.ID == tech.ID }) {
				continue
			}
			sub := &matrixTech{tech: tech}
			if tm, ok := s.ix.TermByKey(k.Name, tech.ID); ok {
				sub.term = tm
			}
			p.subs = append(p.subs, sub)
		}
	}
	most := 0
	for _, p := range parents {
		most = max(most, p.count)
	}
	m := &Matrix{Briefs: len(entries), Techniques: named, Counted: counted, Full: full, Total: total}
	if m.Counted && most > 0 {
		m.Legend = legend(most)
	}
	// Most named first, then by ID; the full matrix by name, as ATT&CK's.
	order := func(a, b *matrixTech) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.tech.ID, b.tech.ID))
	}
	if full {
		order = func(a, b *matrixTech) int {
			return cmp.Or(cmp.Compare(a.tech.Name, b.tech.Name), cmp.Compare(a.tech.ID, b.tech.ID))
		}
	}
	sorted := make([]*matrixTech, 0, len(parents))
	for _, p := range parents {
		slices.SortFunc(p.subs, order)
		sorted = append(sorted, p)
	}
	slices.SortFunc(sorted, order)

	// The cells are rendered straight into per-worker buffers, each
	// technique once (into arena) however many tactics it is under, and
	// copied from there into each column: a term page's matrix has tens to
	// hundreds of cells, and rendering each into a string of its own and
	// copying it on was a tenth of a 1,000-brief build's CPU. The HTML a
	// template is given from a buffer (a cell's sub-techniques, a column's
	// cells) is a view of that buffer (scratch), not a copy: the template
	// writes it into another buffer at once and keeps nothing.
	arena, cols := l.matrixArena[:0], l.matrixCols[:0]
	for _, ta := range s.v.Tactics() {
		cells := l.matrixCells[:0]
		n := 0
		for _, p := range sorted {
			if !slices.Contains(p.tech.Tactics, ta.Short) {
				continue
			}
			if p.hi == 0 {
				c := m.cell(s, p, most)
				if len(p.subs) > 0 {
					subs := l.matrixSubs[:0]
					open := false
					for _, sub := range p.subs {
						subs = l.append(subs, itemMatrixCell, m.cell(s, sub, most))
						open = open || sub.named
					}
					l.matrixSubs = subs
					c.Subs = scratch(subs)
					if full {
						c.Fold, c.Open = len(p.subs), open
					}
				}
				p.lo = len(arena)
				arena = l.append(arena, itemMatrixCell, c)
				p.hi = len(arena)
			}
			cells = append(cells, arena[p.lo:p.hi]...)
			n++
		}
		l.matrixCells = cells
		if n == 0 {
			continue
		}
		cols = l.append(cols, itemMatrixTactic, TacticColumn{ID: ta.ID, Name: ta.Name, Count: n, Cells: scratch(cells)})
		m.Tactics++
	}
	l.matrixArena = arena
	l.matrixCols = cols
	m.Columns = l.fragment(cols)
	return m
}

// scratch is the HTML in buf as a string sharing buf's memory, for a
// template that writes it elsewhere at once: buf must not change while
// the string is in use, and the string must not be kept.
func scratch(buf []byte) template.HTML {
	if len(buf) == 0 {
		return ""
	}
	return template.HTML(unsafe.String(&buf[0], len(buf)))
}

// cell is one technique's cell, without its sub-techniques; s makes its link.
func (m *Matrix) cell(s *stager, t *matrixTech, most int) MatrixCell {
	c := MatrixCell{ID: t.tech.ID, Name: t.tech.Name}
	if t.term != nil {
		c.URL = s.rel(t.term.URL)
	}
	if m.Counted && t.count > 0 {
		c.Count, c.Step = t.count, step(t.count, most)
	}
	return c
}

// step is the shade of a count: which quarter of the largest count it
// falls in, so the most named is always the strongest shade.
func step(n, most int) int {
	return (n*matrixSteps + most - 1) / most
}

// legend says which counts each shade stands for (the shades some count
// has).
func legend(most int) []Shade {
	var out []Shade
	for lo := 1; lo <= most; {
		st, hi := step(lo, most), lo
		for hi < most && step(hi+1, most) == st {
			hi++
		}
		label := fmt.Sprintf("%d–%d briefs", lo, hi)
		if lo == hi {
			label = fmt.Sprintf("%d brief%s", lo, plural(lo))
		}
		out = append(out, Shade{Step: st, Label: label})
		lo = hi + 1
	}
	return out
}
