package stix

import "github.com/threatbriefs/threatbriefs/generator/internal/index"

// TermBundle is the bundle the term would have of its own (bundler.term),
// for a term named by one brief too, which the exporter does not write:
// the tests check what it would hold, and that its brief's bundle holds it.
func TermBundle(g *Graph, t *index.Term) ([]byte, error) {
	data, err := g.bundler().term(t)
	return append([]byte(nil), data...), err
}
