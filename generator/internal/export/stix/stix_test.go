package stix_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// The checks below are written from the STIX 2.1 specification (OASIS
// Standard, parts 2-7 and 10), not from the producer: required properties
// per type, the identifier and timestamp formats, the vocabularies, and the
// relationships the specification defines between types. No maintained Go
// STIX library is served by the module proxy (github.com/TcM1911/stix2 and
// github.com/freetaxii/libstix2 answer 403), so this is the validator.

// required lists the properties STIX 2.1 requires of each type, beyond
// type, spec_version, id and created (and modified, for SDOs and SROs).
var required = map[string][]string{
	"attack-pattern":     {"name"},
	"campaign":           {"name"},
	"course-of-action":   {"name"},
	"identity":           {"name"},
	"indicator":          {"pattern", "pattern_type", "valid_from"},
	"intrusion-set":      {"name"},
	"location":           {}, // region, country or latitude+longitude: checked below
	"malware":            {"is_family"},
	"report":             {"name", "published", "object_refs"},
	"threat-actor":       {"name"},
	"vulnerability":      {"name"},
	"relationship":       {"relationship_type", "source_ref", "target_ref"},
	"marking-definition": {},
}

// relationships lists, per relationship type, the source and target types
// the specification defines it for (the ones this site can produce).
var relationships = map[string]map[string][]string{
	"attributed-to":   {"campaign": {"intrusion-set", "threat-actor"}, "intrusion-set": {"threat-actor"}},
	"targets":         {"campaign": {"identity", "location", "vulnerability"}, "intrusion-set": {"identity", "location", "vulnerability"}, "threat-actor": {"identity", "location", "vulnerability"}},
	"uses":            {"campaign": {"attack-pattern", "malware", "tool"}, "intrusion-set": {"attack-pattern", "malware", "tool"}, "threat-actor": {"attack-pattern", "malware", "tool"}},
	"mitigates":       {"course-of-action": {"attack-pattern", "indicator", "malware", "tool", "vulnerability"}},
	"indicates":       {"indicator": {"attack-pattern", "campaign", "intrusion-set", "malware", "threat-actor", "tool"}},
	"originates-from": {"intrusion-set": {"location"}, "malware": {"location"}},
}

var (
	identifierRe = regexp.MustCompile(`^([a-z][a-z0-9-]+[a-z0-9])--([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	timestampRe  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)
	hashRe       = map[string]*regexp.Regexp{"MD5": regexp.MustCompile(`^[0-9a-fA-F]{32}$`), "SHA-1": regexp.MustCompile(`^[0-9a-fA-F]{40}$`), "SHA-256": regexp.MustCompile(`^[0-9a-fA-F]{64}$`)}
)

type object = map[string]any

// checked is a bundle that passed checkBundle.
type checked struct {
	objects map[string]object
	raw     map[string][]byte // each object's JSON as written
}

func str(o object, k string) string { s, _ := o[k].(string); return s }

// checkBundle validates one bundle and returns its objects by ID.
func checkBundle(t *testing.T, name string, data []byte, v *vocab.Vocab) *checked {
	t.Helper()
	errorf := func(format string, args ...any) { t.Errorf("%s: "+format, append([]any{name}, args...)...) }
	var b struct {
		Type        string            `json:"type"`
		ID          string            `json:"id"`
		SpecVersion *string           `json:"spec_version"`
		Objects     []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if b.Type != "bundle" || !identifierRe.MatchString(b.ID) || !strings.HasPrefix(b.ID, "bundle--") {
		errorf("not a bundle: type %q id %q", b.Type, b.ID)
	}
	if b.SpecVersion != nil {
		errorf("a STIX 2.1 bundle has no spec_version")
	}
	if len(b.Objects) == 0 {
		errorf("empty bundle")
	}
	c := &checked{objects: map[string]object{}, raw: map[string][]byte{}}
	for _, r := range b.Objects {
		var o object
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.UseNumber()
		if err := dec.Decode(&o); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		id := str(o, "id")
		if _, dup := c.objects[id]; dup {
			errorf("%s appears twice", id)
		}
		c.objects[id], c.raw[id] = o, r
	}

	for id, o := range c.objects {
		typ := str(o, "type")
		m := identifierRe.FindStringSubmatch(id)
		if m == nil || m[1] != typ {
			errorf("id %q is not %s--UUID", id, typ)
			continue
		}
		u, err := uuid.Parse(m[2])
		if err != nil || u.Variant() != uuid.RFC4122 {
			errorf("%s: not an RFC 4122 UUID", id)
		}
		if typ != "marking-definition" && u.Version() != 5 {
			errorf("%s: UUID version %d, want 5 (deterministic)", id, u.Version())
		}
		req, known := required[typ]
		if !known {
			errorf("%s: unexpected type %q", id, typ)
			continue
		}
		common := []string{"type", "spec_version", "id", "created"}
		if typ != "marking-definition" {
			common = append(common, "modified")
		} else if _, has := o["modified"]; has {
			errorf("%s: a marking definition has no modified", id)
		}
		for _, k := range append(common, req...) {
			if _, ok := o[k]; !ok {
				errorf("%s: missing required property %s", id, k)
			}
		}
		if str(o, "spec_version") != "2.1" {
			errorf("%s: spec_version %q", id, str(o, "spec_version"))
		}
		for _, k := range []string{"created", "modified", "published", "valid_from", "first_seen", "last_seen"} {
			if s, ok := o[k]; ok && !timestampRe.MatchString(fmt.Sprint(s)) {
				errorf("%s: %s %q is not a STIX timestamp", id, k, s)
			}
		}
		if str(o, "modified") != "" && str(o, "modified") < str(o, "created") {
			errorf("%s: modified before created", id)
		}
		if fs, ls := str(o, "first_seen"), str(o, "last_seen"); fs != "" && ls != "" && ls < fs {
			errorf("%s: last_seen before first_seen", id)
		}
		if conf, ok := o["confidence"]; ok {
			n, err := conf.(json.Number).Int64()
			if err != nil || n < 0 || n > 100 {
				errorf("%s: confidence %v is not an integer 0-100", id, conf)
			}
		}
		// Every *_ref and *_refs, at any depth, resolves in this bundle.
		walkRefs(o, func(key, ref string) {
			if _, ok := c.objects[ref]; !ok {
				errorf("%s: %s %s does not resolve in the bundle", id, key, ref)
			} else if key == "created_by_ref" && !strings.HasPrefix(ref, "identity--") {
				errorf("%s: created_by_ref %s is not an identity", id, ref)
			} else if key == "object_marking_refs" && !strings.HasPrefix(ref, "marking-definition--") {
				errorf("%s: object_marking_refs %s is not a marking definition", id, ref)
			}
		})
		if typ != "marking-definition" {
			if refs, _ := o["object_marking_refs"].([]any); len(refs) != 1 {
				errorf("%s: want exactly one TLP marking, got %v", id, o["object_marking_refs"])
			}
		}
		checkType(errorf, id, typ, o, c, v)
	}
	return c
}

func walkRefs(v any, fn func(key, ref string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch {
			case strings.HasSuffix(k, "_ref"):
				fn(k, fmt.Sprint(x))
			case strings.HasSuffix(k, "_refs"):
				for _, r := range x.([]any) {
					fn(k, fmt.Sprint(r))
				}
			default:
				walkRefs(x, fn)
			}
		}
	case []any:
		for _, x := range v {
			walkRefs(x, fn)
		}
	}
}

func extRefs(o object) []map[string]any {
	var out []map[string]any
	for _, r := range o["external_references"].([]any) {
		out = append(out, r.(map[string]any))
	}
	return out
}

func checkType(errorf func(string, ...any), id, typ string, o object, c *checked, v *vocab.Vocab) {
	switch typ {
	case "report":
		if refs, _ := o["object_refs"].([]any); len(refs) == 0 {
			errorf("%s: empty object_refs", id)
		}
	case "identity":
		cls := str(o, "identity_class")
		if !slices.Contains([]string{"individual", "group", "system", "organization", "class", "unknown"}, cls) {
			errorf("%s: identity_class %q", id, cls)
		}
		// The sector values are checked against the official vocabulary
		// by TestBundlesMatchTheOfficialSchemas.
		if _, ok := o["sectors"].([]any); ok && cls != "class" {
			errorf("%s: a sector identity has identity_class %q", id, cls)
		}
	case "location":
		cc := str(o, "country")
		if _, ok := v.Country(cc); !ok {
			errorf("%s: country %q is not an ISO 3166-1 alpha-2 code", id, cc)
		}
	case "malware":
		if f, ok := o["is_family"].(bool); !ok || !f || str(o, "name") == "" {
			errorf("%s: want is_family true and a name", id)
		}
	case "attack-pattern":
		refs := extRefs(o)
		if len(refs) == 0 || refs[0]["source_name"] != "mitre-attack" {
			errorf("%s: no mitre-attack external reference", id)
			return
		}
		tid := fmt.Sprint(refs[0]["external_id"])
		tech, ok := v.Technique(tid)
		if !ok {
			errorf("%s: %s is not an ATT&CK technique", id, tid)
		}
		want := "https://attack.mitre.org/techniques/" + strings.ReplaceAll(tid, ".", "/") + "/"
		if refs[0]["url"] != want {
			errorf("%s: url %v, want %s", id, refs[0]["url"], want)
		}
		for _, p := range o["kill_chain_phases"].([]any) {
			ph := p.(map[string]any)
			if ph["kill_chain_name"] != "mitre-attack" || !slices.Contains(tech.Tactics, fmt.Sprint(ph["phase_name"])) {
				errorf("%s: kill chain phase %v is not a tactic of %s", id, ph, tid)
			}
		}
	case "course-of-action":
		if refs, ok := o["external_references"]; ok {
			r := refs.([]any)[0].(map[string]any)
			if _, ok := v.Mitigation(fmt.Sprint(r["external_id"])); !ok || r["source_name"] != "mitre-attack" {
				errorf("%s: external reference %v is not an ATT&CK mitigation", id, r)
			}
		}
	case "vulnerability":
		refs := extRefs(o)
		if len(refs) == 0 || refs[0]["source_name"] != "cve" || !vocab.CVERe.MatchString(fmt.Sprint(refs[0]["external_id"])) {
			errorf("%s: want a cve external reference, got %v", id, refs)
		}
	case "indicator":
		if str(o, "pattern_type") != "stix" {
			errorf("%s: pattern_type %q", id, str(o, "pattern_type"))
			return
		}
		cmps, err := parsePattern(str(o, "pattern"))
		if err != nil {
			errorf("%s: pattern %q: %v", id, str(o, "pattern"), err)
			return
		}
		for _, cmp := range cmps {
			if msg := checkObservable(cmp); msg != "" {
				errorf("%s: pattern %q: %s", id, str(o, "pattern"), msg)
			}
		}
	case "relationship":
		rt := str(o, "relationship_type")
		src, dst := strings.Split(str(o, "source_ref"), "--")[0], strings.Split(str(o, "target_ref"), "--")[0]
		if !slices.Contains(relationships[rt][src], dst) {
			errorf("%s: STIX defines no %s relationship from %s to %s", id, rt, src, dst)
		}
		// An attribution is a claim (who made it and how confident) or the
		// publisher's link of an actor it names to the activity, which says
		// it names no claimant; never half of a claim.
		if rt == "attributed-to" {
			claim := str(o, "created_by_ref") != ""
			if claim != (o["confidence"] != nil) {
				errorf("%s: an attribution claim without its claimant or confidence", id)
			}
			if !claim && !strings.Contains(str(o, "description"), "without naming who attributes it") {
				errorf("%s: an attribution without a claimant does not say so: %q", id, str(o, "description"))
			}
		}
	case "marking-definition":
		ext, _ := o["extensions"].(map[string]any)
		tlp, _ := ext[stix.TLPExtension].(map[string]any)
		level, _ := brief.ParseTLP(fmt.Sprint(tlp["tlp_2_0"]))
		want, ok := stix.TLPMarkingID(level)
		if !ok || want != id || str(o, "name") != "TLP:"+strings.ToUpper(string(level)) || tlp["extension_type"] != "property-extension" {
			errorf("%s: not a TLP 2.0 marking definition: %v", id, o)
		}
	}
}

// checkObservable checks that a comparison names a real cyber-observable
// property and a value of its form.
func checkObservable(c comparison) string {
	path := c.ObjectType + ":" + strings.Join(c.Path, ".")
	if c.Op != "=" {
		return "want an equality comparison, got " + c.Op
	}
	switch path {
	case "ipv4-addr:value":
		if a, err := netip.ParseAddr(c.Value); err != nil || !a.Is4() {
			return "not an IPv4 address: " + c.Value
		}
	case "ipv6-addr:value":
		if a, err := netip.ParseAddr(c.Value); err != nil || !a.Is6() {
			return "not an IPv6 address: " + c.Value
		}
	case "domain-name:value", "url:value", "email-addr:value", "file:name":
		if c.Value == "" {
			return "empty value"
		}
	case "file:hashes.MD5", "file:hashes.SHA-1", "file:hashes.SHA-256":
		if !hashRe[c.Path[1]].MatchString(c.Value) {
			return "not a " + c.Path[1] + " hash: " + c.Value
		}
	default:
		return "unexpected object path " + path
	}
	return ""
}

// exportedSite is a checked library and the files the STIX exporter wrote
// for it, and the bundles its terms named by one brief would have of their
// own (by the path they would have), which it does not write.
type exportedSite struct {
	*export.Site
	files map[string][]byte
	own   map[string][]byte
}

func exported(t *testing.T, s *export.Site) *exportedSite {
	t.Helper()
	files := exporttest.Export(t, s, stix.Exporter{})
	g, err := stix.SiteGraph(s)
	if err != nil {
		t.Fatal(err)
	}
	own := map[string][]byte{}
	for _, k := range s.Index.Kinds {
		for _, term := range s.Index.Terms[k.Name] {
			if export.SharesBriefSTIX(term) {
				if own[export.TermSTIX(term)], err = stix.TermBundle(g, term); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return &exportedSite{s, files, own}
}

// written lists the STIX bundles the exporter wrote.
func written(s *exportedSite) map[string][]byte {
	out := map[string][]byte{}
	for name, data := range s.files {
		if strings.HasSuffix(name, "stix.json") || name == "stix/bundle.json" {
			out[name] = data
		}
	}
	return out
}

// bundles reads every STIX bundle of a site, with those of the terms named
// by one brief that the exporter does not write, so that what they would
// hold is checked too (each brief's bundle holds it: see
// TestSingleBriefTermsShareBundle).
func bundles(s *exportedSite) map[string][]byte {
	out := written(s)
	for name, data := range s.own {
		if _, dup := out[name]; dup {
			panic("the exporter wrote the bundle of a term named by one brief: " + name)
		}
		out[name] = data
	}
	return out
}

// checkAll validates every bundle and that an object is the same, byte for
// byte, in every bundle that holds it.
func checkAll(t *testing.T, s *exportedSite) map[string]*checked {
	t.Helper()
	out := map[string]*checked{}
	seen := map[string][]byte{}
	byName := map[string]string{} // intrusion-set name → ID
	for name, data := range bundles(s) {
		c := checkBundle(t, name, data, s.Vocab)
		out[name] = c
		for id, raw := range c.raw {
			if _, ok := seen[id]; !ok {
				checkEncoding(t, raw)
			}
			if prev, ok := seen[id]; ok && !bytes.Equal(prev, raw) {
				t.Errorf("%s differs between bundles:\n%s\n%s", id, prev, raw)
			}
			seen[id] = raw
			if o := c.objects[id]; str(o, "type") == "intrusion-set" {
				if prev, ok := byName[str(o, "name")]; ok && prev != id {
					t.Errorf("actor %s has IDs %s and %s", str(o, "name"), prev, id)
				}
				byName[str(o, "name")] = id
			}
		}
	}
	return out
}

// checkEncoding checks that an object is written exactly as encoding/json
// writes the stix.Object it decodes to (relationships are written by hand,
// for speed): no property the type lacks, none out of order, no other
// spacing or escaping.
func checkEncoding(t *testing.T, raw []byte) {
	t.Helper()
	var o stix.Object
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		t.Errorf("%s: %v", raw, err)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&o); err != nil {
		t.Fatal(err)
	}
	if want := bytes.TrimSuffix(buf.Bytes(), []byte("\n")); !bytes.Equal(raw, want) {
		t.Errorf("an object is not encoded as encoding/json encodes it:\n%s\nwant\n%s", raw, want)
	}
}

func find(c *checked, typ, name string) object {
	for _, o := range c.objects {
		if str(o, "type") == typ && str(o, "name") == name {
			return o
		}
	}
	return nil
}

func TestFixtureBundles(t *testing.T) {
	t.Parallel()
	s := exported(t, exporttest.Fixture(t, ""))
	all := checkAll(t, s)
	checkSchemas(t, s)

	// One bundle per brief, per actor and per campaign named by more than
	// one brief (Slate Heron, Basalt Moth and Harbor Lure are named by one
	// each, whose bundle their pages link), and the site's.
	want := []string{"stix/bundle.json", "briefs/harbor-lure/stix.json", "briefs/slate-heron/stix.json", "briefs/basalt-moth/stix.json",
		"actors/copper-wren/stix.json"}
	got := slices.Sorted(maps.Keys(written(s)))
	if slices.Sort(want); !slices.Equal(got, want) {
		t.Errorf("bundles written %v, want %v", got, want)
	}
	site := all["stix/bundle.json"]

	// The actor is one intrusion-set with its profile, in every bundle.
	wren := find(site, "intrusion-set", "Copper Wren")
	if wren == nil {
		t.Fatal("no intrusion-set Copper Wren")
	}
	for _, b := range []string{"briefs/harbor-lure/stix.json", "briefs/slate-heron/stix.json", "actors/copper-wren/stix.json", "campaigns/harbor-lure/stix.json"} {
		if all[b].objects[str(wren, "id")] == nil {
			t.Errorf("%s does not hold Copper Wren", b)
		}
	}
	if fmt.Sprint(wren["aliases"]) != "[TIDEPOOL SPIDER Group 77]" || str(wren, "primary_motivation") != "organizational-gain" ||
		str(wren, "first_seen") != "2022-06-01T00:00:00.000Z" {
		t.Errorf("Copper Wren lost its profile: %v", wren)
	}
	// Created with the first brief naming it, modified with the last update.
	if str(wren, "created") != "2024-03-04T00:00:00.000Z" || str(wren, "modified") != "2024-06-20T00:00:00.000Z" {
		t.Errorf("Copper Wren dated %s / %s", str(wren, "created"), str(wren, "modified"))
	}

	// The claim: campaign attributed-to actor, by the claimant, at 85.
	harbor := find(site, "campaign", "Harbor Lure")
	cert := find(site, "identity", "Example CERT")
	claim := relationship(site, "attributed-to", harbor, wren)
	if claim == nil || str(claim, "created_by_ref") != str(cert, "id") || fmt.Sprint(claim["confidence"]) != "85" {
		t.Errorf("attribution claim: %v", claim)
	}
	// The actor's bundle: the actor, its relationships and their ends, the
	// claimant; the reports stay in the briefs' bundles.
	actor := all["actors/copper-wren/stix.json"]
	for _, o := range []object{claim, cert, harbor, find(site, "attack-pattern", "Phishing: Spearphishing Attachment")} {
		if o == nil || actor.objects[str(o, "id")] == nil {
			t.Errorf("the actor bundle lacks %v", o)
		}
	}
	for id := range actor.objects {
		if strings.HasPrefix(id, "report--") {
			t.Errorf("the actor bundle holds %s", id)
		}
	}
	if str(harbor, "first_seen") != "2024-01-01T00:00:00.000Z" || str(harbor, "last_seen") != "2024-02-29T23:59:59.999Z" {
		t.Errorf("Harbor Lure seen %s – %s", str(harbor, "first_seen"), str(harbor, "last_seen"))
	}
	// A claim in a brief with no campaign gets a campaign standing for the
	// brief's activity.
	heron := find(site, "intrusion-set", "Slate Heron")
	activity := find(site, "campaign", "-Slate Heron and Copper Wren overlap")
	if c := relationship(site, "attributed-to", activity, heron); c == nil || fmt.Sprint(c["confidence"]) != "15" ||
		str(site.objects[str(c, "created_by_ref")], "name") != "Vendor B" {
		t.Errorf("the claim without a campaign: %v", c)
	}
	// The source publisher is an identity the report refers to.
	report := find(all["briefs/harbor-lure/stix.json"], "report", "Copper Wren phishes port operators")
	if report == nil || !slices.Contains(report["object_refs"].([]any), any(str(cert, "id"))) {
		t.Errorf("the report does not refer to its source's identity: %v", report)
	}
	if str(report, "published") != "2024-03-04T00:00:00.000Z" {
		t.Errorf("published %s", str(report, "published"))
	}

	// Sectors are identities of class "class" with STIX's sector values;
	// one off the list has none.
	if w := find(site, "identity", "Water and Wastewater"); w == nil || fmt.Sprint(w["sectors"]) != "[water]" || str(w, "identity_class") != "class" {
		t.Errorf("Water sector: %v", w)
	}
	if u := find(site, "identity", "Underwater basket weaving"); u == nil || u["sectors"] != nil {
		t.Errorf("off-list sector: %v", u)
	}
	if nl := find(site, "location", "Netherlands"); nl == nil || str(nl, "country") != "NL" {
		t.Errorf("location NL: %v", nl)
	}
	if ir := find(site, "location", "Iran"); ir == nil || relationship(site, "originates-from", wren, ir) == nil {
		t.Error("the profile's origin is not an originates-from location")
	}
	for _, rt := range []string{"uses", "targets", "mitigates", "indicates"} {
		if !hasRelationship(site, rt) {
			t.Errorf("no %s relationship", rt)
		}
	}
	if co := find(site, "course-of-action", "Mail gateway sandboxing"); co == nil || co["external_references"] != nil {
		t.Errorf("free-text mitigation: %v", co)
	}

	// Every IOC is an indicator whose pattern matches exactly its value.
	patterns := map[string]comparison{}
	for _, o := range site.objects {
		if str(o, "type") == "indicator" {
			cmps, _ := parsePattern(str(o, "pattern"))
			if len(cmps) != 1 {
				t.Fatalf("pattern %q: %d comparisons", str(o, "pattern"), len(cmps))
			}
			patterns[cmps[0].Value] = cmps[0]
		}
	}
	for value, path := range map[string]string{
		"198.51.100.7":        "ipv4-addr:value",
		"2001:db8::7":         "ipv6-addr:value",
		"harbor-lure.example": "domain-name:value",
		"heron-mail.example":  "domain-name:value",
		"https://harbor-lure.example/invoice.php?id=1&x=2": "url:value",
		"billing@harbor-lure.example":                      "email-addr:value",
		`it's\invoice.js`:                                  "file:name",
		strings.Repeat("0123456789abcdef", 2):              "file:hashes.MD5",
		strings.Repeat("0123456789abcdef", 2) + "01234567": "file:hashes.SHA-1",
		strings.Repeat("0123456789abcdef", 4):              "file:hashes.SHA-256",
	} {
		c, ok := patterns[value]
		if got := c.ObjectType + ":" + strings.Join(c.Path, "."); !ok || got != path {
			t.Errorf("IOC %q: pattern compares %s, want %s", value, got, path)
		}
	}

	// Timestamps come from the briefs (and the TLP marking's own date).
	dates := map[string]bool{"2024-02-12": true, "2024-03-04": true, "2024-06-10": true, "2024-06-20": true, "2022-10-01": true}
	for id, o := range site.objects {
		for _, k := range []string{"created", "modified", "published", "valid_from"} {
			if s := str(o, k); s != "" && !dates[s[:10]] {
				t.Errorf("%s: %s %s is not a brief's date", id, k, s)
			}
		}
	}
	// The restricted brief is nowhere.
	for name, data := range bundles(s) {
		for _, secret := range []string{"amber-only", "Glass Finch", "Quiet Tide", "Restricted"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s contains %q from the amber brief", name, secret)
			}
		}
	}
}

// What a brief reports is asserted once, by its activity: its campaigns
// (or the campaign standing for it) use and target its terms and are
// attributed to its actors; only a brief naming actors with neither a
// campaign nor a claim has them use and target directly. An actor's bundle
// still shows what it uses, through its campaigns.
func TestCampaignCentric(t *testing.T) {
	t.Parallel()
	s := exported(t, exporttest.Fixture(t, ""))
	all := checkAll(t, s)
	site := all["stix/bundle.json"]
	wren, heron, moth := find(site, "intrusion-set", "Copper Wren"), find(site, "intrusion-set", "Slate Heron"), find(site, "intrusion-set", "Basalt Moth")
	harbor, activity := find(site, "campaign", "Harbor Lure"), find(site, "campaign", "-Slate Heron and Copper Wren overlap")
	phishing, rdp, exploit := find(site, "attack-pattern", "Phishing: Spearphishing Attachment"),
		find(site, "attack-pattern", "Remote Services: Remote Desktop Protocol"), find(site, "attack-pattern", "Exploit Public-Facing Application")
	water := find(site, "identity", "Water and Wastewater")
	for _, o := range []object{wren, heron, moth, harbor, activity, phishing, rdp, exploit, water} {
		if o == nil {
			t.Fatal("the fixture's objects are missing")
		}
	}

	// In every brief with a campaign, no actor uses, targets or is
	// indicated: the campaign does, and each assertion is made once.
	for name, c := range all {
		if !strings.HasPrefix(name, "briefs/") {
			continue
		}
		hasCampaign := false
		for _, o := range c.objects {
			hasCampaign = hasCampaign || str(o, "type") == "campaign"
		}
		for id, o := range c.objects {
			rt := str(o, "relationship_type")
			if !hasCampaign || (rt != "uses" && rt != "targets" && rt != "indicates") {
				continue
			}
			for _, end := range []string{str(o, "source_ref"), str(o, "target_ref")} {
				if strings.HasPrefix(end, "intrusion-set--") {
					t.Errorf("%s: %s %s involves the actor %s, not the campaign", name, id, rt, end)
				}
			}
		}
	}
	for _, c := range []struct {
		typ      string
		src, dst object
		want     bool
	}{
		{"uses", harbor, phishing, true},
		{"uses", activity, rdp, true},
		{"targets", activity, water, true},
		{"uses", wren, phishing, false},
		{"uses", wren, rdp, false},
		{"uses", heron, rdp, false},
		// Basalt Moth's brief names neither a campaign nor a claim.
		{"uses", moth, exploit, true},
		{"targets", moth, water, true},
	} {
		if got := relationship(site, c.typ, c.src, c.dst) != nil; got != c.want {
			t.Errorf("%s %s %s: %v, want %v", str(c.src, "name"), c.typ, str(c.dst, "name"), got, c.want)
		}
	}

	// An actor's origin is its profile's statement: the actor's bundle
	// holds it, the briefs' bundles do not.
	origin := relationship(site, "originates-from", wren, find(site, "location", "Iran"))
	if origin == nil || all["actors/copper-wren/stix.json"].objects[str(origin, "id")] == nil {
		t.Error("the Copper Wren bundle lacks its origin")
	}
	for name, c := range all {
		if strings.HasPrefix(name, "briefs/") && c.objects[str(origin, "id")] != nil {
			t.Errorf("%s holds the actor's origin", name)
		}
	}

	// Copper Wren, named in the second brief without a claimant, is linked
	// to its activity by an attribution that carries no claimant, beside
	// Vendor B's claim about Slate Heron.
	plain := relationship(site, "attributed-to", activity, wren)
	if plain == nil || plain["created_by_ref"] != nil || plain["confidence"] != nil {
		t.Errorf("Copper Wren's attribution without a claimant: %v", plain)
	}
	if c := relationship(site, "attributed-to", activity, heron); c == nil || c["created_by_ref"] == nil {
		t.Errorf("Slate Heron's claim: %v", c)
	}
	// The indicators point at the activity, and at the actor only where
	// the actor is the activity.
	for value, want := range map[string]object{"harbor-lure.example": harbor, "heron-mail.example": activity, "203.0.113.9": moth} {
		var ind object
		for _, o := range site.objects {
			if str(o, "type") == "indicator" && str(o, "name") == value {
				ind = o
			}
		}
		if relationship(site, "indicates", ind, want) == nil {
			t.Errorf("the indicator %s does not indicate %s", value, str(want, "name"))
		}
		for _, a := range []object{wren, heron} {
			if relationship(site, "indicates", ind, a) != nil {
				t.Errorf("the indicator %s indicates the actor %s beside its campaign", value, str(a, "name"))
			}
		}
	}

	// The actor's bundle goes two hops: its campaigns and what they use and
	// target, each once (by the newest campaign); not the other actors they
	// are attributed to, nor their indicators (which the campaigns' bundles
	// hold).
	actor := all["actors/copper-wren/stix.json"]
	for _, o := range []object{harbor, activity, plain, relationship(site, "uses", activity, phishing),
		relationship(site, "uses", activity, rdp), relationship(site, "targets", activity, water),
		relationship(site, "uses", harbor, find(site, "malware", "ReefLoader"))} {
		if o == nil || actor.objects[str(o, "id")] == nil {
			t.Errorf("the Copper Wren bundle lacks %v", o)
		}
	}
	if all["actors/basalt-moth/stix.json"].objects[str(find(site, "indicator", "203.0.113.9"), "id")] == nil {
		t.Error("the bundle of an actor named without a campaign lacks the indicator of it")
	}
	// Everything its campaigns use or target, in the site's bundle, is used
	// or targeted exactly once in the actor's.
	want, got := map[string]int{}, map[string]int{}
	for _, o := range site.objects {
		if rt := str(o, "relationship_type"); (rt == "uses" || rt == "targets") && (str(o, "source_ref") == str(harbor, "id") || str(o, "source_ref") == str(activity, "id")) {
			want[rt+" "+str(o, "target_ref")] = 1
		}
	}
	for _, o := range actor.objects {
		if rt := str(o, "relationship_type"); rt == "uses" || rt == "targets" {
			got[rt+" "+str(o, "target_ref")]++
		}
	}
	if len(want) < 10 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the Copper Wren bundle uses and targets\n%v\nwant each of\n%v", got, want)
	}
	if actor.objects[str(heron, "id")] != nil {
		t.Error("the Copper Wren bundle holds Slate Heron, attributed the same activity")
	}
	if h := all["actors/slate-heron/stix.json"]; h.objects[str(harbor, "id")] != nil || h.objects[str(relationship(site, "uses", activity, rdp), "id")] == nil {
		t.Error("the Slate Heron bundle holds another actor's campaign, or lacks what its own activity uses")
	}
}

func relationship(c *checked, typ string, src, dst object) object {
	for _, o := range c.objects {
		if str(o, "relationship_type") == typ && str(o, "source_ref") == str(src, "id") && str(o, "target_ref") == str(dst, "id") {
			return o
		}
	}
	return nil
}

func hasRelationship(c *checked, typ string) bool {
	for _, o := range c.objects {
		if str(o, "relationship_type") == typ {
			return true
		}
	}
	return false
}

// An internal edition marks each object with the least restricted brief
// naming it.
func TestInternalEditionMarkings(t *testing.T) {
	t.Parallel()
	s := exported(t, exporttest.Fixture(t, brief.TLPAmber))
	all := checkAll(t, s)
	site := all["stix/bundle.json"]
	public, _ := stix.TLPMarkingID(brief.TLPClear)
	amber, _ := stix.TLPMarkingID(brief.TLPAmber)
	marking := func(o object) string { return fmt.Sprint(o["object_marking_refs"].([]any)[0]) }
	if o := find(site, "intrusion-set", "Copper Wren"); marking(o) != public {
		t.Errorf("Copper Wren, named in public briefs, is marked %s", marking(o))
	}
	if o := find(site, "intrusion-set", "Glass Finch"); o == nil || marking(o) != amber {
		t.Errorf("Glass Finch, named only in the amber brief: %v", o)
	}
	if o := find(site, "report", "Restricted follow-up"); o == nil || marking(o) != amber {
		t.Errorf("the amber report: %v", o)
	}
	if site.objects[public] == nil || site.objects[amber] == nil {
		t.Error("the site bundle lacks a marking definition in use")
	}

	// Glass Finch is named only in the amber brief, which also names the
	// public Harbor Lure campaign: its bundle holds what the campaigns do in
	// that brief, once per technique and sector, and not what Harbor Lure
	// does in the public brief, which does not name Glass Finch.
	finch := all["actors/glass-finch/stix.json"]
	harbor := find(site, "campaign", "Harbor Lure")
	if finch.objects[str(harbor, "id")] == nil || finch.objects[str(find(site, "campaign", "Quiet Tide"), "id")] == nil {
		t.Fatal("the Glass Finch bundle lacks its campaigns")
	}
	got := map[string]int{}
	for _, o := range finch.objects {
		if rt := str(o, "relationship_type"); rt == "uses" || rt == "targets" {
			got[str(site.objects[str(o, "target_ref")], "name")]++
		}
	}
	want := map[string]int{"Data Encrypted for Impact": 1, "Phishing: Spearphishing Attachment": 1, "Water and Wastewater": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the Glass Finch bundle uses and targets %v, want %v", got, want)
	}
	if relationship(site, "uses", harbor, find(site, "attack-pattern", "Command and Scripting Interpreter: PowerShell")) == nil {
		t.Error("Harbor Lure does not use PowerShell in the site bundle")
	}
}

func TestExampleSiteBundles(t *testing.T) {
	t.Parallel()
	s := exported(t, exporttest.Example(t))
	all := checkAll(t, s)
	checkSchemas(t, s)
	site := all["stix/bundle.json"]
	if site == nil {
		t.Fatal("no site bundle")
	}
	// Every published brief, actor and campaign has its bundle.
	ix := s.Index
	for _, e := range ix.Entries {
		if all["briefs/"+e.Brief.Slug+"/stix.json"] == nil {
			t.Errorf("no bundle for brief %s", e.Brief.Slug)
		}
	}
	files := written(s)
	for _, k := range []string{"actors", "campaigns"} {
		for _, term := range ix.Terms[k] {
			if files[export.TermBundle(term)] == nil {
				t.Errorf("no bundle for %s at %s", term.URL, export.TermBundle(term))
			}
		}
	}
	counts := map[string]int{}
	for _, o := range site.objects {
		counts[str(o, "type")]++
		if str(o, "type") == "relationship" {
			counts["relationship:"+str(o, "relationship_type")]++
		}
	}
	if counts["report"] != len(ix.Entries) || counts["intrusion-set"] != len(ix.Terms["actors"]) ||
		counts["attack-pattern"] != len(ix.Terms["techniques"]) {
		t.Errorf("site bundle counts %v do not match the index", counts)
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var lines []string
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("%s=%d", k, counts[k]))
	}
	t.Logf("site bundle: %d objects: %s", len(site.objects), strings.Join(lines, " "))

	// Actors and malware ATT&CK knows carry its reference (from the
	// profile's ID or ATT&CK's own) and ATT&CK's other names; actors keep
	// the IDs they had.
	for _, tc := range []struct{ typ, name, key, attack, url, alias string }{
		{"intrusion-set", "Sandworm Team", "sandwormteam", "G0034", "https://attack.mitre.org/groups/G0034/", "FROZENBARENTS"},
		{"intrusion-set", "Salt Typhoon", "salttyphoon", "G1045", "https://attack.mitre.org/groups/G1045/", "GhostEmperor"},
		{"malware", "NotPetya", "notpetya", "S0368", "https://attack.mitre.org/software/S0368/", "Nyetya"},
	} {
		o := find(site, tc.typ, tc.name)
		if o == nil {
			t.Errorf("no %s %s", tc.typ, tc.name)
			continue
		}
		if str(o, "id") != stix.ID(tc.typ, tc.key) {
			t.Errorf("%s has the ID %s, not the one it had (%s)", tc.name, str(o, "id"), stix.ID(tc.typ, tc.key))
		}
		var mitre []string
		refs, _ := o["external_references"].([]any)
		for _, r := range refs {
			if r, _ := r.(map[string]any); str(r, "source_name") == "mitre-attack" {
				mitre = append(mitre, str(r, "external_id")+" "+str(r, "url"))
			}
		}
		if want := []string{tc.attack + " " + tc.url}; !slices.Equal(mitre, want) {
			t.Errorf("%s mitre-attack references %q; want %q", tc.name, mitre, want)
		}
		if !slices.Contains(strings.Fields(strings.Trim(fmt.Sprint(o["aliases"]), "[]")), tc.alias) {
			t.Errorf("%s aliases %v lack %s", tc.name, o["aliases"], tc.alias)
		}
	}
}

// IDs depend only on the fixed namespace and the canonical key: pinning one
// catches a change that would re-identify every published object.
func TestIDsAreStable(t *testing.T) {
	t.Parallel()
	ns := uuid.MustParse("17895ba9-4497-495d-b9e2-f5af72a6c66d")
	want := "intrusion-set--" + uuid.NewSHA1(ns, []byte("intrusion-set|voltyphoon")).String()
	if got := stix.ID("intrusion-set", "voltyphoon"); got != want {
		t.Errorf("ID = %s, want %s", got, want)
	}
	if stix.ID("campaign", "x") == stix.ID("intrusion-set", "x") {
		t.Error("objects of two types with one key share a UUID")
	}
}

func TestPatternQuoting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ typ, value, want string }{
		{"ipv4", "203.0.113.44", `[ipv4-addr:value = '203.0.113.44']`},
		{"sha256", strings.Repeat("ab", 32), `[file:hashes.'SHA-256' = '` + strings.Repeat("ab", 32) + `']`},
		{"filename", `a'b\c`, `[file:name = 'a\'b\\c']`},
	} {
		got, err := stix.Pattern(tc.typ, tc.value)
		if err != nil || got != tc.want {
			t.Errorf("Pattern(%s, %q) = %q, %v; want %q", tc.typ, tc.value, got, err, tc.want)
		}
		cmps, err := parsePattern(got)
		if err != nil || len(cmps) != 1 || cmps[0].Value != tc.value {
			t.Errorf("%q parses to %v, %v", got, cmps, err)
		}
	}
	for _, typ := range brief.IOCTypes() {
		if _, err := stix.Pattern(typ, "x"); err != nil {
			t.Errorf("IOC type %s has no pattern: %v", typ, err)
		}
	}
	if _, err := stix.Pattern("yara", "x"); err == nil {
		t.Error("an unknown IOC type got a pattern")
	}
	// The parser rejects what the grammar does, so it can fail.
	for _, bad := range []string{
		`[file:hashes.SHA-256 = 'ab']`, `[ipv4-addr:value = 'a\x']`, `[ipv4-addr:value = '1.2.3.4'`,
		`ipv4-addr:value = '1.2.3.4'`, `[ipv4-addr = '1.2.3.4']`, `[ipv4-addr:value '1.2.3.4']`,
	} {
		if _, err := parsePattern(bad); err == nil {
			t.Errorf("parsePattern accepted %q", bad)
		}
	}
	for _, good := range []string{
		`[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'x.example'] WITHIN 600 SECONDS`,
		`([file:name = 'a' OR file:size > 10] FOLLOWEDBY [x-custom:list[*].a NOT IN ('a', 'b')]) REPEATS 2 TIMES`,
		`[file:created = t'2024-01-01T00:00:00Z'] START t'2024-01-01T00:00:00Z' STOP t'2024-01-02T00:00:00.5Z'`,
	} {
		if _, err := parsePattern(good); err != nil {
			t.Errorf("parsePattern(%q): %v", good, err)
		}
	}
}

// The site's graph is built once per Site: the STIX and TAXII exporters
// of one build read one graph, and another build (another Site) gets its
// own.
func TestSiteGraphIsShared(t *testing.T) {
	t.Parallel()
	s := exporttest.Fixture(t, "")
	a, err := stix.SiteGraph(s)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := stix.SiteGraph(s); a != b {
		t.Error("a second call built another graph")
	}
	if c, _ := stix.SiteGraph(exporttest.Fixture(t, "")); c == a {
		t.Error("another site got this site's graph")
	}
}

// A term named by one brief, without a profile, has no bundle file of its
// own: its page links the brief's, which holds every object its own would
// (and the brief's report besides). A term named by several, or profiled,
// has its own.
func TestSingleBriefTermsShareBundle(t *testing.T) {
	t.Parallel()
	for name, site := range map[string]*export.Site{"fixture": exporttest.Fixture(t, ""), "example": exporttest.Example(t)} {
		s := exported(t, site)
		files := written(s)
		ids := func(data []byte) map[string]bool {
			var b struct {
				Objects []struct {
					ID string `json:"id"`
				} `json:"objects"`
			}
			if err := json.Unmarshal(data, &b); err != nil {
				t.Fatal(err)
			}
			out := map[string]bool{}
			for _, o := range b.Objects {
				out[o.ID] = true
			}
			return out
		}
		single, several := 0, 0
		for _, k := range s.Index.Kinds {
			for _, term := range s.Index.Terms[k.Name] {
				if !export.HasSTIX(term) {
					if files[export.TermSTIX(term)] != nil {
						t.Errorf("%s: %s has a bundle, though its kind has none", name, term.URL)
					}
					continue
				}
				if len(term.Entries) != 1 || term.Profile != nil {
					several++
					if files[export.TermSTIX(term)] == nil || export.TermBundle(term) != export.TermSTIX(term) {
						t.Errorf("%s: %s, named by %d briefs (profiled: %v), has no bundle of its own", name, term.URL, len(term.Entries), term.Profile != nil)
					}
					continue
				}
				single++
				if files[export.TermSTIX(term)] != nil {
					t.Errorf("%s: %s, named by one brief without a profile, has a bundle of its own", name, term.URL)
				}
				link := export.TermBundle(term)
				if link != export.BriefSTIX(term.Entries[0]) || files[link] == nil {
					t.Errorf("%s: %s links %s, not its brief's bundle", name, term.URL, link)
					continue
				}
				have := ids(files[link])
				for id := range ids(s.own[export.TermSTIX(term)]) {
					if !have[id] {
						t.Errorf("%s: %s lacks %s, which %s's own bundle would hold", name, link, id, term.URL)
					}
				}
			}
		}
		if single == 0 || several == 0 {
			t.Errorf("%s: %d terms with a bundle named by one brief, %d by several: the test needs both", name, single, several)
		}
	}
}
