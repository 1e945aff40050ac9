// Package indicator is how the generator treats indicators of compromise
// that people write: it defangs them for reading, in one style everywhere;
// it refangs what authors and reports wrote defanged; and it finds where an
// indicator would otherwise become a live link.
//
// It accepts indicator values as briefs store them (refanged, typed as
// brief.IOC types) and text as authors write it: Markdown bodies, titles,
// summaries, link destinations. The one defanging style, on every page,
// feed and export:
//
//   - schemes: http → hxxp, https → hxxps, ftp → fxp;
//   - every dot of a host name or IPv4 address → [.];
//   - every colon of an IPv6 address → [:];
//   - the @ of an e-mail address or of a URL's user → [@];
//   - paths, queries, hashes and file names stay as written.
//
// Refang undoes that style and the other marks in common use; they are one
// table (marks), which Defanged reads too. A Set holds one brief's
// indicators: Text defangs them in prose, with every URL whose host is an IP
// address, an indicator or a subdomain of one, or whose port is not the
// scheme's own; Link says whether a link destination points at an
// indicator, and why. The site's link render hook
// (layouts/_markup/render-link.html) applies Link's rules when Hugo renders
// a link, from the domains and e-mail addresses Set.Domains and Set.Emails
// give it; tests keep the two agreeing.
package indicator

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// The marks Defang writes.
const (
	Dot   = "[.]"
	At    = "[@]"
	Colon = "[:]"
)

// marks is the one table of defanging marks and what each stands for.
// Refang undoes every one, in any letter case, the longest first; Defanged
// reports any. Defang writes only Dot, At and Colon (the first of each).
var marks = []struct{ mark, plain string }{
	{Dot, "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."}, {"(dot)", "."},
	{"[ . ]", "."}, {"[ .]", "."}, {"[. ]", "."},
	{At, "@"}, {"[at]", "@"},
	{Colon, ":"}, {"[://]", "://"}, {"[:]//", "://"},
}

// schemes are the defanged spellings of URL schemes.
var schemes = []struct{ defanged, plain string }{{"hxxps", "https"}, {"hxxp", "http"}, {"fxp", "ftp"}}

var (
	markRe    = markPattern()
	markPlain = func() map[string]string {
		m := map[string]string{}
		for _, mk := range marks {
			m[mk.mark] = mk.plain
		}
		return m
	}()
	// defangedSchemeRe: a text that starts with a defanged scheme.
	defangedSchemeRe = regexp.MustCompile(`(?i)^(?:hxxps?|fxp)`)
)

func markPattern() *regexp.Regexp {
	ms := make([]string, len(marks))
	for i, mk := range marks {
		ms[i] = mk.mark
	}
	slices.SortStableFunc(ms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for i, m := range ms {
		ms[i] = regexp.QuoteMeta(m)
	}
	return regexp.MustCompile(`(?i)` + strings.Join(ms, "|"))
}

// Refang undoes defanging: every mark of the table, and a defanged scheme
// at the start ("hxxps[:]//evil[.]example" → "https://evil.example"), so
// that indicators are stored machine-usable.
func Refang(s string) string {
	s = markRe.ReplaceAllStringFunc(s, func(m string) string { return markPlain[strings.ToLower(m)] })
	lower := strings.ToLower(s)
	for _, sc := range schemes {
		if strings.HasPrefix(lower, sc.defanged+"://") {
			return sc.plain + s[len(sc.defanged):]
		}
	}
	return s
}

// Defanged reports whether s carries a defanging mark or starts with a
// defanged scheme (hxxp, hxxps, fxp).
func Defanged(s string) bool {
	return markRe.MatchString(s) || defangedSchemeRe.MatchString(s)
}

// Defang renders an indicator of type typ (a brief.IOC type) harmless to
// click or auto-link, in the package's style: "https://evil.example/x.php"
// → "hxxps://evil[.]example/x.php", "203.0.113.44" → "203[.]0[.]113[.]44",
// "ops@mail.example" → "ops[@]mail[.]example", "2001:db8::1" →
// "2001[:]db8[:][:]1". Hashes and file names are returned as they are; any
// other type is read as a URL, with or without a scheme.
func Defang(typ, v string) string {
	switch typ {
	case "md5", "sha1", "sha256", "filename":
		return v
	case "ipv4", "domain":
		return defangHost(v)
	case "ipv6":
		return strings.ReplaceAll(v, ":", Colon)
	case "email":
		return defangEmail(v)
	}
	return defangURL(v)
}

func defangHost(h string) string { return strings.ReplaceAll(h, ".", Dot) }

func defangEmail(v string) string {
	at := strings.LastIndexByte(v, '@')
	if at < 0 {
		return defangHost(v)
	}
	return v[:at] + At + defangHost(v[at+1:])
}

func defangScheme(s string) string {
	s = strings.ToLower(s)
	for _, sc := range schemes {
		if s == sc.plain {
			return sc.defanged
		}
	}
	return s
}

// defangURL defangs the scheme and the authority (user, host, port) of a
// URL; the rest stays as written.
func defangURL(v string) string {
	scheme, rest := "", v
	if i := strings.Index(v, "://"); i >= 0 {
		scheme, rest = defangScheme(v[:i])+"://", v[i+3:]
	} else if strings.HasPrefix(v, "//") { // scheme-relative
		scheme, rest = "//", v[2:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	return scheme + defangAuthority(rest[:end]) + rest[end:]
}

// defangAuthority defangs "user@host:port".
func defangAuthority(a string) string {
	user := ""
	if at := strings.LastIndexByte(a, '@'); at >= 0 {
		user, a = a[:at]+At, a[at+1:]
	}
	host, port := splitPort(a)
	if strings.HasPrefix(host, "[") {
		return user + strings.ReplaceAll(host, ":", Colon) + port
	}
	return user + defangHost(host) + port
}

// splitPort splits "host:port" ("[v6]:port") into host and ":port".
func splitPort(hp string) (host, port string) {
	i := strings.LastIndexByte(hp, ':')
	if i < 0 || strings.Contains(hp[i:], "]") || strings.Trim(hp[i+1:], "0123456789") != "" {
		return hp, ""
	}
	if !strings.HasPrefix(hp, "[") && strings.Count(hp, ":") > 1 {
		return hp, "" // a bare IPv6 address
	}
	return hp[:i], hp[i:]
}

// ipv4Like is a host a browser reads as an IPv4 address: its last label is
// a number, decimal or 0x-hexadecimal (the WHATWG URL Standard's "ends in a
// number"), so "203.0.113.9", "3405803785" and "0xcb.0.113.9" all match.
// The link render hook, layouts/_markup/render-link.html, holds the same
// expression (TestCheckWarnsAboutTheLinksBuildDefangs, in generator/, holds the
// two to the same answers).
var ipv4Like = regexp.MustCompile(`^(?:.*\.)?(?:0[xX][0-9a-fA-F]*|[0-9]+)\.?$`)

// IPHost reports whether a URL's host (as url.URL.Hostname gives it, or
// with the brackets of an IPv6 literal) is an IP address.
func IPHost(host string) bool {
	return strings.Contains(host, ":") || ipv4Like.MatchString(host)
}

// standardPort reports whether port (without the colon) is the default of
// scheme; "" always is. A scheme-less ("//host") link may use either web
// port.
func standardPort(scheme, port string) bool {
	switch port {
	case "":
		return true
	case "80":
		return scheme == "http" || scheme == ""
	case "443":
		return scheme == "https" || scheme == ""
	case "21":
		return scheme == "ftp"
	}
	return false
}

// Reasons carried by Finding.
const (
	reasonIP     = "points at the IP address %s"
	reasonHost   = "points at %s, listed under iocs:"
	reasonSubdom = "points at %s, a subdomain of %s listed under iocs:"
	reasonPort   = "uses the non-standard port %s"
	reasonEmail  = "is the e-mail address %s, listed under iocs:"
	reasonMailTo = "mails an address at %s, listed under iocs:"
	reasonHolds  = "contains the indicator %s, listed under iocs:"
	reasonInside = "contains a URL that points at an indicator"
	reasonMarks  = "is written defanged"
	reasonParse  = "is not a URL a browser could follow"
	reasonNoHost = "names no host, and a browser would read what follows the scheme as one"
)

// Prose returns a copy of b whose prose shows every indicator defanged (see
// Set.Text): title, summary, body, source titles and indicator notes. The
// indicators themselves stay as stored, refanged.
func Prose(b brief.Brief) brief.Brief {
	s := NewSet(b.IOCs)
	b.Title, b.Summary, b.Body = s.Text(b.Title), s.Text(b.Summary), s.Text(b.Body)
	if len(b.Sources) > 0 {
		b.Sources = slices.Clone(b.Sources)
		for i := range b.Sources {
			b.Sources[i].Title = s.Text(b.Sources[i].Title)
		}
	}
	if len(b.IOCs) > 0 {
		b.IOCs = slices.Clone(b.IOCs)
		for i := range b.IOCs {
			b.IOCs[i].Note = s.Text(b.IOCs[i].Note)
		}
	}
	return b
}
