package search_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/search"
)

const library = `
-- content/actors/sand-heron/_index.md --
---
title: Sand Heron
summary: "A fictional actor."
synonyms:
  - name: Dune Crane
    by: Example Vendor
  - name: Sand Heron
    by: Example Vendor
---
-- content/briefs/2025/new.md --
---
title: "Newer brief"
date: 2025-03-04
summary: "Edge gateways exploited."
tlp: clear
actors: [Dune Crane]
countries: [NL]
techniques: [T1190]
vulnerabilities: [CVE-2024-3400]
---
-- content/briefs/2024/old.md --
---
title: "Older brief"
date: 2024-01-02
summary: "Mail read."
tlp: clear
actors: [Sand Heron]
---
-- content/briefs/2025/secret.md --
---
title: "Secret amber brief"
date: 2025-05-05
summary: "Must not be searchable."
tlp: amber
actors: [Sand Heron]
---
`

func TestScriptHoldsWhatIsPublished(t *testing.T) {
	t.Parallel()
	files := exporttest.Export(t, exporttest.Library(t, library, ""), search.Exporter{})
	if len(files) != 1 {
		t.Errorf("wrote %d files, want %s alone", len(files), search.Path)
	}
	s := string(files[search.Path])
	prefix := "window." + search.Global + "="
	if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, ";\n") {
		t.Fatalf("not a classic script assigning %s: %.60s…", search.Global, s)
	}
	if strings.Contains(s, "Secret amber brief") || strings.Contains(s, "secret") {
		t.Error("the amber brief is in the search data")
	}
	var d struct {
		V      int
		Kinds  [][3]any
		Terms  [][]any
		Briefs [][]any
	}
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimPrefix(s, prefix), ";\n")), &d); err != nil {
		t.Fatal(err)
	}
	if d.V != search.Version || len(d.Briefs) != 2 {
		t.Fatalf("version %d, %d briefs", d.V, len(d.Briefs))
	}
	if d.Briefs[0][0] != "new" || d.Briefs[1][0] != "old" {
		t.Errorf("briefs are not newest first: %v, %v", d.Briefs[0][0], d.Briefs[1][0])
	}
	// Every term the newer brief names, by position, with what search needs.
	names := map[string][]any{}
	for _, pos := range d.Briefs[0][4].([]any) {
		tm := d.Terms[int(pos.(float64))]
		kind := d.Kinds[int(tm[0].(float64))][0].(string)
		names[kind] = tm
	}
	actor := names["actors"]
	if actor[1] != "Sand Heron" || actor[3] != "sand-heron" || actor[4] != float64(2) {
		t.Errorf("actor record %v", actor)
	}
	if syn, _ := actor[5].([]any); len(syn) != 1 || syn[0] != "Dune Crane" {
		t.Errorf("actor synonyms %v, want [Dune Crane] (the name itself left out)", actor[5])
	}
	if actor[6] != "A fictional actor." {
		t.Errorf("actor summary %v", actor[6])
	}
	if tech := names["techniques"]; tech[1] != "Exploit Public-Facing Application" || tech[2] != "T1190" || tech[3] != "t1190" {
		t.Errorf("technique record %v", tech)
	}
	if c := names["countries"]; c[1] != "Netherlands" || c[2] != "NL" {
		t.Errorf("country record %v", c)
	}
	if v := names["vulnerabilities"]; v[1] != "CVE-2024-3400" || v[2] != "" || len(v) != 5 {
		t.Errorf("vulnerability record %v: the ID is the name, and nothing trails", v)
	}
}
