// Package project finds the root directory of a Threat Briefs project.
//
// It accepts a starting directory (usually the working directory). A
// project root is a directory holding both config.toml and a content/
// directory; Root walks up from the start, as git looks for .git, and
// returns the first such directory, so every command works the same from
// any subdirectory of a project (content/, content/briefs/2024/, layouts/).
package project

import (
	"fmt"
	"os"
	"path/filepath"
)

// NotFoundError is returned by Root when neither the start directory nor any
// parent is a project root.
type NotFoundError struct{ Start string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("not inside a Threat Briefs project: no config.toml with a content/ directory in %s or any parent; run from the project or pass -s DIR", e.Start)
}

// Root returns the nearest directory, from start upwards, that holds
// config.toml and content/, as an absolute path.
func Root(start string) (string, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return "", fmt.Errorf("project: %w", err)
	}
	for dir := abs; ; {
		if IsRoot(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", &NotFoundError{Start: abs}
		}
		dir = parent
	}
}

// IsRoot reports whether dir holds config.toml (a file) and content/ (a
// directory).
func IsRoot(dir string) bool {
	cfg, err := os.Stat(filepath.Join(dir, "config.toml"))
	if err != nil || cfg.IsDir() {
		return false
	}
	content, err := os.Stat(filepath.Join(dir, "content"))
	return err == nil && content.IsDir()
}
