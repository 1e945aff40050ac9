package validate_test

import (
	"slices"
	"strings"
	"testing"

	br "github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
)

type noPages struct{}

func (noPages) Published(string) bool            { return false }
func (noPages) Restricted(string) (br.TLP, bool) { return "", false }

// A link that points at an indicator is a warning on its line, whichever
// way Markdown writes it; a URL in code is not a link.
func TestBodyLinksToIndicators(t *testing.T) {
	t.Parallel()
	body := strings.Join([]string{
		"Beacons to https://evil.example/gate.php.", // 10: bare, linkified
		"[c2][ref] and <http://203.0.113.9/x>",      // 11: autolink
		"",                                          // 12
		"[ref]: https://cdn.evil.example/",          // 13: reference definition
		"`curl http://203.0.113.9/x` is code",       // 14
		"```",                                       // 15
		"wget http://203.0.113.9/y",                 // 16: fenced
		"```",                                       // 17
		"    nc 198.51.100.7 4444 http://198.51.100.7:4444/",                // 18: indented code
		"[Report](https://labs.example.org/post) from ops@labs.example.org", // 19
	}, "\n")
	b := br.Brief{File: "content/briefs/2024/x.md", BodyLine: 10, Body: body,
		IOCs: []br.IOC{{Type: "domain", Value: "evil.example"}}}
	var got []string
	for _, d := range validate.BodyLinks([]br.Brief{b}, noPages{}, taxonomy.Kinds()).Items() {
		got = append(got, d.String())
	}
	const file = "content/briefs/2024/x.md"
	want := []string{
		file + `:10: warning: body: link "https://evil.example/gate.php" points at evil.example, listed under iocs:; write it as text; links to indicators are never made live`,
		file + `:11: warning: body: link "http://203.0.113.9/x" points at the IP address 203.0.113.9; list it under iocs: and write it as text; links to indicators are never made live`,
		file + `:13: warning: body: link "https://cdn.evil.example/" points at cdn.evil.example, a subdomain of evil.example listed under iocs:; write it as text; links to indicators are never made live`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
