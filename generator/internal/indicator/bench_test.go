package indicator

import (
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// BenchmarkProse defangs a brief of the size and shape the synthetic
// corpus (package synth) writes: 2 KB of prose, one indicator, two sources.
func BenchmarkProse(b *testing.B) {
	body := strings.Repeat("The actor moved laterally through the network and staged data for exfiltration. ", 25)
	br := brief.Brief{Title: "Synthetic brief 00500", Summary: strings.Repeat("A summary sentence. ", 8), Body: body,
		IOCs:    []brief.IOC{{Type: "ipv4", Value: "198.51.2.1", Note: "synthetic"}},
		Sources: []brief.Source{{Name: "A", URL: "https://example.org/a/1"}, {Name: "B", Title: "A report", URL: "https://example.org/b/2"}}}
	b.ReportAllocs()
	for b.Loop() {
		Prose(br)
	}
}
