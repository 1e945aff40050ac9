package resolve_test

import (
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// An unknown term gets the nearest canonical one as a suggestion, so two
// briefs do not split one term over two pages.
func TestSuggestions(t *testing.T) {
	t.Parallel()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := resolve.New(v, nil)
	for _, tc := range []struct {
		kind, value, want string // want "" means it resolves without an issue
	}{
		{"sectors", "Healthcare & Public Health", ""},
		{"sectors", "Healthcare Delivery Organisations", `"Healthcare Delivery Organisations" is not on the sector list; did you mean "Healthcare"?`},
		{"countries", "U.S.", ""},
		{"countries", "Hong Kong", ""},
		{"countries", "Europe", `"Europe" is not an ISO 3166-1 alpha-2 country code or country name`},
		{"techniques", "Spearphishing Attachment", `"Spearphishing Attachment" is not an ATT&CK technique ID (T1234 or T1234.001) or technique name; did you mean T1566.001 (Phishing: Spearphishing Attachment) or T1598.002 (Phishing for Information: Spearphishing Attachment)?`},
		{"techniques", "Exploit Public-Facing Aplication", `"Exploit Public-Facing Aplication" is not an ATT&CK technique ID (T1234 or T1234.001) or technique name; did you mean T1190 (Exploit Public-Facing Application)?`},
		{"techniques", "Phishing: Spearphishing Attachment", ""},
		{"techniques", "T1190.999", `T1190.999 is not an ATT&CK Enterprise technique (ATT&CK v18.1); T1190 (Exploit Public-Facing Application) has no sub-technique .999: did you mean T1190?`},
		{"techniques", "t1059.099", `T1059.099 is not an ATT&CK Enterprise technique (ATT&CK v18.1); T1059 (Command and Scripting Interpreter) has no sub-technique .099: did you mean T1059?`},
		{"techniques", "T9999.001", `T9999.001 is not an ATT&CK Enterprise technique (ATT&CK v18.1)`},
		{"techniques", "T119", `"T119" is not an ATT&CK technique ID (T1234 or T1234.001) or technique name`},
		{"mitigations", "Multi-factor Authentification", `"Multi-factor Authentification" is not an ATT&CK mitigation name; did you mean M1032 (Multi-factor Authentication)?`},
		{"mitigations", "multi-factor authentication", ""},
		{"mitigations", "Audit OAuth applications", ""},
		{"mitigations", "Securing software upgrade management servers", ""},
	} {
		k, _ := taxonomy.Kinds().Lookup(tc.kind)
		_, is := r.Resolve(k, tc.value)
		got := ""
		if !is.OK {
			got = is.Message
		}
		if got != tc.want {
			t.Errorf("%s %q:\n got %s\nwant %s", tc.kind, tc.value, got, tc.want)
		}
	}
}
