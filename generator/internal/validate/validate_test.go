package validate_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

const profile = `---
title: Volt Typhoon
synonyms:
  - name: Vanguard Panda
    by: CrowdStrike
---
`

// check loads and validates files the way `check` does and returns every
// diagnostic as printed.
func check(t *testing.T, files map[string]string) []string {
	t.Helper()
	fsys := fstest.MapFS{"content/actors/volt-typhoon/_index.md": {Data: []byte(profile)}}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	set, diags := load.Load(fsys, taxonomy.Kinds().Names())
	profiles, pd := validate.Profiles(set.Profiles, v)
	diags.Merge(pd)
	r, rd := resolve.New(v, profiles)
	diags.Merge(rd)
	_, bd := validate.Briefs(set.Briefs, r, taxonomy.Kinds())
	diags.Merge(bd)
	var out []string
	for _, d := range diags.Items() {
		out = append(out, d.String())
	}
	return out
}

// brief is a valid brief with extra front-matter lines appended (line 6 on).
func brief(extra string) string {
	return "---\ntitle: A brief\ndate: 2024-12-18\nsummary: Something happened.\ntlp: clear\n" + extra + "---\nBody.\n"
}

const f = "content/briefs/2024/a.md"

func TestRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		src  string
		want string // one diagnostic, exactly as printed
	}{
		{"valid", brief("sectors: [Energy]\n"), ""},
		{"missing title", "---\ndate: 2024-12-18\nsummary: s\ntlp: clear\n---\n",
			f + ":1: title: is required (headline of the brief)"},
		{"missing several", "---\ntitle: t\n---\n",
			f + ":1: date: is required (publication date of the brief, YYYY-MM-DD)"},
		{"empty summary", "---\ntitle: t\ndate: 2024-12-18\nsummary: \"\"\ntlp: clear\n---\n",
			f + ":4: summary: is required (one or two plain sentences shown in lists, feeds and search)"},
		{"bad date", "---\ntitle: t\ndate: 2024-13-45\nsummary: s\ntlp: clear\n---\n",
			f + `:3: date: "2024-13-45" has no month 13; months are 01 to 12`},
		{"month 13", "---\ntitle: t\ndate: 2024-13-01\nsummary: s\ntlp: clear\n---\n",
			f + `:3: date: "2024-13-01" has no month 13; months are 01 to 12`},
		{"day 32", "---\ntitle: t\ndate: 2024-01-32\nsummary: s\ntlp: clear\n---\n",
			f + `:3: date: "2024-01-32" has no day 32: January 2024 has 31 days`},
		{"30 February", brief("updated: 2025-02-29\n"),
			f + `:6: updated: "2025-02-29" has no day 29: February 2025 has 28 days`},
		{"29 February in a leap year", brief("updated: 2028-02-29\n"), ""},
		{"day 00", "---\ntitle: t\ndate: 2024-04-00\nsummary: s\ntlp: clear\n---\n",
			f + `:3: date: "2024-04-00" has no day 00: April 2024 has 30 days`},
		{"date as words", "---\ntitle: t\ndate: last tuesday\nsummary: s\ntlp: clear\n---\n",
			f + `:3: date: "last tuesday" is not a date; write YYYY-MM-DD, e.g. 2024-12-18`},
		{"unknown tlp", "---\ntitle: t\ndate: 2024-12-18\nsummary: s\ntlp: purple\n---\n",
			f + `:5: tlp: "purple" is not a TLP 2.0 label; use one of clear, green, amber, amber+strict, red`},
		{"tlp prefix accepted", "---\ntitle: t\ndate: 2024-12-18\nsummary: s\ntlp: TLP:CLEAR\n---\n", ""},
		{"unknown key suggests", brief("secotrs: [Energy]\n"),
			f + `:6: secotrs: unknown key "secotrs"; did you mean "sectors"?`},
		{"unknown key lists", brief("zzzzzzzzzz: 1\n"),
			f + `:6: zzzzzzzzzz: unknown key "zzzzzzzzzz"; valid keys are title, date, updated, slug, summary, tlp, sources, attribution, actors, campaigns, sectors, countries, techniques, malware, vulnerabilities, mitigations, distinct, iocs`},
		{"duplicate key", brief("title: Again\n"),
			f + `:6: title: duplicate key "title" (first given on line 2)`},
		{"YAML 1.1 NO", brief("countries: [US, NO]\n"),
			f + `:6: countries[1]: NO was read as the boolean false (YAML 1.1 reads unquoted yes/no/on/off that way); quote it: "NO"`},
		{"YAML 1.1 block list", brief("countries:\n  - \"NO\"\n  - no\n"),
			f + `:8: countries[1]: no was read as the boolean false (YAML 1.1 reads unquoted yes/no/on/off that way); quote it: "no"`},
		{"quoted NO is Norway", brief("countries: [\"NO\"]\n"), ""},
		{"number as title", "---\ntitle: 1984\ndate: 2024-12-18\nsummary: s\ntlp: clear\n---\n",
			f + `:2: title: must be text, but 1984 was read as the number 1984; quote it: "1984"`},
		{"scalar for list", brief("sectors: Energy\n"),
			f + `:6: sectors: must be a list (write [a, b] or one "- item" per line), not string`},
		{"map for list", brief("sectors: {a: b}\n"),
			f + `:6: sectors: must be a list (write [a, b] or one "- item" per line), not a mapping`},
		{"list for text", brief("summary2: x\n")[:0] + "---\ntitle: [a, b]\ndate: 2024-12-18\nsummary: s\ntlp: clear\n---\n",
			f + `:2: title: must be text, not a list`},
		{"unknown sub-technique", brief("techniques: [T1190.999]\n"),
			f + `:6: techniques[0]: T1190.999 is not an ATT&CK Enterprise technique (ATT&CK v18.1); T1190 (Exploit Public-Facing Application) has no sub-technique .999: did you mean T1190?`},
		{"malformed technique", brief("techniques: [T119]\n"),
			f + `:6: techniques[0]: "T119" is not an ATT&CK technique ID (T1234 or T1234.001) or technique name`},
		{"unknown technique", brief("techniques: [T1190, T9999]\n"),
			f + `:6: techniques[1]: T9999 is not an ATT&CK Enterprise technique (ATT&CK v18.1)`},
		{"technique by name", brief("techniques: [Exploit Public-Facing Application, t1059.001]\n"), ""},
		{"malformed CVE", brief("vulnerabilities:\n  - CVE-2024-3400\n  - CVE-24-1\n"),
			f + `:8: vulnerabilities[1]: "CVE-24-1" is not a CVE ID (CVE-YYYY-NNNN)`},
		{"unknown country", brief("countries: [XX]\n"),
			f + `:6: countries[0]: "XX" is not an ISO 3166-1 alpha-2 country code or country name`},
		{"country suggestion", brief("countries: [Germny]\n"),
			f + `:6: countries[0]: "Germny" is not an ISO 3166-1 alpha-2 country code or country name; did you mean DE (Germany)?`},
		{"country names and abbreviations", brief("countries: [U.S., United Kingdom, Türkiye, usa]\n"), ""},
		{"region is not a country", brief("countries: [Europe]\n"),
			f + `:6: countries[0]: "Europe" is not an ISO 3166-1 alpha-2 country code or country name`},
		{"unknown mitigation ID", brief("mitigations: [M9999]\n"),
			f + `:6: mitigations[0]: M9999 is not an ATT&CK mitigation (ATT&CK v18.1)`},
		{"free mitigation", brief("mitigations: [Patch Exchange servers]\n"), ""},
		{"malformed mitigation ID", brief("mitigations: [M105]\n"),
			f + `:6: mitigations[0]: "M105" is not an ATT&CK mitigation ID (M1234) or a mitigation name`},
		{"sector off the list", brief("sectors: [Helthcare]\n"),
			f + `:6: warning: sectors[0]: "Helthcare" is not on the sector list; did you mean "Healthcare"?`},
		{"sector by containment", brief("sectors: [Healthcare Delivery Organisations]\n"),
			f + `:6: warning: sectors[0]: "Healthcare Delivery Organisations" is not on the sector list; did you mean "Healthcare"?`},
		{"sector synonym", brief("sectors: [Healthcare & Public Health, telecom]\n"), ""},
		{"actor misspelt", brief("actors: [Volt Typhon]\n"),
			f + `:6: actors[0]: "Volt Typhon" is not a known actor; did you mean "Volt Typhoon"? (if it is a different actor, add "Volt Typhon" to distinct:)`},
		{"actor asserted distinct", brief("actors: [Volt Typhon]\ndistinct: [Volt Typhon]\n"), ""},
		{"distinct names no actor", brief("actors: [Volt Typhoon]\ndistinct: [Volt Typhon]\n"),
			f + `:7: distinct[0]: "Volt Typhon" is not one of the actors or malware this brief names; distinct: lists those that are not the known one they are spelled like`},
		{"revoked technique", brief("techniques: [T1574.002]\n"),
			f + `:6: techniques[0]: T1574.002 (DLL Side-Loading) was revoked: ATT&CK v18.1 replaced it with T1574.001 (Hijack Execution Flow: DLL); use that`},
		{"actor synonym", brief("actors: [vanguard panda]\n"), ""},
		{"lookalike actor", brief("actors: [Vоlt Typhoon]\n"),
			f + `:6: actors[0]: "Vоlt Typhoon" mixes Latin letters with Cyrillic or Greek lookalikes (reads as "Volt Typhoon"); use one script`},
		{"attribution fields", brief("attribution:\n  - actor: Volt Typhoon\n    by: CISA\n    confidence: certain\n"),
			f + `:9: attribution[0].confidence: "certain" is not one of low, moderate, high`},
		{"confidence medium", brief("attribution:\n  - actor: Volt Typhoon\n    by: CISA\n    confidence: medium\n"),
			f + `:9: attribution[0].confidence: "medium" is not one of low, moderate, high; did you mean "moderate"?`},
		{"confidence misspelt", brief("attribution:\n  - actor: Volt Typhoon\n    by: CISA\n    confidence: Hgih\n"),
			f + `:9: attribution[0].confidence: "Hgih" is not one of low, moderate, high; did you mean "high"?`},
		{"attribution missing by", brief("attribution:\n  - actor: Volt Typhoon\n    confidence: high\n"),
			f + `:7: attribution[0].by: is required (who makes the claim)`},
		{"nested unknown key", brief("sources:\n  - name: CISA\n    ulr: https://cisa.gov/\n"),
			f + `:8: sources[0].ulr: unknown key "ulr"; did you mean "url"?`},
		{"unsafe source url", brief("sources:\n  - name: CISA\n    url: javascript:alert(1)\n"),
			f + `:8: sources[0].url: "javascript:alert(1)" is not an http(s) URL`},
		{"source url without a scheme", brief("sources:\n  - name: CISA\n    url: www.cisa.gov/news-events/cybersecurity-advisories/aa24-038a\n"),
			f + `:8: sources[0].url: "www.cisa.gov/news-events/cybersecurity-advisories/aa24-038a" has no scheme; write "https://www.cisa.gov/news-events/cybersecurity-advisories/aa24-038a"`},
		{"source host without a scheme", brief("sources:\n  - name: CISA\n    url: cisa.gov\n"),
			f + `:8: sources[0].url: "cisa.gov" has no scheme; write "https://cisa.gov"`},
		{"scaffold's empty source", brief("sources:\n  - name: \"\"\n    title: \"\"\n    url: \"\"\n"),
			f + `:7: sources[0]: every field is empty; fill in or remove this entry`},
		{"empty ioc entry", brief("iocs:\n  - {type: ipv4, value: 203.0.113.5}\n  - {type: , value: }\n"),
			f + `:8: iocs[1]: every field is empty; fill in or remove this entry`},
		{"campaign month", brief("campaigns:\n  - name: X\n    first_seen: 2024-13\n"),
			f + `:8: campaigns[0].first_seen: "2024-13" has no month 13; months are 01 to 12`},
		{"campaign order", brief("campaigns:\n  - name: X\n    first_seen: 2024-05\n    last_seen: 2023-01\n"),
			f + `:9: campaigns[0].last_seen: 2023-01 is before first_seen 2024-05`},
		{"campaign year only", brief("campaigns:\n  - name: X\n    first_seen: 2021\n"), ""},
		{"bad ioc", brief("iocs:\n  - type: ipv4\n    value: 300.1.2.3\n"),
			f + `:8: iocs[0].value: "300.1.2.3" is not an IPv4 address`},
		{"defanged ioc accepted", brief("iocs:\n  - type: url\n    value: hxxps://evil[.]example/x\n"), ""},
		{"bad hash", brief("iocs:\n  - type: sha256\n    value: abc\n"),
			f + `:8: iocs[0].value: "abc" is not a sha256 hash (64 hex digits)`},
		{"long title", "---\ntitle: " + strings.Repeat("x", 201) + "\ndate: 2024-12-18\nsummary: s\ntlp: clear\n---\n",
			f + `:2: title: is 201 characters long; at most 200 are allowed`},
		{"too many terms", brief("malware: [" + strings.TrimSuffix(strings.Repeat("m, ", 201), ", ") + "]\n"),
			f + `:6: malware: has 201 items; at most 200 are allowed in one list`},
		{"bad slug", brief("slug: ../../etc\n"),
			f + `:6: slug: "../../etc" is not a valid slug: use a-z, 0-9 and single hyphens, at most 80 characters`},
		{"updated before date", brief("updated: 2024-01-01\n"),
			f + `:6: updated: 2024-01-01 is before the brief's date 2024-12-18`},
		{"unparseable YAML", "---\ntitle: t\nsectors: [Energy\ndate: 2024-12-18\n---\n",
			f + `:3: front matter is not valid YAML: did not find expected ',' or ']'`},
		{"bad indentation", "---\ntitle: t\n  date: x\n---\n",
			f + `:3: front matter is not valid YAML: mapping values are not allowed in this context`},
		{"tab in indentation", brief("sources:\n\t- name: CISA\n"),
			f + `:7: sources: front matter is not valid YAML: this line is indented with a tab; YAML does not allow tabs; indent with spaces`},
		{"tab in a nested list", brief("sectors:\n  - Energy\n\t- Water\n"),
			f + `:8: sectors: front matter is not valid YAML: this line is indented with a tab; YAML does not allow tabs; indent with spaces`},
		{"colon in the title", "---\ntitle: Volt Typhoon: the return\ndate: 2024-12-18\nsummary: s\ntlp: clear\n---\n",
			f + `:2: title: front matter is not valid YAML: the value of title contains ": ", which YAML reads as the start of another key; quote the value: title: "Volt Typhoon: the return"`},
		{"colon in a nested value", brief("sources:\n  - name: CISA\n    title: Advisory: Volt Typhoon # AA24-038A\n"),
			f + `:8: sources: front matter is not valid YAML: the value of title contains ": ", which YAML reads as the start of another key; quote the value: title: "Advisory: Volt Typhoon"`},
		{"defanged IOC in flow style", brief("iocs: [{type: url, value: hxxp://x[.]com}]\n"),
			f + `:6: iocs: front matter is not valid YAML: hxxp://x[.]com must be quoted inside [ ] or { }: YAML reads its square brackets as list brackets; write value: "hxxp://x[.]com"`},
		{"defanged IOC in a flow mapping", brief("iocs:\n  - {type: ipv4, value: 203.0.113.5}\n  - {type: domain, value: evil[.]example, note: \"C2 [.] x\"}\n"),
			f + `:8: iocs: front matter is not valid YAML: evil[.]example must be quoted inside [ ] or { }: YAML reads its square brackets as list brackets; write value: "evil[.]example"`},
		{"defanged IOC quoted in flow style", brief("iocs: [{type: url, value: \"hxxp://x[.]com\"}]\n"), ""},
		{"raw HTML block", brief("") + "\n<div class=\"callout\">\nBeware.\n</div>\n",
			f + `:9: warning: body: raw HTML is not published (<div class="callout">); write Markdown`},
		{"raw HTML inline", brief("") + "\nPatch <b>now</b> and <i>then</i>.\n",
			f + `:9: warning: body: raw HTML is not published (<b>); write Markdown`},
		{"HTML comment, code and autolinks are not raw HTML", brief("") + "\n<!-- a note -->\n\nWrite `<b>` as **bold**; see <https://example.org/>.\n\n```\n<script>x</script>\n```\n", ""},
		{"no front matter", "# Just markdown\n", f + `:1: no front matter: the file must start with a line "---"`},
		{"unclosed front matter", "---\ntitle: t\n", f + `:1: front matter is not closed: add a line "---" after it`},
		{"front matter is a list", "---\n- a\n- b\n---\n", f + `:2: front matter must be a mapping of keys to values`},
		{"BOM and CRLF", "\ufeff---\r\ntitle: t\r\ndate: 2024-12-18\r\nsummary: s\r\ntlp: clear\r\n---\r\nBody\r\n", ""},
		{"invalid UTF-8", "---\ntitle: t\ndate: 2024-12-18\nsummary: \xff\xfe\ntlp: clear\n---\n", f + `:4: invalid UTF-8; save the file as UTF-8`},
		{"binary", "---\ntitle: \x00\x01\n---\n", f + `:2: binary data (a NUL byte) in a text file`},
		{"billion laughs", "---\na: &a [\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n---\n",
			f + `:1: front matter is not valid YAML: document contains excessive aliasing`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := check(t, map[string]string{f: tc.src})
			if tc.want == "" {
				if len(got) > 0 {
					t.Errorf("want no diagnostics, got:\n%s", strings.Join(got, "\n"))
				}
				return
			}
			if !slices.Contains(got, tc.want) {
				t.Errorf("want\n  %s\ngot\n  %s", tc.want, strings.Join(got, "\n  "))
			}
		})
	}
}

func TestAllProblemsInOneRun(t *testing.T) {
	t.Parallel()
	got := check(t, map[string]string{
		f:                          "---\ntitle: t\ndate: 2024-13-01\nsummary: s\ntlp: purple\nsecotrs: []\ncountries: [NO]\n---\n",
		"content/briefs/2023/b.md": "---\ntitle: [x]\n---\n",
	})
	for _, want := range []string{
		f + ":3: date:", f + ":5: tlp:", f + ":6: secotrs:", f + ":7: countries[0]:",
		"content/briefs/2023/b.md:1: date:", "content/briefs/2023/b.md:2: title:",
	} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no diagnostic starting %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
}

func TestDuplicateSlugs(t *testing.T) {
	t.Parallel()
	got := check(t, map[string]string{
		"content/briefs/2023/same.md":  brief(""),
		"content/briefs/2024/same.md":  brief(""),
		"content/briefs/2024/other.md": brief("slug: same\n"),
	})
	for _, want := range []string{
		`content/briefs/2024/other.md:6: slug: slug "same" is already used by content/briefs/2023/same.md; rename the file or set a different slug`,
		`content/briefs/2024/same.md:1: slug: slug "same" is already used by content/briefs/2023/same.md; rename the file or set a different slug`,
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
}

func TestProfileRules(t *testing.T) {
	t.Parallel()
	got := check(t, map[string]string{
		"content/actors/apt-x/_index.md": "---\ntitle: APT X\nsynonyms:\n  - name: Vanguard Panda\n    by: Someone\norigin: Atlantis\nmotivation: fun\naka: [y]\n---\n",
	})
	for _, want := range []string{
		`content/actors/apt-x/_index.md:4: synonyms[0].name: "Vanguard Panda" is also a name of Volt Typhoon (content/actors/volt-typhoon/_index.md)`,
		`content/actors/volt-typhoon/_index.md:4: synonyms[0].name: "Vanguard Panda" is already a name of APT X (content/actors/apt-x/_index.md)`,
		`content/actors/apt-x/_index.md:6: origin: "Atlantis" is not an ISO 3166-1 country code or name`,
		`content/actors/apt-x/_index.md:7: motivation: "fun" is not one of espionage, financial, destruction, hacktivism, unknown`,
		`content/actors/apt-x/_index.md:8: aka: unknown key "aka"; valid keys are title, summary, synonyms, origin, motivation, first_seen, external_ids`,
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing\n  %s\nin\n  %s", want, strings.Join(got, "\n  "))
		}
	}
}

func TestRawHTMLInAProfile(t *testing.T) {
	t.Parallel()
	got := check(t, map[string]string{
		"content/actors/apt-x/_index.md": "---\ntitle: APT X\n---\nAn actor.\n\n<img src=x>\n",
	})
	want := `content/actors/apt-x/_index.md:6: warning: body: raw HTML is not published (<img src=x>); write Markdown`
	if !slices.Contains(got, want) {
		t.Errorf("missing\n  %s\nin\n  %s", want, strings.Join(got, "\n  "))
	}
}

func TestOversizedFileIsRefusedUnread(t *testing.T) {
	t.Parallel()
	big := brief("") + strings.Repeat("x", load.MaxFileSize)
	got := check(t, map[string]string{f: big})
	want := fmt.Sprintf("%s: file is %d bytes; a content file may be at most %d bytes", f, len(big), load.MaxFileSize)
	if !slices.Contains(got, want) {
		t.Errorf("missing %q in %v", want, got)
	}
}
