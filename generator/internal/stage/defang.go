package stage

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// Defang renders an indicator harmless to click or auto-link, in the style
// CTI reports use: the scheme becomes hxxp(s)/fxp, the last dot of the host
// becomes [.], and @ becomes [@]; a path keeps its dots
// ("https://evil.example/x.php" → "hxxps://evil[.]example/x.php",
// "203.0.113.44" → "203.0.113[.]44"). IPv6 colons become [:]. Hashes and
// file names are returned as they are.
func Defang(typ, v string) string {
	switch typ {
	case "md5", "sha1", "sha256", "filename":
		return v
	case "ipv6":
		return strings.ReplaceAll(v, ":", "[:]")
	case "email":
		at := strings.LastIndexByte(v, '@')
		if at < 0 {
			return bracketLastDot(v)
		}
		return v[:at] + "[@]" + bracketLastDot(v[at+1:])
	}
	scheme, rest := "", v
	if i := strings.Index(v, "://"); i >= 0 {
		scheme, rest = strings.ToLower(v[:i]), v[i+3:]
		switch scheme {
		case "http":
			scheme = "hxxp"
		case "https":
			scheme = "hxxps"
		case "ftp":
			scheme = "fxp"
		}
		scheme += "://"
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	host, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(host, '@'); at >= 0 { // user@host
		host = host[:at] + "[@]" + host[at+1:]
	}
	return scheme + bracketLastDot(host) + tail
}

func bracketLastDot(s string) string {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return s
	}
	return s[:i] + "[.]" + s[i+1:]
}

// DefangText defangs every occurrence of the brief's network indicators in
// text (a brief's body), so an indicator an author also wrote in prose is
// never a live link. Longer indicators go first, so a URL is defanged whole
// before its host could be; matches must not be part of a longer name
// ("evil.example" does not match inside "notevil.example.org").
func DefangText(text string, iocs []brief.IOC) string {
	type rep struct{ from, to string }
	var reps []rep
	for _, ioc := range iocs {
		switch ioc.Type {
		case "url", "domain", "ipv4", "ipv6", "email":
			reps = append(reps, rep{ioc.Value, Defang(ioc.Type, ioc.Value)})
		}
	}
	slices.SortFunc(reps, func(a, b rep) int { return cmp.Compare(len(b.from), len(a.from)) })
	for _, r := range reps {
		if r.from == "" || r.from == r.to || !strings.Contains(text, r.from) {
			continue
		}
		re := regexp.MustCompile(`(^|[^A-Za-z0-9._-])` + regexp.QuoteMeta(r.from) + `($|[^A-Za-z0-9_.-]|\.(?:$|[^A-Za-z0-9]))`)
		to := strings.ReplaceAll(r.to, "$", "$$")
		for re.MatchString(text) {
			text = re.ReplaceAllString(text, "${1}"+to+"${2}")
		}
	}
	return text
}
