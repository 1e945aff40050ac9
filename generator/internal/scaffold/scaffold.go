// Package scaffold writes a new, empty brief for an author to fill in.
//
// It accepts the site's kinds, a title and a date and writes
// content/briefs/YYYY/<slug>.md under a project directory, with every
// field of the brief schema (taxonomy.Table.BriefFields: brief.Fields and
// the kinds' term lists) present and documented by a comment, and refuses
// to overwrite an existing file. The
// same text, with Hugo template actions for the title and date, is the
// project's Hugo archetype for briefs (Archetype, ArchetypeFile).
package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/slug"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// ErrExists is returned (wrapped) when the brief's file already exists.
var ErrExists = errors.New("a brief with that slug already exists")

// Text returns the scaffold of a brief.
func Text(ks taxonomy.Table, title string, date time.Time) string {
	return fill(ks, escape(title), date.Format("2006-01-02"))
}

// ArchetypeFile is where the brief archetype lives, relative to the project
// root; config.toml's archetypeDir points at its directory. The top level of
// the project holds only content/, layouts/, assets/ and generator/, so the
// archetype is kept with the generator rather than in Hugo's archetypes/.
const ArchetypeFile = "generator/archetypes/briefs.md"

// Archetype returns the scaffold as a Hugo archetype, for tools that create
// content the Hugo way (hugo new content briefs/2025/slug.md, CMS editors that
// read archetypes): the text of Text, with Hugo template actions for the
// title (from the file name, as Hugo's default archetype makes it) and for
// today's date. A slug holds no quote or backslash, so the title needs no
// escaping inside its YAML quotes.
func Archetype(ks taxonomy.Table) string {
	return fill(ks, "{{ replace .File.ContentBaseName `-` ` ` | title }}", `{{ now.Format "2006-01-02" }}`)
}

// fill writes the scaffold with the given title (already escaped for a
// double-quoted YAML string) and date.
func fill(ks taxonomy.Table, title, date string) string {
	var b strings.Builder
	b.WriteString("---\n")
	for _, f := range ks.BriefFields() {
		if f.Example == "" {
			continue // optional keys with no useful default are documented below
		}
		fmt.Fprintf(&b, "# %s%s\n", f.Doc, requiredNote(f))
		for _, s := range f.Sub {
			fmt.Fprintf(&b, "#   %s: %s\n", s.Key, s.Doc)
		}
		val := strings.ReplaceAll(f.Example, "%TITLE%", title)
		val = strings.ReplaceAll(val, "%DATE%", date)
		fmt.Fprintf(&b, "%s: %s\n", f.Key, val)
	}
	b.WriteString("# Optional: updated: YYYY-MM-DD (last substantive revision); slug: url-name (defaults to the file name).\n")
	b.WriteString("---\n\n")
	b.WriteString("## What happened\n\n## How they got in\n\n## Why it matters\n\n## What to do\n")
	return b.String()
}

func requiredNote(f brief.Field) string {
	if f.Required {
		return " (required)"
	}
	return ""
}

// escape makes a title safe inside a double-quoted YAML string.
func escape(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// Write creates the brief under projectDir and returns its path.
func Write(projectDir string, ks taxonomy.Table, title string, date time.Time) (string, error) {
	s := slug.File(title)
	if s == "" {
		return "", fmt.Errorf("new: the title %q has no letters or digits to make a file name from", title)
	}
	rel := filepath.Join("content", "briefs", strconv.Itoa(date.Year()), s+".md")
	p := filepath.Join(projectDir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("new: %w", err)
	}
	// Slugs are unique across years: refuse one used in any year.
	matches, _ := fs.Glob(os.DirFS(projectDir), "content/briefs/*/"+s+".md")
	if len(matches) > 0 {
		return "", fmt.Errorf("new: %s: %w", matches[0], ErrExists)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("new: %s: %w", rel, ErrExists)
		}
		return "", fmt.Errorf("new: %w", err)
	}
	if _, err := f.WriteString(Text(ks, title, date)); err != nil {
		f.Close()
		return "", fmt.Errorf("new: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("new: %w", err)
	}
	return rel, nil
}
