package vocab

import "strings"

// The public pages of the catalogues the vocabularies come from, for the
// term pages and the STIX external references alike.

// TechniqueURL is an ATT&CK technique's page ("T1059.001" →
// https://attack.mitre.org/techniques/T1059/001/).
func TechniqueURL(id string) string {
	return "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
}

// MitigationURL is an ATT&CK mitigation's page.
func MitigationURL(id string) string { return "https://attack.mitre.org/mitigations/" + id + "/" }

// GroupURL is an ATT&CK group's page (a G0000 ID).
func GroupURL(id string) string { return "https://attack.mitre.org/groups/" + id + "/" }

// SoftwareURL is an ATT&CK software page (an S0000 ID).
func SoftwareURL(id string) string { return "https://attack.mitre.org/software/" + id + "/" }

// AttackURL is the page of any ATT&CK ID (technique, mitigation, group or
// software), or "" for something else.
func AttackURL(id string) string {
	switch {
	case TechniqueIDRe.MatchString(id):
		return TechniqueURL(id)
	case MitigationIDRe.MatchString(id):
		return MitigationURL(id)
	case GroupIDRe.MatchString(id):
		return GroupURL(id)
	case SoftwareIDRe.MatchString(id):
		return SoftwareURL(id)
	}
	return ""
}

// CVEURL is a CVE record.
func CVEURL(id string) string { return "https://www.cve.org/CVERecord?id=" + id }
