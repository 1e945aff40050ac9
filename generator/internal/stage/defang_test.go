package stage

import "testing"

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
