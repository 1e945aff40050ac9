package stage

import (
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

func TestDefang(t *testing.T) {
	for _, tc := range []struct{ typ, in, want string }{
		{"ipv4", "203.0.113.44", "203.0.113[.]44"},
		{"domain", "evil.example", "evil[.]example"},
		{"domain", "a.b.evil.example", "a.b.evil[.]example"},
		{"url", "https://evil.example/x", "hxxps://evil[.]example/x"},
		{"url", "HTTP://evil.example/a.php?q=b.c", "hxxp://evil[.]example/a.php?q=b.c"},
		{"url", "ftp://user@files.example/p", "fxp://user[@]files[.]example/p"},
		{"url", "http://203.0.113.9:8080/x", "hxxp://203.0.113[.]9:8080/x"},
		{"email", "wowsmith123456@posteo.net", "wowsmith123456[@]posteo[.]net"},
		{"ipv6", "2001:db8::1", "2001[:]db8[:][:]1"},
		{"sha256", "ab12", "ab12"},
		{"filename", "perfc.dat", "perfc.dat"},
	} {
		if got := Defang(tc.typ, tc.in); got != tc.want {
			t.Errorf("Defang(%s, %q) = %q, want %q", tc.typ, tc.in, got, tc.want)
		}
	}
}

func TestDefangText(t *testing.T) {
	iocs := []brief.IOC{
		{Type: "url", Value: "https://evil.example/x"},
		{Type: "domain", Value: "evil.example"},
		{Type: "ipv4", Value: "203.0.113.44"},
	}
	for _, tc := range []struct{ in, want string }{
		{"Payload from https://evil.example/x today.", "Payload from hxxps://evil[.]example/x today."},
		{"C2 at evil.example.", "C2 at evil[.]example."},
		{"[here](https://evil.example/x)", "[here](hxxps://evil[.]example/x)"},
		{"notevil.example.org and evil.example.org stay", "notevil.example.org and evil.example.org stay"},
		{"203.0.113.44 and 203.0.113.445", "203.0.113[.]44 and 203.0.113.445"},
		{"evil.example evil.example", "evil[.]example evil[.]example"},
	} {
		if got := DefangText(tc.in, iocs); got != tc.want {
			t.Errorf("DefangText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
