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

// CVEURL is a CVE record.
func CVEURL(id string) string { return "https://www.cve.org/CVERecord?id=" + id }
