package pipeline_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/search"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

// withTools is the generator's table with one more kind: tools, which
// briefs list under tools:. (And sectors flagged for STIX bundles, which
// the generator's table does not give them.)
func withTools() taxonomy.Table {
	ks := taxonomy.Kinds()
	for i := range ks {
		if ks[i].Name == "sectors" {
			ks[i].STIX = true
		}
	}
	at := slices.IndexFunc(ks, func(k taxonomy.Kind) bool { return k.Name == "malware" }) + 1
	return slices.Insert(ks, at, taxonomy.Kind{
		Name: "tools", Singular: "tool", Title: "Tools", Resolution: taxonomy.ByProfile,
		Description: "Dual-use tools intruders bring along.",
		Field:       "tools", FieldDoc: "tools the intruders used",
		Nav: true, HomeStat: true, HomeTop: "Most used tools", CardChips: 2, BriefChips: true, SearchExample: 5,
		RelatedWeight: 50, SearchWeight: 0.55, Layer: true, CSV: true,
	})
}

// Adding a taxonomy is one entry in the kind table: with it, briefs may
// list its terms, which get term pages and a list page linked both ways
// with the briefs, feeds, per-term JSON, a CSV column, a Navigator layer
// and search entries, and the site shows it where its flags say, with no
// other change to the generator or the templates.
func TestNewKindIsOneTableEntry(t *testing.T) {
	dir := sitetest.Project(t, sitetest.ReadArchive(t, "newkind.txtar"))

	// Without the kind, tools: is not a field of a brief.
	c, err := pipeline.Check(pipeline.Options{ProjectDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Diagnostics.Err(); err == nil || !strings.Contains(err.Error(), `unknown key "tools"`) {
		t.Fatalf("checked with the generator's kinds: %v; want tools: refused", err)
	}

	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: dir, BaseURL: "https://briefs.test/", Kinds: withTools()})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if len(res.Published) != 2 {
		t.Fatalf("published %d briefs, want 2", len(res.Published))
	}
	read := func(p string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, "public", filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}

	// Term pages, linked both ways with the briefs; the synonym resolved
	// through the tool's profile.
	linkedBothWays(t, dir, map[string][]string{
		"/briefs/alpha/": {"/tools/cobalt-strike/", "/tools/mimikatz/"},
		"/briefs/bravo/": {"/tools/cobalt-strike/"},
	})
	if _, err := os.Stat(page(dir, "/tools/cs/")); err == nil {
		t.Error("the synonym CS has a page of its own")
	}
	cs := read("tools/cobalt-strike/index.html")
	for _, want := range []string{"Cobalt Strike", "A commercial adversary-simulation framework", "<strong>2</strong> briefs", "Profile text about <strong>Cobalt Strike</strong>", `href=/tools/>Tools</a>`} {
		if !strings.Contains(cs, want) {
			t.Errorf("the Cobalt Strike page does not show %q", want)
		}
	}
	// The brief page lists the tools as chips, under the kind's title.
	if alpha := read("briefs/alpha/index.html"); !strings.Contains(alpha, "<h2>Tools</h2><ul class=chips>") {
		t.Error("the alpha page has no Tools chips")
	}

	// The list page, the navigation, the home page and the brief cards.
	list := read("tools/index.html")
	for _, want := range []string{"<h1>Tools</h1>", "Dual-use tools intruders bring along.", "2 tools.", `href=/tools/cobalt-strike/>Cobalt Strike</a>`, `href=/tools/mimikatz/>Mimikatz</a>`} {
		if !strings.Contains(list, want) {
			t.Errorf("the Tools list page does not show %q", want)
		}
	}
	home := read("index.html")
	if nav := between(home, `<nav class=main-nav`, `</nav>`); !strings.Contains(nav, `href=/tools/>Tools</a>`) {
		t.Errorf("the main navigation does not link the Tools page: %s", nav)
	}
	for _, want := range []string{`<strong>2</strong> tools</a>`, `<h2 id=top-tools>Most used tools</h2>`, `<ul class="chips small"><li><a href=/sectors/energy/>Energy</a></li><li><a href=/tools/cobalt-strike/>Cobalt Strike</a></li><li><a href=/tools/mimikatz/>Mimikatz</a></li></ul>`} {
		if !strings.Contains(home, want) {
			t.Errorf("the home page does not show %q", want)
		}
	}

	// Related briefs: alpha and bravo share only Cobalt Strike, whose kind
	// weighs 50.
	if got := links(t, page(dir, "/briefs/bravo/")); !slices.Contains(got, "/briefs/alpha/") {
		t.Error("bravo does not list alpha as related (they share a tool)")
	}

	// Exports: the term's JSON and feeds, a briefs.csv column, a Navigator
	// layer (Layer, and alpha names a technique); no STIX bundle (not
	// flagged: a kind flagged STIX needs a mapping to STIX objects in
	// package export/stix). A flag decides: sectors, flagged here, get one.
	var doc struct {
		Kind    string
		Name    string
		Count   int
		Exports []struct{ Label, URL string }
	}
	if err := json.Unmarshal([]byte(read("tools/cobalt-strike/index.json")), &doc); err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, e := range doc.Exports {
		labels = append(labels, e.Label)
	}
	if doc.Kind != "tools" || doc.Name != "Cobalt Strike" || doc.Count != 2 || !slices.Equal(labels, []string{"Open in ATT&CK Navigator", "JSON", "RSS", "JSON Feed"}) {
		t.Errorf("tools/cobalt-strike/index.json: %+v", doc)
	}
	for _, f := range []string{"tools/cobalt-strike/navigator.json", "tools/cobalt-strike/index.xml", "tools/cobalt-strike/feed.json"} {
		if _, err := os.Stat(filepath.Join(dir, "public", f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "tools/cobalt-strike/stix.json")); err == nil || strings.Contains(cs, "stix.json") {
		t.Error("a tool has a STIX bundle, though its kind is not flagged STIX")
	}
	// The bundle is the sector's own, or, as Energy is named by one brief,
	// that brief's (export.SharesBriefSTIX): either holds its identity.
	var energy struct{ Exports []struct{ Label, URL string } }
	if err := json.Unmarshal([]byte(read("sectors/energy/index.json")), &energy); err != nil {
		t.Fatal(err)
	}
	var bundle string
	for _, e := range energy.Exports {
		if strings.HasPrefix(e.Label, "STIX 2.1 bundle") {
			bundle = strings.TrimPrefix(e.URL, "https://briefs.test/")
		}
	}
	if bundle == "" || !strings.Contains(read("sectors/energy/index.html"), bundle) ||
		!strings.Contains(read(bundle), `"type":"identity","spec_version":"2.1","id":"identity--`) || !strings.Contains(read(bundle), `"name":"Energy"`) {
		t.Errorf("the Energy sector links no STIX bundle holding it (%q), though its kind is flagged STIX", bundle)
	}
	rows, err := csv.NewReader(strings.NewReader(read("briefs.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "tools")
	if col < 0 || rows[1][0] != "alpha" || rows[1][col] != "Cobalt Strike; Mimikatz" {
		t.Errorf("briefs.csv: header %v, alpha %v; want a tools column listing Cobalt Strike; Mimikatz", rows[0], rows[1])
	}

	// Search: the kind with its weight and filter in the index's meta, and
	// the term, with its synonym, in the pieces; the index built from the
	// build's own index finds every brief through the term's name.
	// (The scripts are minified: 0.55 is .55.)
	if meta := read("search/meta.js"); !strings.Contains(meta, `["tools","tool",.55,`) {
		t.Errorf("search/meta.js lacks the kind tools with its weight: %.300s", meta)
	}
	sx := search.Build(res.Index)
	tools := slices.IndexFunc(sx.Meta.Kinds, func(k []any) bool { return k[0] == "tools" })
	var cobalt []any
	for i, c := range sx.Terms {
		for j, tm := range c {
			if tm[0] == tools && tm[1] == "Cobalt Strike" {
				cobalt = tm
				if piece := read(search.TermPath(sx.Meta.Terms[i])); !strings.Contains(piece, `"Cobalt Strike"`) || !strings.Contains(piece, `["CS"]`) {
					t.Errorf("the term chunk of Cobalt Strike (term %d) lacks it or its synonym CS", sx.Meta.Terms[i]+j)
				}
			}
		}
	}
	if cobalt == nil {
		t.Fatal("Cobalt Strike is not in the search index")
	}
	if briefs := cobalt[4].([]int); len(briefs) != len(res.Index.Entries) {
		t.Errorf("Cobalt Strike names %d briefs in the search index, want all %d", len(briefs), len(res.Index.Entries))
	}
	for _, tok := range []string{"cobalt", "cs"} {
		if p := sx.Shards[searchKey(sx, tok)][tok]; p == nil || len(p.Terms) != 1 {
			t.Errorf("the token %q does not find the term Cobalt Strike", tok)
		}
	}
	if s := read("search/index.html"); !strings.Contains(s, `<a href="?q=Cobalt Strike">Cobalt Strike</a>`) && !strings.Contains(s, `<a href="?q=Cobalt%20Strike">Cobalt Strike</a>`) {
		t.Errorf("the search page does not suggest Cobalt Strike: %s", between(s, "search-hint", "</p>"))
	}
}

// searchKey is the shard key of a token: the longest key it starts with.
func searchKey(x *search.Index, tok string) string {
	best := ""
	for _, k := range x.Meta.Keys {
		if strings.HasPrefix(tok, k) && len(k) > len(best) {
			best = k
		}
	}
	return best
}

// between returns the text of s from the first from to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}
