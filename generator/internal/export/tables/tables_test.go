package tables_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/tables"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

func TestNeutralize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"plain": "plain", "": "", "a=b": "a=b", "'quoted": "'quoted",
	} {
		if got := tables.Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBriefsCSV(t *testing.T) {
	t.Parallel()
	files := exporttest.Export(t, exporttest.Fixture(t, ""), tables.Briefs{})
	rows, err := csv.NewReader(bytes.NewReader(files["briefs.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Equal(rows[0], tables.CSVHeader(taxonomy.Kinds())) {
		t.Fatalf("briefs.csv has %d rows, header %v", len(rows), rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	heron, harbor, moth := rows[1], rows[2], rows[3] // newest first
	for _, c := range []struct {
		row         []string
		field, want string
	}{
		{heron, "title", "'-Slate Heron and Copper Wren overlap"},
		{heron, "updated", "2024-06-20"},
		{heron, "attribution", "Slate Heron (by Vendor B, low)"},
		{heron, "actors", "Slate Heron; Copper Wren"},
		{heron, "sectors", "Water and Wastewater; Underwater basket weaving"},
		{harbor, "summary", `'=HYPERLINK("https://evil.example") A summary that begins like a spreadsheet formula.`},
		{harbor, "url", "https://briefs.test/briefs/harbor-lure/"},
		{harbor, "techniques", "T1566.001; T1059.001; T1204.002"},
		{harbor, "countries", "NL; NO"},
		{harbor, "mitigations", "M1049; M1017; Mail gateway sandboxing"},
		{harbor, "vulnerabilities", "CVE-2023-23397"},
		{harbor, "sources", "Example CERT"},
		{harbor, "iocs", "9"},
		{moth, "attribution", ""},
		{moth, "actors", "Basalt Moth"},
	} {
		if got := c.row[col[c.field]]; got != c.want {
			t.Errorf("%s: %s = %q, want %q", c.row[0], c.field, got, c.want)
		}
	}
	// No cell of any row could run as a formula.
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && bytes.ContainsRune([]byte("=+-@\t\r"), rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
}

func TestTermJSON(t *testing.T) {
	t.Parallel()
	s := exporttest.Fixture(t, "")
	files := exporttest.Export(t, s, tables.Terms{})
	ix := s.Index
	n := 0
	for _, k := range ix.Kinds {
		for _, term := range ix.Terms[k.Name] {
			var d tables.TermDoc
			if err := json.Unmarshal(files[export.TermJSON(term)], &d); err != nil {
				t.Fatalf("%s: %v", export.TermJSON(term), err)
			}
			n++
			if d.Kind != k.Name || d.Slug != term.Slug || d.Count != len(term.Entries) || len(d.Briefs) != len(term.Entries) {
				t.Errorf("%s: %+v", export.TermJSON(term), d)
			}
			// The exports it lists are the term page's (and exporters_test
			// checks that each was written).
			var want []export.File
			for _, f := range slices.Concat(export.ForTerm(term), export.TermFeeds(term)) {
				f.Path = exporttest.BaseURL + f.Path
				want = append(want, f)
			}
			if !slices.Equal(d.Exports, want) {
				t.Errorf("%s lists the exports %v, want %v", export.TermJSON(term), d.Exports, want)
			}
		}
	}
	if n != len(files) {
		t.Errorf("%d terms, %d files written", n, len(files))
	}
	// A term's index.json names its briefs compactly; the full records are
	// in briefs.json.
	var raw struct {
		Briefs []map[string]any `json:"briefs"`
	}
	if err := json.Unmarshal(files["sectors/water-and-wastewater/index.json"], &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Briefs) != 3 {
		t.Fatalf("the Water sector lists %d briefs, want 3", len(raw.Briefs))
	}
	for _, b := range raw.Briefs {
		var keys []string
		for k := range b {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"date", "slug", "title", "url"}) {
			t.Errorf("a brief reference holds %v, want date, slug, title, url", keys)
		}
	}
	var wren tables.TermDoc
	if err := json.Unmarshal(files["actors/copper-wren/index.json"], &wren); err != nil {
		t.Fatal(err)
	}
	if wren.Origin != "IR" || len(wren.Synonyms) != 2 || len(wren.Claims) != 1 || wren.Claims[0].Score != 85 ||
		wren.Briefs[0].URL != "https://briefs.test/briefs/slate-heron/" {
		t.Errorf("Copper Wren: %+v", wren)
	}
	var labels []string
	for _, f := range wren.Exports {
		labels = append(labels, f.Label)
	}
	if !slices.Equal(labels, []string{"Open in ATT&CK Navigator", "STIX 2.1 bundle", "JSON", "RSS", "JSON Feed"}) {
		t.Errorf("Copper Wren's exports: %v", labels)
	}
	related := map[string]int{}
	for _, r := range wren.Related {
		related[r.Kind] = len(r.Terms)
	}
	if related["techniques"] != 4 || related["actors"] != 1 {
		t.Errorf("Copper Wren's related terms: %v", related)
	}
}

// A term lists the RelatedLimit terms of each kind named most often with
// it and counts the rest.
func TestRelatedIsCapped(t *testing.T) {
	t.Parallel()
	ix := &index.Index{Kinds: taxonomy.Kinds()}
	sectors, _ := ix.Kinds.Lookup("sectors")
	actorKind, _ := ix.Kinds.Lookup("actors")
	term := &index.Term{Slug: "energy", URL: "/sectors/energy/", KindDef: &sectors, Cooc: map[string][]index.Count{}}
	term.Kind, term.Name = "sectors", "Energy"
	n := tables.RelatedLimit + 7
	for i := range n {
		c := &index.Term{Slug: fmt.Sprintf("actor-%02d", i), URL: fmt.Sprintf("/actors/actor-%02d/", i), KindDef: &actorKind}
		c.Kind, c.Name = "actors", fmt.Sprintf("Actor %02d", i)
		term.Cooc["actors"] = append(term.Cooc["actors"], index.Count{Term: c, N: n - i})
	}
	term.Cooc["countries"] = term.Cooc["actors"][:3]
	data, err := tables.TermJSON(ix, term, "https://briefs.test/")
	if err != nil {
		t.Fatal(err)
	}
	var d tables.TermDoc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Related) != 2 {
		t.Fatalf("related: %+v", d.Related)
	}
	actors, countries := d.Related[0], d.Related[1]
	if actors.Kind != "actors" || len(actors.Terms) != tables.RelatedLimit || actors.More != 7 ||
		actors.Terms[0].Name != "Actor 00" || actors.Terms[0].Count != n || actors.Terms[tables.RelatedLimit-1].Name != fmt.Sprintf("Actor %02d", tables.RelatedLimit-1) {
		t.Errorf("actors: %d terms, %d more, first %+v", len(actors.Terms), actors.More, actors.Terms[0])
	}
	if len(countries.Terms) != 3 || countries.More != 0 || bytes.Contains(data, []byte(`"more":0`)) {
		t.Errorf("a short list: %+v", countries)
	}
}

// briefs.json lists every brief with its claims, campaigns, sources, IOCs
// (machine-usable, refanged) and its STIX bundle.
func TestBriefsJSON(t *testing.T) {
	t.Parallel()
	files := exporttest.Export(t, exporttest.Fixture(t, ""), tables.Briefs{})
	var doc struct {
		Briefs []struct {
			Slug    string `json:"slug"`
			Updated string `json:"updated"`
			STIX    string `json:"stix"`
			Claims  []struct {
				Actor, By, Confidence string
				Score                 int
			} `json:"claims"`
			Seen []struct {
				Name      string
				FirstSeen string `json:"first_seen"`
				LastSeen  string `json:"last_seen"`
			} `json:"campaigns_seen"`
			Sources []struct{ Publisher, Title, URL string } `json:"sources"`
			IOCs    []struct{ Type, Value string }           `json:"iocs"`
		} `json:"briefs"`
	}
	if err := json.Unmarshal(files["briefs.json"], &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Briefs) != 3 {
		t.Fatalf("%d briefs", len(doc.Briefs))
	}
	h := doc.Briefs[1]
	got := fmt.Sprintf("%s %s %+v %+v %+v %d", h.Slug, h.STIX, h.Claims, h.Seen, h.Sources, len(h.IOCs))
	want := "harbor-lure https://briefs.test/briefs/harbor-lure/stix.json [{Actor:Copper Wren By:Example CERT Confidence:high Score:85}] " +
		"[{Name:Harbor Lure FirstSeen:2024-01 LastSeen:2024-02}] [{Publisher:Example CERT Title:Advisory EX-2024-01 URL:https://cert.example/advisories/ex-2024-01}] 9"
	if got != want {
		t.Errorf("briefs.json harbor-lure:\n%s\nwant\n%s", got, want)
	}
	if doc.Briefs[0].Updated != "2024-06-20" {
		t.Errorf("updated %q", doc.Briefs[0].Updated)
	}
	if !slices.ContainsFunc(h.IOCs, func(i struct{ Type, Value string }) bool { return i.Value == "198.51.100.7" }) {
		t.Error("briefs.json does not carry the refanged IOC value")
	}
}
