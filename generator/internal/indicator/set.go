package indicator

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
)

// Set is one brief's network indicators (URLs, domains, IP and e-mail
// addresses), for finding them in its prose and links. Hashes and file
// names are not in it: no renderer turns them into links.
type Set struct {
	domains []string // lower case, without a trailing dot
	emails  []string // lower case
	ips     []string // as stored
	values  []value  // every indicator of the set, the longest first
}

type value struct{ typ, v, lower string }

// NewSet collects the network indicators of iocs.
func NewSet(iocs []brief.IOC) *Set {
	s := &Set{}
	for _, ioc := range iocs {
		if ioc.Value == "" {
			continue
		}
		lv := strings.ToLower(ioc.Value)
		switch ioc.Type {
		case "domain":
			s.domains = append(s.domains, strings.TrimSuffix(lv, "."))
		case "email":
			s.emails = append(s.emails, lv)
		case "ipv4", "ipv6":
			s.ips = append(s.ips, lv)
		case "url":
		default:
			continue
		}
		s.values = append(s.values, value{ioc.Type, ioc.Value, lv})
	}
	slices.SortStableFunc(s.values, func(a, b value) int { return cmp.Compare(len(b.v), len(a.v)) })
	return s
}

// Domains are the set's domain indicators, lower case: what the link render
// hook is given to recognise a link to one of them or to a subdomain.
func (s *Set) Domains() []string { return s.domains }

// Emails are the set's e-mail indicators, lower case, for the render hook.
func (s *Set) Emails() []string { return s.emails }

// domainOf returns the indicator domain that host (lower case) is, or is a
// subdomain of.
func (s *Set) domainOf(host string) (string, bool) {
	for _, d := range s.domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return d, true
		}
	}
	return "", false
}

// urlRe finds a URL's scheme and authority in prose: the part Text defangs.
var urlRe = regexp.MustCompile(`(?i)\b(https?|ftp)://(\[[0-9a-f:.]*\]|[^\s/?#<>()\[\]{}"'` + "`" + `\\|^]+)`)

// Text defangs text (Markdown or plain): every URL whose host is an IP
// address, an indicator of the set or a subdomain of one, or whose port is
// not its scheme's default, loses its live scheme and dots; then every
// occurrence of an indicator of the set is defanged where it is not part of
// a longer name ("evil.example" matches in "www.evil.example" and
// "ops@evil.example", not in "notevil.example"), in any letter case, as
// written. Links in Markdown keep their syntax: the render hook shows a
// link whose destination was defanged as text.
func (s *Set) Text(text string) string {
	if strings.Contains(text, "://") {
		text = s.defangURLs(text)
	}
	if len(s.values) == 0 || text == "" {
		return text
	}
	lower := strings.ToLower(text)
	for _, v := range s.values {
		if strings.Contains(lower, v.lower) {
			text = v.defangIn(text)
			lower = strings.ToLower(text)
		}
	}
	return text
}

func (s *Set) defangURLs(text string) string {
	ms := urlRe.FindAllStringSubmatchIndex(text, -1)
	if ms == nil {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		scheme, auth := text[m[2]:m[3]], strings.TrimRight(text[m[4]:m[5]], ".")
		if auth == "" {
			continue
		}
		a := auth
		if at := strings.LastIndexByte(a, '@'); at >= 0 {
			a = a[at+1:]
		}
		host, port := splitPort(a)
		host = strings.Trim(host, "[]")
		if _, ok := s.host(strings.ToLower(scheme), host, strings.TrimPrefix(port, ":")); !ok {
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString(defangScheme(scheme) + "://" + defangAuthority(auth))
		last = m[4] + len(auth)
	}
	b.WriteString(text[last:])
	return b.String()
}

// pattern matches the value where it is not part of a longer name; group 2
// is what to defang.
func (v value) pattern() *regexp.Regexp {
	q := regexp.QuoteMeta(v.v)
	const end = `($|[^A-Za-z0-9_.-]|\.(?:$|[^A-Za-z0-9]))`
	switch v.typ {
	case "domain": // with its subdomains, and as the domain of an address
		return regexp.MustCompile(`(?i)(^|[^A-Za-z0-9._%+@-])((?:[A-Za-z0-9._%+-]+@)?(?:[A-Za-z0-9_-]+\.)*` + q + `)` + end)
	case "email":
		return regexp.MustCompile(`(?i)(^|[^A-Za-z0-9._%+-])(` + q + `)` + end)
	case "ipv6":
		return regexp.MustCompile(`(?i)(^|[^A-Za-z0-9:._-])(` + q + `)($|[^A-Za-z0-9:_.-]|\.(?:$|[^A-Za-z0-9]))`)
	}
	return regexp.MustCompile(`(?i)(^|[^A-Za-z0-9._-])(` + q + `)` + end)
}

func (v value) defangIn(text string) string {
	re := v.pattern()
	for {
		ms := re.FindAllStringSubmatchIndex(text, -1)
		var b strings.Builder
		last, changed := 0, false
		for _, m := range ms {
			was := text[m[4]:m[5]]
			now := defangAs(v.typ, was)
			changed = changed || now != was
			b.WriteString(text[last:m[4]])
			b.WriteString(now)
			last = m[5]
		}
		if !changed {
			return text
		}
		b.WriteString(text[last:])
		text = b.String() // again: a match's boundary may start the next
	}
}

func defangAs(typ, s string) string {
	if typ == "domain" && strings.Contains(s, "@") {
		return defangEmail(s)
	}
	return Defang(typ, s)
}

// Finding is why a link points at an indicator.
type Finding struct {
	Reason string // "points at the IP address 203.0.113.9"
	Listed bool   // what it points at is listed under iocs:
}

var (
	controlRe = regexp.MustCompile(`[\x00-\x20\x7f]`)
	schemeRe  = regexp.MustCompile(`^([^/?#]*):`)
)

// Link reports whether a link whose destination is dest (as written in
// Markdown) points at an indicator, and why. Such a link is never live: the
// build shows it as defanged text. Web links (http, https, mailto and
// scheme-less "//host") are judged by every rule below, site paths only by
// what Text changes; no other scheme becomes a link anyway.
//
// The rules are the render hook's (layouts/_markup/render-link.html),
// applied to the destination as Hugo hands it to the hook (as written:
// goldmark resolves backslash escapes and entities only when it renders a
// link itself), without control characters: a host that is an IP address,
// an indicator domain or a subdomain of one; a port that is not the
// scheme's default; a mailto: to an indicator address or domain; a
// destination that cannot be parsed, or a web link without a host
// ("http:203.0.113.9", which browsers read as "http://203.0.113.9"). And
// what Text changes in dest, which the hook sees as a defanged
// destination: an indicator anywhere in it.
func (s *Set) Link(dest string) (Finding, bool) {
	d := controlRe.ReplaceAllString(dest, "")
	scheme := ""
	if m := schemeRe.FindStringSubmatch(d); m != nil {
		scheme = strings.ToLower(m[1])
	}
	web := scheme == "http" || scheme == "https" || scheme == "mailto" || (scheme == "" && strings.HasPrefix(d, "//"))
	if !web && scheme != "" {
		return Finding{}, false
	}
	if web {
		if f, ok := s.webLink(scheme, d); ok {
			f.Listed = f.Listed || s.holds(dest)
			return f, true
		}
	}
	if s.Text(dest) != dest {
		lower := strings.ToLower(dest)
		for _, v := range s.values {
			if strings.Contains(lower, v.lower) {
				return Finding{fmt.Sprintf(reasonHolds, v.v), true}, true
			}
		}
		return Finding{Reason: reasonInside}, true
	}
	if strings.Contains(d, Dot) || strings.Contains(d, Colon) || strings.Contains(d, At) {
		return Finding{Reason: reasonMarks}, true
	}
	return Finding{}, false
}

// webLink applies the rules of Link that read the parsed destination.
func (s *Set) webLink(scheme, d string) (Finding, bool) {
	u, err := url.Parse(d)
	if err != nil {
		return Finding{Reason: reasonParse}, true
	}
	if scheme != "mailto" {
		if u.Host == "" {
			return Finding{Reason: reasonNoHost}, true
		}
		return s.host(scheme, u.Hostname(), u.Port())
	}
	addr := strings.ToLower(u.Opaque)
	if slices.Contains(s.emails, addr) {
		return Finding{fmt.Sprintf(reasonEmail, addr), true}, true
	}
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		if dom, ok := s.domainOf(strings.TrimSuffix(addr[at+1:], ".")); ok {
			return Finding{fmt.Sprintf(reasonMailTo, dom), true}, true
		}
	}
	return Finding{}, false
}

// holds reports whether text contains an indicator of the set.
func (s *Set) holds(text string) bool {
	lower := strings.ToLower(text)
	for _, v := range s.values {
		if strings.Contains(lower, v.lower) {
			return true
		}
	}
	return false
}

// host judges a URL's host and port (without the colon).
func (s *Set) host(scheme, host, port string) (Finding, bool) {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	switch {
	case host == "":
		return Finding{}, false
	case IPHost(host):
		return Finding{fmt.Sprintf(reasonIP, host), slices.Contains(s.ips, host)}, true
	}
	if d, ok := s.domainOf(host); ok {
		if d == host {
			return Finding{fmt.Sprintf(reasonHost, host), true}, true
		}
		return Finding{fmt.Sprintf(reasonSubdom, host, d), true}, true
	}
	if !standardPort(scheme, port) {
		return Finding{fmt.Sprintf(reasonPort, port), false}, true
	}
	return Finding{}, false
}
