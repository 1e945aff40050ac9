package stage

import "strings"

// Defang renders an indicator harmless to click or auto-link: schemes become
// hxxp(s)/fxp, dots in hosts and addresses become [.], @ becomes [@]. Hashes
// and file names are returned as they are.
func Defang(typ, v string) string {
	switch typ {
	case "md5", "sha1", "sha256", "filename":
		return v
	case "ipv6":
		return strings.ReplaceAll(v, ":", "[:]")
	}
	out := v
	lower := strings.ToLower(out)
	for _, p := range [][2]string{{"https://", "hxxps://"}, {"http://", "hxxp://"}, {"ftp://", "fxp://"}} {
		if strings.HasPrefix(lower, p[0]) {
			out = p[1] + out[len(p[0]):]
			break
		}
	}
	out = strings.ReplaceAll(out, ".", "[.]")
	out = strings.ReplaceAll(out, "@", "[@]")
	return out
}
