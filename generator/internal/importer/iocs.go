package importer

import (
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	ioc "github.com/threatbriefs/threatbriefs/generator/internal/indicator"
)

// indicator is one IOC found in the report.
type indicator struct {
	brief.IOC
	Written string // the token as the report wrote it
	Live    bool   // written without defanging
}

var (
	domainRe = regexp.MustCompile(`^(?i)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$`)
	hexRe    = regexp.MustCompile(`^[0-9a-fA-F]+$`)
	// fileExtRe: a bare name with one of these endings is a file, not a
	// domain, unless it was defanged ("invoice.zip" vs "invoice[.]zip").
	fileExtRe = regexp.MustCompile(`(?i)\.(?:exe|dll|sys|scr|cpl|msi|bat|cmd|ps1|psm1|vbs|vbe|js|jse|wsf|hta|lnk|iso|img|vhdx?|zip|rar|7z|gz|tgz|tar|jar|apk|elf|bin|sh|py|php|aspx?|jsp|docx?|docm|xlsx?|xlsm|pptx?|pdf|rtf|one|dat|tmp|log|txt|cfg|ini|json|xml|so|dylib|mov)$`)
)

// reservedTLDs are documentation and special-use names (RFC 2606, RFC 7686)
// that the public suffix list does not hold but reports use.
var reservedTLDs = map[string]bool{"example": true, "test": true, "invalid": true, "onion": true}

var tokenSpaces = strings.NewReplacer("**", " ", "`", " ", "“", " ", "”", " ", "\"", " ", "<", " ", ">", " ")

// tokens splits text into candidate indicator tokens.
func tokens(s string) []string {
	s = tokenSpaces.Replace(s)
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == ';' || r == '|' || r == '\n'
	})
	out := f[:0]
	for _, t := range f {
		t = strings.TrimLeft(t, "('‘’")
		t = strings.TrimRight(t, ".,;:!?)'‘’*")
		// A trailing "]" belongs to the token only when it closes a
		// defang mark inside it ("evil[.]com", not "(see [1])").
		for strings.HasSuffix(t, "]") && strings.Count(t, "[") < strings.Count(t, "]") {
			t = strings.TrimSuffix(t, "]")
		}
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

// classify types one token, or returns ok=false for ordinary words. Live
// (undefanged) domains must be lower case, which keeps product names such
// as "ASP.NET" out.
func classify(tok string) (indicator, bool) {
	live := !ioc.Defanged(tok)
	v := ioc.Refang(tok)
	ind := indicator{Written: tok, Live: live}
	set := func(t, val, note string) (indicator, bool) {
		ind.Type, ind.Value, ind.Note = t, val, note
		return ind, true
	}
	if i := strings.Index(v, "://"); i > 0 {
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || !hostOK(u.Hostname()) {
			return ind, false
		}
		switch strings.ToLower(u.Scheme) {
		case "http", "https", "ftp", "tcp", "udp", "ws", "wss":
			return set("url", v, "")
		}
		return ind, false
	}
	if a, err := netip.ParseAddr(v); err == nil {
		if a.Is4() {
			return set("ipv4", a.String(), "")
		}
		if a.Is6() && strings.Count(v, ":") >= 2 {
			return set("ipv6", a.String(), "")
		}
	}
	if ap, err := netip.ParseAddrPort(v); err == nil && ap.Addr().Is4() {
		return set("ipv4", ap.Addr().String(), "port "+strings.TrimPrefix(v[strings.LastIndexByte(v, ':'):], ":"))
	}
	if hexRe.MatchString(v) {
		switch len(v) {
		case 32:
			return set("md5", strings.ToLower(v), "")
		case 40:
			return set("sha1", strings.ToLower(v), "")
		case 64:
			return set("sha256", strings.ToLower(v), "")
		}
		return ind, false
	}
	if at := strings.LastIndexByte(v, '@'); at > 0 {
		if a, err := mail.ParseAddress(v); err == nil && a.Address == v && domainOK(v[at+1:], live) {
			return set("email", v, "")
		}
		return ind, false
	}
	host, port := v, ""
	if i := strings.LastIndexByte(v, ':'); i > 0 && strings.Trim(v[i+1:], "0123456789") == "" && len(v)-i > 1 {
		host, port = v[:i], v[i+1:]
	}
	if live && fileExtRe.MatchString(host) && port == "" {
		if strings.ContainsAny(host, "/\\") {
			return ind, false
		}
		return set("filename", host, "")
	}
	if domainOK(host, live) {
		note := ""
		if port != "" {
			note = "port " + port
		}
		return set("domain", strings.ToLower(host), note)
	}
	return ind, false
}

// domainOK: a syntactically valid name under a real (ICANN) or reserved
// top-level domain; live names must also be lower case.
func domainOK(d string, live bool) bool {
	if len(d) > 253 || !domainRe.MatchString(d) {
		return false
	}
	if live && d != strings.ToLower(d) {
		return false
	}
	d = strings.ToLower(d)
	tld := d[strings.LastIndexByte(d, '.')+1:]
	if reservedTLDs[tld] {
		return true
	}
	suffix, icann := publicsuffix.PublicSuffix(d)
	return icann && suffix != d
}

func hostOK(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	return domainOK(h, false)
}

// noteRe finds "token (what it is)" in an infrastructure line.
var noteRe = regexp.MustCompile(`(\S+)\s+\(([^()]{1,40})\)`)

// indicators finds every indicator in lines, deduplicated, in order. A short
// parenthetical after an indicator ("203.0.113.7 (C2)") becomes its note.
func indicators(lines []string) []indicator {
	var out []indicator
	seen := map[string]bool{}
	for _, l := range lines {
		notes := map[string]string{}
		for _, m := range noteRe.FindAllStringSubmatch(l, -1) {
			if ts := tokens(m[1]); len(ts) == 1 {
				notes[ts[0]] = strings.TrimSpace(m[2])
			}
		}
		for _, tok := range tokens(l) {
			ind, ok := classify(tok)
			if !ok || seen[ind.Type+" "+ind.Value] {
				continue
			}
			if n := notes[tok]; n != "" {
				ind.Note = strings.TrimPrefix(ind.Note+"; "+n, "; ")
			}
			seen[ind.Type+" "+ind.Value] = true
			out = append(out, ind)
		}
	}
	return out
}
