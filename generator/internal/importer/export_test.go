package importer

import (
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
)

// RoundTrip writes s as a front-matter value and reads it back with the
// real loader (for the fuzz tests in package importer_test).
func RoundTrip(s string) (string, bool) {
	var diags diag.List
	doc, ok := load.Parse("content/briefs/2024/x.md", []byte("---\ntitle: "+scalar(s)+"\n---\n"), &diags)
	if !ok || len(doc.Items) != 1 {
		return "", false
	}
	v, ok := doc.Items[0].Value.(string)
	return v, ok
}
