package verify

import (
	"os"
	"testing"
)

// BenchmarkLinks checks a built site's links; point THREATBRIEFS_VERIFY_DIR
// at one (e.g. the output of a 10,000-brief build).
func BenchmarkLinks(b *testing.B) {
	dir := os.Getenv("THREATBRIEFS_VERIFY_DIR")
	if dir == "" {
		b.Skip("set THREATBRIEFS_VERIFY_DIR to a built site")
	}
	for range b.N {
		broken, err := Links(dir, Options{BaseURL: "https://threatbriefs.example.org/"})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(broken)), "broken")
	}
}
