package indicator

import (
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

func TestDefang(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ typ, in, want string }{
		{"ipv4", "203.0.113.44", "203[.]0[.]113[.]44"},
		{"domain", "evil.example", "evil[.]example"},
		{"domain", "a.b.evil.example", "a[.]b[.]evil[.]example"},
		{"url", "https://evil.example/x", "hxxps://evil[.]example/x"},
		{"url", "HTTP://evil.example/a.php?q=b.c", "hxxp://evil[.]example/a.php?q=b.c"},
		{"url", "ftp://user@files.example/p", "fxp://user[@]files[.]example/p"},
		{"url", "http://203.0.113.9:8080/x.php", "hxxp://203[.]0[.]113[.]9:8080/x.php"},
		{"url", "http://[2001:db8::1]:8080/", "hxxp://[2001[:]db8[:][:]1]:8080/"},
		{"url", "tcp://198.51.100.7:4444", "tcp://198[.]51[.]100[.]7:4444"},
		{"url", "//203.0.113.9/x.php", "//203[.]0[.]113[.]9/x.php"},
		{"email", "wowsmith123456@posteo.net", "wowsmith123456[@]posteo[.]net"},
		{"ipv6", "2001:db8::1", "2001[:]db8[:][:]1"},
		{"sha256", "ab12", "ab12"},
		{"filename", "perfc.dat", "perfc.dat"},
	} {
		if got := Defang(tc.typ, tc.in); got != tc.want {
			t.Errorf("Defang(%s, %q) = %q, want %q", tc.typ, tc.in, got, tc.want)
		}
		if got := Refang(Defang(tc.typ, tc.in)); !strings.EqualFold(got, tc.in) {
			t.Errorf("Refang(Defang(%s, %q)) = %q", tc.typ, tc.in, got)
		}
	}
}

// The marks written by reports and analysts, from validate's and the
// importer's former rules (one table now).
func TestRefang(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"hxxps://evil[.]example/x":      "https://evil.example/x",
		"hXXp[:]//198.51.100[.]2/gate":  "http://198.51.100.2/gate",
		"hxxp[://]evil(.)example":       "http://evil.example",
		"fxp://files{.}example":         "ftp://files.example",
		"evil[dot]example(dot)com":      "evil.example.com",
		"evil[DOT]example":              "evil.example",
		"evil[ . ]example[ .]com[. ]uk": "evil.example.com.uk",
		"ops[@]mail[.]example":          "ops@mail.example",
		"ops[at]mail[.]example":         "ops@mail.example",
		"ops[AT]mail[.]example":         "ops@mail.example",
		"2001[:]db8[:][:]1":             "2001:db8::1",
		"https://plain.example/":        "https://plain.example/",
		"hxxpfoo":                       "hxxpfoo",
	} {
		if got := Refang(in); got != want {
			t.Errorf("Refang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefanged(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"evil[.]example": true, "hxxp://x": true, "HXXPS://x": true, "fxp://x": true, "a(dot)b": true, "x[AT]y": true,
		"evil.example": false, "http://x.example": false, "(see [1])": false,
	} {
		if got := Defanged(in); got != want {
			t.Errorf("Defanged(%q) = %v, want %v", in, got, want)
		}
	}
}

// Defang writes only marks of the table, so Refang and Defanged know them.
func TestDefangWritesMarksOfTheTable(t *testing.T) {
	t.Parallel()
	for _, m := range []string{Dot, At, Colon} {
		if markPlain[m] == "" {
			t.Errorf("%q is not in the table of marks", m)
		}
	}
}

var testSet = NewSet([]brief.IOC{
	{Type: "url", Value: "https://evil-c2.example.net/gate.php"},
	{Type: "url", Value: "https://github.com/evil/repo"},
	{Type: "domain", Value: "evil.example"},
	{Type: "ipv4", Value: "203.0.113.44"},
	{Type: "email", Value: "ops@mail.example"},
	{Type: "sha256", Value: "ab12ab12"},
	{Type: "filename", Value: "perfc.dat"},
})

func TestText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"beaconed to https://evil-c2.example.net/gate.php every hour", "beaconed to hxxps://evil-c2[.]example[.]net/gate.php every hour"},
		{"Payload from https://evil-c2.example.net/gate.php?id=1.", "Payload from hxxps://evil-c2[.]example[.]net/gate.php?id=1."},
		{"C2 at evil.example.", "C2 at evil[.]example."},
		{"C2 at EVIL.Example and www.evil.example", "C2 at EVIL[.]Example and www[.]evil[.]example"},
		{"mail from root@evil.example", "mail from root[@]evil[.]example"},
		{"[here](https://evil.example/x)", "[here](hxxps://evil[.]example/x)"},
		{"[stage two](http://203.0.113.9/x)", "[stage two](hxxp://203[.]0[.]113[.]9/x)"},
		{"<http://198.51.100.7/a.php>", "<hxxp://198[.]51[.]100[.]7/a.php>"},
		{"see https://files.example.com:8443/p", "see hxxps://files[.]example[.]com:8443/p"},
		{"[v6](http://[2001:db8::1]/x)", "[v6](hxxp://[2001[:]db8[:][:]1]/x)"},
		{"http://3405803785/ and http://0xcb.0.113.9/", "hxxp://3405803785/ and hxxp://0xcb[.]0[.]113[.]9/"},
		{"clone https://github.com/evil/repo today, read https://github.com/about", "clone hxxps://github[.]com/evil/repo today, read https://github.com/about"},
		{"https://www.virustotal.com/gui/domain/evil.example", "https://www.virustotal.com/gui/domain/evil[.]example"},
		{"write to ops@mail.example", "write to ops[@]mail[.]example"},
		{"notevil.example.org and evil.example.org stay", "notevil.example.org and evil.example.org stay"},
		{"203.0.113.44 and 203.0.113.445", "203[.]0[.]113[.]44 and 203.0.113.445"},
		{"evil.example evil.example", "evil[.]example evil[.]example"},
		{"https://example.org:443/ and http://example.org:80/ stay", "https://example.org:443/ and http://example.org:80/ stay"},
		{"perfc.dat and ab12ab12 are not links", "perfc.dat and ab12ab12 are not links"},
	} {
		if got := testSet.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestLink(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dest, reason string
		listed       bool
	}{
		{"https://evil-c2.example.net/gate.php", "contains the indicator https://evil-c2.example.net/gate.php, listed under iocs:", true},
		{"http://203.0.113.9/x", "points at the IP address 203.0.113.9", false},
		{"http://203.0.113.44/", "points at the IP address 203.0.113.44", true},
		// Hugo gives the hook a destination as written: the host of the
		// first is "203&" (# starts the fragment), which no browser
		// reads as an address; Go refuses the second's backslash.
		{"http://203&#46;0.113.9/", "", false},
		{`http://203\.0.113.9/`, "is not a URL a browser could follow", false},
		{"http://%32%30%33.0.113.9/", "is not a URL a browser could follow", false}, // Go (and Hugo) refuse escapes in a host
		{"http://3405803785/", "points at the IP address 3405803785", false},
		{"//[2001:db8::1]/x", "points at the IP address 2001:db8::1", false},
		{"https://evil.example/", "points at evil.example, listed under iocs:", true},
		{"https://cdn.EVIL.example./", "points at cdn.evil.example, a subdomain of evil.example listed under iocs:", true},
		{"https://files.example.com:8443/p", "uses the non-standard port 8443", false},
		{"mailto:ops@mail.example", "is the e-mail address ops@mail.example, listed under iocs:", true},
		{"mailto:x@evil.example?subject=hi", "mails an address at evil.example, listed under iocs:", true},
		{"https://www.virustotal.com/gui/domain/evil.example", "contains the indicator evil.example, listed under iocs:", true},
		{"https://r.example/?u=http://198.51.100.7/", "contains a URL that points at an indicator", false},
		{"https://example.org/a[.]b", "is written defanged", false},
		{"http://[::1", "is not a URL a browser could follow", false},
		{"http:203.0.113.9/x", "names no host, and a browser would read what follows the scheme as one", false},
		{"//203.0.113.9/x", "points at the IP address 203.0.113.9", false},
		{"https://cyberscoop.com/story", "", false},
		{"https://example.org:443/", "", false},
		{"/briefs/x/", "", false},
		{"mirror/evil.example/", "contains the indicator evil.example, listed under iocs:", true},
		{"hxxp://evil.example/", "", false}, // not a web link: shown as text anyway
		{"javascript:alert(1)", "", false},
	} {
		f, ok := testSet.Link(tc.dest)
		if ok != (tc.reason != "") || f.Reason != tc.reason || f.Listed != tc.listed {
			t.Errorf("Link(%q) = %+v, %v; want %q (listed %v)", tc.dest, f, ok, tc.reason, tc.listed)
		}
	}
}

// A link Link flags is one Text changes or the hook's own rules catch; a
// link Text changes is one Link flags (check and build agree).
func TestLinkFlagsWhatTextDefangs(t *testing.T) {
	t.Parallel()
	for _, dest := range []string{
		"https://evil-c2.example.net/gate.php", "http://198.51.100.7/a.php", "https://www.evil.example/",
		"https://files.example.com:8443/p", "mailto:ops@mail.example", "https://github.com/evil/repo/issues",
		"https://github.com/about", "https://cyberscoop.com/x",
	} {
		_, flagged := testSet.Link(dest)
		if changed := testSet.Text(dest) != dest; flagged != changed {
			t.Errorf("%q: Link flags it %v, Text changes it %v", dest, flagged, changed)
		}
	}
}

func TestProse(t *testing.T) {
	t.Parallel()
	b := brief.Brief{
		Title: "Campaign at evil.example", Summary: "Beacons to https://evil.example/x.", Body: "See 203.0.113.44.",
		IOCs:    []brief.IOC{{Type: "domain", Value: "evil.example", Note: "also evil.example:8443"}, {Type: "ipv4", Value: "203.0.113.44"}},
		Sources: []brief.Source{{Name: "Labs", Title: "On evil.example", URL: "https://labs.example.org/evil.example"}},
	}
	p := Prose(b)
	for got, want := range map[string]string{
		p.Title: "Campaign at evil[.]example", p.Summary: "Beacons to hxxps://evil[.]example/x.", p.Body: "See 203[.]0[.]113[.]44.",
		p.IOCs[0].Note: "also evil[.]example:8443", p.IOCs[0].Value: "evil.example", p.Sources[0].Title: "On evil[.]example",
		p.Sources[0].URL: "https://labs.example.org/evil.example",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if b.IOCs[0].Note != "also evil.example:8443" || b.Sources[0].Title != "On evil.example" {
		t.Error("Prose changed the brief it was given")
	}
}
