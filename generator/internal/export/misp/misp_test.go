package misp_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp/misptest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
)

const baseURL = exporttest.BaseURL

// feed writes the feed of a checked project into memory.
func feed(t *testing.T, c *export.Site) map[string][]byte {
	t.Helper()
	return exporttest.Export(t, c, misp.Exporter{})
}

type event struct {
	UUID, Info, Date, Timestamp string
	ThreatLevelID               string `json:"threat_level_id"`
	Analysis, Distribution      string
	PublishTimestamp            string `json:"publish_timestamp"`
	Published                   bool
	Orgc                        struct{ Name, UUID string }
	Tag                         []struct{ Name, Colour string }
	Attribute                   []struct {
		UUID, Type, Category, Value, Comment, Timestamp, Distribution string
		ToIDS                                                         bool `json:"to_ids"`
	}
	EventReport []struct{ UUID, Name, Content, Timestamp, Distribution string }
}

func readEvent(t *testing.T, files map[string][]byte, slug string) event {
	t.Helper()
	data, ok := files[misp.EventPath(slug)]
	if !ok {
		t.Fatalf("no event for %s", slug)
	}
	var f struct{ Event event }
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f.Event
}

func readManifest(t *testing.T, files map[string][]byte) map[string]map[string]any {
	t.Helper()
	var m map[string]map[string]any
	dec := json.NewDecoder(bytes.NewReader(files[misp.Manifest]))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Every event, and the galaxy, is valid against MISP's and misp-galaxy's
// schemas (see misptest.Schemas.Event for the two things the strict event
// schema predates), in the public and an internal edition of the fixture
// and for the example content.
func TestSchemas(t *testing.T) {
	schemas := misptest.Load(t)
	for name, c := range map[string]*export.Site{
		"fixture":         exporttest.Library(t, exporttest.FixtureArchive, ""),
		"fixture, amber":  exporttest.Library(t, exporttest.FixtureArchive, brief.TLPAmber),
		"example content": exporttest.Example(t),
	} {
		t.Run(name, func(t *testing.T) {
			files := feed(t, c)
			events := 0
			for path, data := range files {
				switch {
				case path == misp.GalaxyFile:
					if err := misptest.Validate(schemas.Galaxy, data); err != nil {
						t.Errorf("%s: %v", path, err)
					}
				case path == misp.ClustersFile:
					if err := misptest.Validate(schemas.Clusters, data); err != nil {
						t.Errorf("%s: %v", path, err)
					}
				case strings.HasSuffix(path, ".json") && path != misp.Manifest:
					events++
					if err := schemas.Event(data); err != nil {
						t.Errorf("%s: %v", path, err)
					}
				}
			}
			if events != len(c.Index.Entries) || events == 0 {
				t.Errorf("%d events for %d briefs", events, len(c.Index.Entries))
			}
		})
	}
}

// An event's schema check fails for a key MISP does not know, so that
// TestSchemas cannot pass by accident.
func TestSchemaCheckCatchesUnknownKeys(t *testing.T) {
	schemas := misptest.Load(t)
	files := feed(t, exporttest.Library(t, exporttest.FixtureArchive, ""))
	data := files[misp.EventPath("harbor-lure")]
	if err := schemas.Event(data); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ from, to string }{
		{`"info":`, `"x_info":"x","info":`},
		{`"content":`, `"x_content":"x","content":`},
		{`"namespace":"misp",`, ``},
		{`"to_ids":true`, `"to_ids":"yes"`},
	} {
		broken := strings.Replace(string(data), bad.from, bad.to, 1)
		if broken == string(data) {
			t.Fatalf("%q is not in the event", bad.from)
		}
		if err := schemas.Event([]byte(broken)); err == nil {
			t.Errorf("an event with %s instead of %s passes", bad.to, bad.from)
		}
	}
}

// Indicators become attributes of MISP's types, in their default
// categories, for detection unless they are a bare file name; the brief's
// page and its sources follow as links. Attribute UUIDs depend on the
// event, so the same indicator in two briefs is two attributes.
func TestAttributes(t *testing.T) {
	files := feed(t, exporttest.Library(t, exporttest.FixtureArchive, ""))
	ev := readEvent(t, files, "harbor-lure")
	type row struct {
		typ, category, value, comment string
		ids                           bool
	}
	var got []row
	for _, a := range ev.Attribute {
		got = append(got, row{a.Type, a.Category, a.Value, a.Comment, a.ToIDS})
		if a.Timestamp != ev.Timestamp || a.Distribution != "5" {
			t.Errorf("%s: timestamp %s, distribution %s", a.Value, a.Timestamp, a.Distribution)
		}
	}
	want := []row{
		{"ip-dst", "Network activity", "198.51.100.7", "staging server", true},
		{"ip-dst", "Network activity", "2001:db8::7", "staging server, IPv6", true},
		{"domain", "Network activity", "harbor-lure.example", "", true},
		{"url", "Network activity", "https://harbor-lure.example/invoice.php?id=1&x=2", "", true},
		{"md5", "Payload delivery", "0123456789abcdef0123456789abcdef", "", true},
		{"sha1", "Payload delivery", "0123456789abcdef0123456789abcdef01234567", "", true},
		{"sha256", "Payload delivery", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "", true},
		{"email-src", "Payload delivery", "billing@harbor-lure.example", "", true},
		{"filename", "Payload delivery", `it's\invoice.js`, "a name with a quote and a backslash", false},
		{"link", "External analysis", baseURL + "briefs/harbor-lure/", "The brief on briefs.test", false},
		{"link", "External analysis", "https://cert.example/advisories/ex-2024-01", "Example CERT: Advisory EX-2024-01", false},
	}
	if !slices.Equal(got, want) {
		t.Errorf("attributes:\n got %v\nwant %v", got, want)
	}
	other := readEvent(t, files, "basalt-moth")
	for _, a := range ev.Attribute {
		for _, b := range other.Attribute {
			if a.UUID == b.UUID {
				t.Errorf("attribute UUID %s in two events", a.UUID)
			}
		}
	}
}

// The event's header: its UUID is its STIX report's, the publisher is its
// Orgc, numbers are strings, and the timestamp is the start of the later of
// date: and updated: in UTC, wherever the build runs.
func TestEventHeader(t *testing.T) {
	t.Setenv("TZ", "Pacific/Kiritimati")
	files := feed(t, exporttest.Library(t, exporttest.FixtureArchive, ""))
	ev := readEvent(t, files, "slate-heron")
	pub, _ := stix.PublisherOf(baseURL)
	if ev.UUID != strings.TrimPrefix(stix.ID("report", "slate-heron"), "report--") {
		t.Errorf("uuid %s is not the STIX report's", ev.UUID)
	}
	june20 := time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC).Unix()
	for k, v := range map[string]string{
		"info": ev.Info, "date": ev.Date, "timestamp": ev.Timestamp, "publish_timestamp": ev.PublishTimestamp,
		"threat_level_id": ev.ThreatLevelID, "analysis": ev.Analysis, "distribution": ev.Distribution,
		"Orgc": ev.Orgc.Name + " " + ev.Orgc.UUID,
	} {
		want := map[string]string{
			"info": "-Slate Heron and Copper Wren overlap", "date": "2024-06-10",
			"timestamp": fmt.Sprint(june20), "publish_timestamp": fmt.Sprint(june20),
			"threat_level_id": "4", "analysis": "2", "distribution": "3",
			"Orgc": "briefs.test " + pub.UUID(),
		}[k]
		if v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	if !ev.Published {
		t.Error("not published")
	}
	if got := readEvent(t, files, "harbor-lure").Timestamp; got != fmt.Sprint(time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC).Unix()) {
		t.Errorf("a brief without updated: has timestamp %s", got)
	}
}

// An internal edition's restricted brief says its label and keeps its
// event to the subscriber's organisation.
func TestInternalEditionEvent(t *testing.T) {
	files := feed(t, exporttest.Library(t, exporttest.FixtureArchive, brief.TLPAmber))
	ev := readEvent(t, files, "amber-only")
	if ev.Tag[0].Name != "tlp:amber" || ev.Distribution != "0" {
		t.Errorf("tag %s, distribution %s", ev.Tag[0].Name, ev.Distribution)
	}
	if pub := feed(t, exporttest.Library(t, exporttest.FixtureArchive, "")); pub[misp.EventPath("amber-only")] != nil {
		t.Error("the public feed has the amber brief's event")
	}
}

// Tags: the TLP 2.0 label, then a misp-galaxy tag for each actor,
// technique, sector and country; the Galaxy blocks carry the same clusters
// in the shapes OpenCTI's misp-feed connector maps to entities.
func TestTagsAndGalaxies(t *testing.T) {
	files := feed(t, exporttest.Library(t, exporttest.FixtureArchive, ""))
	ev := readEvent(t, files, "harbor-lure")
	var tags []string
	for _, tg := range ev.Tag {
		tags = append(tags, tg.Name)
	}
	want := []string{
		"tlp:clear",
		`misp-galaxy:threat-actor="Copper Wren"`,
		`misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1566.001"`,
		`misp-galaxy:mitre-attack-pattern="PowerShell - T1059.001"`,
		`misp-galaxy:mitre-attack-pattern="Malicious File - T1204.002"`,
		`misp-galaxy:sector="Maritime"`, `misp-galaxy:sector="Water and Wastewater"`, `misp-galaxy:sector="Dams"`,
		`misp-galaxy:country="netherlands"`, `misp-galaxy:country="norway"`,
	}
	if !slices.Equal(tags, want) {
		t.Errorf("tags:\n got %q\nwant %q", tags, want)
	}
	galaxies, err := misptest.Galaxies(files[misp.EventPath("harbor-lure")])
	if err != nil {
		t.Fatal(err)
	}
	entities, err := misptest.OpenCTIEntities(galaxies)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entities {
		got = append(got, fmt.Sprintf("%s %s %q %s %s", e.Type, e.Name, e.Aliases, e.MitreID, e.Country))
	}
	wantEntities := []string{
		`intrusion-set Copper Wren ["TIDEPOOL SPIDER" "Group 77"]  `,
		`attack-pattern Spearphishing Attachment [] T1566.001 `,
		`attack-pattern PowerShell [] T1059.001 `,
		`attack-pattern Malicious File [] T1204.002 `,
		`sector Maritime []  `, `sector Water and Wastewater []  `, `sector Dams []  `,
		`country Netherlands []  NL`, `country Norway []  NO`,
	}
	if !slices.Equal(got, wantEntities) {
		t.Errorf("OpenCTI entities:\n got %q\nwant %q", got, wantEntities)
	}
	// Each cluster's tag is one of the event's tags.
	for _, g := range galaxies {
		for _, c := range g["GalaxyCluster"].([]any) {
			if tn := c.(map[string]any)["tag_name"].(string); !slices.Contains(tags, tn) {
				t.Errorf("cluster tag %s is not an event tag", tn)
			}
		}
	}
}

// The manifest lists every event with what MISP compares (its timestamp)
// and filters on (Orgc, Tag), equal to the event's; hashes.csv has one line
// per attribute value: its MD5 and its event's UUID.
func TestManifestAndHashes(t *testing.T) {
	c := exporttest.Library(t, exporttest.FixtureArchive, "")
	files := feed(t, c)
	m := readManifest(t, files)
	if len(m) != len(c.Index.Entries) {
		t.Fatalf("%d manifest entries for %d briefs", len(m), len(c.Index.Entries))
	}
	var wantHashes []string
	for _, e := range c.Index.Entries {
		uuid := misp.EventUUID(e.Brief.Slug)
		entry, ok := m[uuid]
		if !ok {
			t.Fatalf("%s is not in the manifest", e.Brief.Slug)
		}
		ev := readEvent(t, files, e.Brief.Slug)
		if entry["info"] != ev.Info || entry["date"] != ev.Date || fmt.Sprint(entry["timestamp"]) != ev.Timestamp ||
			fmt.Sprint(entry["analysis"]) != ev.Analysis || fmt.Sprint(entry["threat_level_id"]) != ev.ThreatLevelID {
			t.Errorf("%s: manifest %v, event %+v", e.Brief.Slug, entry, ev)
		}
		if got := fmt.Sprint(entry["Orgc"]); got != fmt.Sprint(map[string]any{"name": ev.Orgc.Name, "uuid": ev.Orgc.UUID}) {
			t.Errorf("%s: manifest Orgc %s", e.Brief.Slug, got)
		}
		if tags := entry["Tag"].([]any); len(tags) != len(ev.Tag) {
			t.Errorf("%s: %d tags in the manifest, %d in the event", e.Brief.Slug, len(tags), len(ev.Tag))
		}
		for _, a := range ev.Attribute {
			h := md5.Sum([]byte(a.Value))
			wantHashes = append(wantHashes, hex.EncodeToString(h[:])+","+uuid)
		}
	}
	// The manifest is written as encoding/json writes a map of its entries.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(files[misp.Manifest], &raw); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	enc := json.NewEncoder(&again)
	enc.SetEscapeHTML(false)
	enc.Encode(raw)
	if strings.TrimSuffix(again.String(), "\n") != string(files[misp.Manifest]) {
		t.Errorf("the manifest is not what encoding/json writes of it:\n%s\n%s", files[misp.Manifest], again.String())
	}
	got := strings.Split(strings.TrimSuffix(string(files[misp.Hashes]), "\n"), "\n")
	if !slices.Equal(got, wantHashes) {
		t.Errorf("hashes.csv:\n got %q\nwant %q", got, wantHashes)
	}
}

// Same content, same bytes: two writes of the feed are identical.
func TestDeterministic(t *testing.T) {
	c := exporttest.Library(t, exporttest.FixtureArchive, "")
	a, b := feed(t, c), feed(t, c)
	if !maps.EqualFunc(a, b, func(x, y []byte) bool { return string(x) == string(y) }) {
		t.Error("two writes of the same content differ")
	}
}

// The Event Report is the brief as Markdown: title and summary escaped so
// that they show as written, dates, label and link, the claims, the body
// without raw HTML, the sources.
func TestEventReport(t *testing.T) {
	c := exporttest.Library(t, `
-- content/briefs/2024/report.md --
---
title: "Copper *Wren* [returns](javascript:alert(1))"
date: 2024-05-01
updated: 2024-05-03
summary: "- not a list <img src=x onerror=alert(1)>"
tlp: clear
sources:
  - {name: Example CERT, title: "Advisory [1]", url: "https://cert.example/a"}
attribution:
  - {actor: Copper Wren, by: Example CERT, confidence: high}
---
Before <script>alert(1)</script> after.

<div onclick="x()">
a block
</div>

## Analysis

Kept **as written**.
`, "")
	files := feed(t, c)
	ev := readEvent(t, files, "report")
	if len(ev.EventReport) != 1 {
		t.Fatalf("%d reports", len(ev.EventReport))
	}
	r := ev.EventReport[0]
	if r.Name != "Copper *Wren* [returns](javascript:alert(1))" || r.Timestamp != ev.Timestamp || r.Distribution != "5" {
		t.Errorf("report %q, timestamp %s, distribution %s", r.Name, r.Timestamp, r.Distribution)
	}
	for _, want := range []string{
		`# Copper \*Wren\* \[returns\](javascript:alert(1))` + "\n",
		"\n" + `\- not a list \<img src=x onerror=alert(1)\>` + "\n",
		"- Date: 2024-05-01 (updated 2024-05-03)\n- TLP: CLEAR\n- Brief: <" + baseURL + "briefs/report/>\n",
		"## Attribution\n\n- Example CERT attributes this activity to Copper Wren (high confidence).\n",
		"Before alert(1) after.", // as the site shows it: the tags dropped, their text kept
		"## Analysis\n\nKept **as written**.",
		"## Sources\n\n- [Example CERT: Advisory \\[1\\]](<https://cert.example/a>)\n",
	} {
		if !strings.Contains(r.Content, want) {
			t.Errorf("the report lacks %q:\n%s", want, r.Content)
		}
	}
	for _, bad := range []string{"<script", "<div", "onclick", "a block"} {
		if strings.Contains(r.Content, bad) {
			t.Errorf("the report keeps raw HTML %q:\n%s", bad, r.Content)
		}
	}
}

// The galaxy of the site's actors: one cluster per actor a published brief
// names, with its synonyms and who coined them, its origin, the highest
// confidence of the claims about it, its victims and target sectors, and
// its page; versioned by the newest brief.
func TestGalaxy(t *testing.T) {
	files := feed(t, exporttest.Library(t, exporttest.FixtureArchive, ""))
	var g map[string]any
	if err := json.Unmarshal(files[misp.GalaxyFile], &g); err != nil {
		t.Fatal(err)
	}
	var c struct {
		Type, UUID string
		Version    int
		Values     []struct {
			Value, UUID, Description string
			Meta                     map[string]any
		}
	}
	if err := json.Unmarshal(files[misp.ClustersFile], &c); err != nil {
		t.Fatal(err)
	}
	if g["type"] != misp.GalaxyType || c.Type != misp.GalaxyType || g["uuid"] != c.UUID || c.UUID != misp.GalaxyUUID {
		t.Errorf("galaxy %v %v, clusters %s %s", g["type"], g["uuid"], c.Type, c.UUID)
	}
	if c.Version != 20240620 {
		t.Errorf("version %d, want the newest brief's 20240620", c.Version)
	}
	var names []string
	for _, v := range c.Values {
		names = append(names, v.Value)
	}
	if want := []string{"Basalt Moth", "Copper Wren", "Slate Heron"}; !slices.Equal(names, want) {
		t.Fatalf("clusters %q, want %q (the amber brief's actors are not public)", names, want)
	}
	wren := c.Values[1]
	want := map[string]any{
		"synonyms":               []any{"TIDEPOOL SPIDER", "Group 77"},
		"synonyms-coined-by":     []any{"TIDEPOOL SPIDER: Example Vendor", "Group 77: Another Vendor"},
		"country":                "IR",
		"attribution-confidence": "85",
		"cfr-suspected-victims":  []any{"Netherlands", "Norway"},
		"cfr-target-category":    []any{"Water and Wastewater", "Dams", "Maritime", "Underwater basket weaving"},
		"motive":                 "espionage",
		"refs":                   []any{baseURL + "actors/copper-wren/"},
	}
	if fmt.Sprint(wren.Meta) != fmt.Sprint(want) {
		t.Errorf("Copper Wren's meta:\n got %v\nwant %v", wren.Meta, want)
	}
	if wren.Description != "A fictional espionage cluster used to test the exports." {
		t.Errorf("description %q", wren.Description)
	}
}

// Values are written as MISP stores them, so that the feed cache's hashes
// match a MISP server's own attributes: hashes and domain names in lower
// case, IPv6 addresses compressed; two spellings of one value are one
// attribute.
func TestValuesAsMISPStoresThem(t *testing.T) {
	files := feed(t, exporttest.Library(t, `
-- content/briefs/2024/cases.md --
---
title: "Cases"
date: 2024-05-01
summary: "s"
tlp: clear
iocs:
  - {type: md5, value: 0123456789ABCDEF0123456789ABCDEF}
  - {type: md5, value: 0123456789abcdef0123456789abcdef}
  - {type: domain, value: Evil.Example}
  - {type: ipv6, value: "2001:0db8:0000:0000:0000:0000:0000:0007"}
---
Body.
`, ""))
	ev := readEvent(t, files, "cases")
	var got []string
	for _, a := range ev.Attribute {
		if a.Type != "link" {
			got = append(got, a.Type+" "+a.Value)
		}
	}
	if want := []string{"md5 0123456789abcdef0123456789abcdef", "domain evil.example", "ip-dst 2001:db8::7"}; !slices.Equal(got, want) {
		t.Errorf("attributes %q, want %q", got, want)
	}
	if !strings.Contains(string(files[misp.Hashes]), misp.ValueHash("evil.example")+","+ev.UUID+"\n") {
		t.Errorf("hashes.csv does not hash the value as stored:\n%s", files[misp.Hashes])
	}
}

// An event file is what encoding/json writes of the event (Write copies
// the galaxies' clusters in rather than encode them again).
func TestEventEncoding(t *testing.T) {
	for _, archive := range []string{exporttest.FixtureArchive, "-- content/briefs/2024/bare.md --\n---\ntitle: Bare\ndate: 2024-01-02\nsummary: s\ntlp: clear\n---\n"} {
		c := exporttest.Library(t, archive, "")
		fast, slow, err := misp.EventEncodings(c.Index, c.Vocab, baseURL)
		if err != nil {
			t.Fatal(err)
		}
		if len(fast) == 0 || len(fast) != len(slow) {
			t.Fatalf("%d and %d events", len(fast), len(slow))
		}
		for i := range fast {
			if !bytes.Equal(fast[i], slow[i]) {
				t.Errorf("event %d:\n got %s\nwant %s", i, fast[i], slow[i])
			}
		}
	}
}
