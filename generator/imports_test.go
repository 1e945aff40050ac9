package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Hugo is imported by exactly one package (internal/render); the stages
// around it stay testable without it.
func TestHugoIsImportedByOnePackage(t *testing.T) {
	importers := map[string]bool{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/gohugoio/hugo") {
				importers[filepath.ToSlash(filepath.Dir(p))] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(importers) != 1 || !importers["internal/render"] {
		t.Errorf("packages importing Hugo: %v; want only internal/render", importers)
	}
}
