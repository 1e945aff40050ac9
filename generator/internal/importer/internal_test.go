package importer

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Every rule names an ID of the shipped ATT&CK version and matches its own
// example, and the example suggests that ID.
func TestPhraseTables(t *testing.T) {
	t.Parallel()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		table table
		known func(string) bool
	}{
		{"techniques", techniquePhrases, func(id string) bool { _, ok := v.Technique(id); return ok }},
		{"mitigations", mitigationPhrases, func(id string) bool { _, ok := v.Mitigation(id); return ok }},
	} {
		seen := map[string]bool{}
		for _, p := range tc.table.rules {
			if !tc.known(p.ID) {
				t.Errorf("%s: %s is not in ATT&CK v%s", tc.name, p.ID, v.AttackVersion)
			}
			if seen[p.ID] {
				t.Errorf("%s: %s has two rules; merge them", tc.name, p.ID)
			}
			seen[p.ID] = true
			got := suggest(tc.table, p.Example)
			if !slices.ContainsFunc(got, func(m match) bool { return m.ID == p.ID }) {
				t.Errorf("%s: the example %q of %s suggests %v", tc.name, p.Example, p.ID, got)
			}
		}
	}
}

// The phrases the issue names, and some that must not match.
func TestPhraseSuggestions(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		"Spearphishing attachment with a weaponized Excel file": "T1566.001",
		"Exploitation of a public-facing service":               "T1190",
		"Exploitation of Ivanti Connect Secure appliances":      "T1190",
		"Use of valid accounts obtained from infostealer logs":  "T1078",
		"PowerShell scripts":                                    "T1059.001",
		"Data encrypted for impact":                             "T1486",
		"Inhibit system recovery":                               "T1490",
		"Shadow copy deletion with vssadmin":                    "T1490",
		"Supply-chain compromise of a software vendor":          "T1195",
		"Compromise of the software supply chain":               "T1195.002",
		"Phishing emails with malicious links":                  "T1566.002",
		"Gaining control over mail servers":                     "T1114.002",
		"Objective: stealing trade secrets":                     "",
		"Installed a backdoor":                                  "",
		// The behaviours of the shared report, as issue 14 names them.
		"Exploiting Microsoft Exchange vulnerabilities to implant backdoors": "T1190,T1505",
		"implant backdoors on the mail server":                               "T1505",
		"pushed trojans through the software upgrade server":                 "T1072",
		"gain control of the company's mail server":                          "T1114.002",
		"Installation of Trojans onto numerous hosts (over 270)":             "T1570",
		"installing Trojans across more than 270 hosts":                      "T1570",
		// Supply chain is the vendor's update; the victim's own deployment
		// server is Software Deployment Tools.
		"The vendor's update server shipped a trojanized installer":        "T1195.002",
		"Pushed the backdoor through the customer's own deployment server": "T1072",
		// Windows event logs, or logs of anything else.
		"Cleared the Windows event logs":       "T1070.001",
		"Cleared the appliance's logs":         "T1070",
		"Registered a new authenticator app":   "T1098.005",
		"Created inbox rules to hide replies":  "T1114.003",
		"A web shell on the SharePoint server": "T1505.003",
	} {
		var ids []string
		for _, m := range suggest(techniquePhrases, line) {
			ids = append(ids, m.ID)
		}
		if strings.Join(ids, ",") != want {
			t.Errorf("suggest(%q) = %v, want %q", line, ids, want)
		}
	}
	for line, want := range map[string]string{
		"Comprehensive patching of Exchange":            "M1051",
		"Enforce MFA for all remote access":             "M1032",
		"Network segmentation between IT and OT":        "M1030",
		"Maintain offline backups":                      "M1053",
		"Enhanced detection capabilities for backdoors": "M1049",
		"Securing software upgrade management servers":  "M1026",
		"Keep hot-wallet signing keys offline":          "",
	} {
		var ids []string
		for _, m := range suggest(mitigationPhrases, line) {
			ids = append(ids, m.ID)
		}
		if strings.Join(ids, ",") != want {
			t.Errorf("suggest mitigations(%q) = %v, want %q", line, ids, want)
		}
	}
}

func TestIndicatorTyping(t *testing.T) {
	t.Parallel()
	for tok, want := range map[string]string{
		"198.51.100[.]23":                          "ipv4 198.51.100.23 defanged",
		"203.0.113.7":                              "ipv4 203.0.113.7 live",
		"203.0.113[.]77:8443":                      "ipv4 203.0.113.77 defanged port 8443",
		"2001:db8::1":                              "ipv6 2001:db8::1 live",
		"evil[.]example[.]com":                     "domain evil.example.com defanged",
		"cdn.update-check.net":                     "domain cdn.update-check.net live",
		"hxxps://files[.]example/x.php?a=1":        "url https://files.example/x.php?a=1 defanged",
		"hXXp[:]//198.51.100[.]2/gate":             "url http://198.51.100.2/gate defanged",
		"http://billing.example.com/x":             "url http://billing.example.com/x live",
		"ops[@]mail[.]example[.]org":               "email ops@mail.example.org defanged",
		"44d88612fea8a8f36de82e1278abb02f":         "md5 44d88612fea8a8f36de82e1278abb02f live",
		"3395856CE81F2B7382DEE72602F798B642F14140": "sha1 3395856ce81f2b7382dee72602f798b642f14140 live",
		"invoice.zip":                              "filename invoice.zip live",
		"invoice[.]zip":                            "domain invoice.zip defanged",
		// Words that look a little like indicators are not.
		"ASP.NET": "", "U.S.": "", "e.g.": "", "software/servers": "", "gate.phpx": "", "1.2.3": "", "300.1.2.3": "",
		"abc123": "", "javascript:alert(1)": "", "file:///etc/passwd": "",
	} {
		toks := tokens(tok)
		got := ""
		if len(toks) == 1 {
			if ind, ok := classify(toks[0]); ok {
				state := "live"
				if !ind.Live {
					state = "defanged"
				}
				got = strings.TrimSpace(ind.Type + " " + ind.Value + " " + state + " " + ind.Note)
			}
		}
		if got != want {
			t.Errorf("classify(%q) = %q, want %q", tok, got, want)
		}
	}
}

func TestPeriod(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"August 2024":                  "2024-08",
		"May 2023":                     "2023-05",
		"March–May 2024":               "2024-03 2024-05",
		"February - March 2025":        "2025-02 2025-03",
		"November 2023 – January 2024": "2023-11 2024-01",
		"2021–2023":                    "2021 2023",
		"2021 to present":              "2021",
		"since June 2022":              "2022-06",
		"Q3 2024":                      "2024-07 2024-09",
		"mid-2023":                     "2023",
		"2024-05 to 2024-07":           "2024-05 2024-07",
		"Sept. 12, 2024":               "2024-09",
		"May–late 2024":                "2024-05",
		"Attack 1":                     "",
		"over 270 hosts":               "",
		"":                             "",
	} {
		f, l := period(in)
		if got := strings.TrimSpace(f + " " + l); got != want {
			t.Errorf("period(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitAndParens(t *testing.T) {
	t.Parallel()
	got := splitTop("Scattered Spider (also known as UNC3944, Octo Tempest) and ALPHV (aka BlackCat, Noberus)", true)
	want := []string{"Scattered Spider (also known as UNC3944, Octo Tempest)", "ALPHV (aka BlackCat, Noberus)"}
	if !slices.Equal(got, want) {
		t.Errorf("splitTop = %q", got)
	}
	name, ps := parens("APT29 (also known as Cozy Bear) (As alleged by NCSC)")
	if name != "APT29" || !slices.Equal(ps, []string{"also known as Cozy Bear", "As alleged by NCSC"}) {
		t.Errorf("parens = %q %q", name, ps)
	}
	if got := splitTop("Norway, U.S., UK.", false); !slices.Equal(got, []string{"Norway", "U.S.", "UK"}) {
		t.Errorf("splitTop kept/dropped the wrong dots: %q", got)
	}
}

func TestClaimant(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"The threat actor is identified by the National Computer Network Emergency Response Technical Team/Coordination Center of China (CNCERT) as an unnamed agency.": "CNCERT",
		"Microsoft attributed the activity to Midnight Blizzard.":                         "Microsoft",
		"According to Mandiant, the cluster overlaps with APT41.":                         "Mandiant",
		"This activity was publicly attributed by the UK National Cyber Security Centre.": "UK National Cyber Security Centre",
		"No group has been named.":                                                        "",
	} {
		if got, _ := claimant(text); got != want {
			t.Errorf("claimant(%q) = %q, want %q", text, got, want)
		}
	}
}

// scalar's output reads back, through the real loader (goldmark-meta,
// YAML 1.1), as exactly the string written.
func TestScalarRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"NO", "no", "Yes", "y", "N", "on", "OFF", "true", "null", "~", "", "1984", "2024-12-18", "1_000",
		"0x1F", "1:20:30", ".inf", ".NaN", "a: b", "#x", "x #y", "- x", "'q'", `"`, `\`, "tab\there", "ÿ", "\u2028", "😀 emoji",
		"&anchor", "*alias", "!tag", "%x", "@x", "`x`", "? x", "[a]", "{a}", ">", "|", "=", "<<", "Suspected U.S. Intelligence Agency",
		"China’s", "\u00a0nbsp", "\ufeffbom", "\x7f", "a\nb", "  padded  ", "CVE-2024-3400", "T1059.001", "R&D", "A/B"} {
		got, ok := RoundTrip(s)
		if !ok || got != s {
			t.Errorf("scalar(%q) = %s reads back as %q (ok %v)", s, scalar(s), got, ok)
		}
	}
}
