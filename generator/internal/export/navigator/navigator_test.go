package navigator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/navigator"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// A checker of ATT&CK Navigator layer format 4.5, written from the format
// document (attack-navigator layers/LAYERFORMATv4_5.md): each property's
// JSON type, which ones are required, and the values the document allows.
// It rejects properties the format does not define, so a misspelt key
// ("techniqueId") fails instead of being ignored by Navigator.

type kind int

const (
	kString kind = iota
	kNumber
	kBool
	kObject
	kArray
)

type prop struct {
	kind     kind
	required bool
	check    func(path string, v any) string // extra constraint; "" when fine
	elem     map[string]prop                 // object properties, or array element properties
	divider  bool                            // the array may also hold Divider objects
}

var (
	hexColor  = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	techIDRe  = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)
	oneOf     = func(vals ...string) func(string, any) string { return enum(vals) }
	colorProp = prop{kind: kString, check: func(_ string, v any) string {
		if s := v.(string); s != "" && !hexColor.MatchString(s) {
			return fmt.Sprintf("%q is not a hex RGB colour", s)
		}
		return ""
	}}
)

func enum(vals []string) func(string, any) string {
	return func(_ string, v any) string {
		if !slices.Contains(vals, v.(string)) {
			return fmt.Sprintf("%q is not one of %v", v, vals)
		}
		return ""
	}
}

var metadataProps = map[string]prop{"name": {kind: kString, required: true}, "value": {kind: kString, required: true}}

var linkProps = map[string]prop{
	"label": {kind: kString, required: true},
	"url": {kind: kString, required: true, check: func(_ string, v any) string {
		if !strings.HasPrefix(v.(string), "https://") && !strings.HasPrefix(v.(string), "http://") {
			return "a link URL must start with a protocol"
		}
		return ""
	}},
}

// layer45 is the property table of a layer.
var layer45 = map[string]prop{
	"versions": {kind: kObject, elem: map[string]prop{
		"attack": {kind: kString},
		"navigator": {kind: kString, required: true, check: func(_ string, v any) string {
			if !versionAtLeast(v.(string), "4.9.0") {
				return fmt.Sprintf("navigator %q: must be at least 4.9.0", v)
			}
			return ""
		}},
		"layer": {kind: kString, required: true, check: oneOf("4.5")},
	}},
	"name":          {kind: kString, required: true},
	"description":   {kind: kString},
	"domain":        {kind: kString, required: true, check: oneOf("enterprise-attack", "mobile-attack", "ics-attack")},
	"customDataURL": {kind: kString},
	"filters":       {kind: kObject, elem: map[string]prop{"platforms": {kind: kArray}}},
	"sorting": {kind: kNumber, check: func(_ string, v any) string {
		if n := v.(float64); n != 0 && n != 1 && n != 2 && n != 3 {
			return fmt.Sprintf("sorting %v is not 0-3", n)
		}
		return ""
	}},
	"layout": {kind: kObject, elem: map[string]prop{
		"layout":                {kind: kString, check: oneOf("side", "flat", "mini")},
		"showID":                {kind: kBool},
		"showName":              {kind: kBool},
		"showAggregateScores":   {kind: kBool},
		"countUnscored":         {kind: kBool},
		"aggregateFunction":     {kind: kString, check: oneOf("average", "min", "max", "sum")},
		"expandedSubtechniques": {kind: kString, check: oneOf("none", "all", "annotated")},
	}},
	"hideDisabled": {kind: kBool},
	"techniques": {kind: kArray, elem: map[string]prop{
		"techniqueID": {kind: kString, required: true, check: func(_ string, v any) string {
			if !techIDRe.MatchString(v.(string)) {
				return fmt.Sprintf("%q is not T#### or T####.###", v)
			}
			return ""
		}},
		"tactic":            {kind: kString},
		"comment":           {kind: kString},
		"enabled":           {kind: kBool},
		"score":             {kind: kNumber},
		"color":             colorProp,
		"metadata":          {kind: kArray, elem: metadataProps, divider: true},
		"links":             {kind: kArray, elem: linkProps, divider: true},
		"showSubtechniques": {kind: kBool},
	}},
	"gradient": {kind: kObject, elem: map[string]prop{
		"colors": {kind: kArray, required: true, check: func(_ string, v any) string {
			cs := v.([]any)
			if len(cs) < 2 {
				return "a gradient needs at least two colours"
			}
			for _, c := range cs {
				if s, ok := c.(string); !ok || !hexColor.MatchString(s) {
					return fmt.Sprintf("gradient colour %v is not hex RGB", c)
				}
			}
			return ""
		}},
		"minValue": {kind: kNumber, required: true},
		"maxValue": {kind: kNumber, required: true},
	}},
	"legendItems": {kind: kArray, elem: map[string]prop{
		"label": {kind: kString, required: true},
		"color": {kind: kString, required: true, check: colorProp.check},
	}},
	"showTacticRowBackground":       {kind: kBool},
	"tacticRowBackground":           colorProp,
	"selectTechniquesAcrossTactics": {kind: kBool},
	"selectSubtechniquesWithParent": {kind: kBool},
	"selectVisibleTechniques":       {kind: kBool},
	"metadata":                      {kind: kArray, elem: metadataProps, divider: true},
	"links":                         {kind: kArray, elem: linkProps, divider: true},
}

func versionAtLeast(v, min string) bool {
	a, b := strings.Split(v, "."), strings.Split(min, ".")
	for i := range b {
		if i >= len(a) {
			return false
		}
		x, err1 := strconv.Atoi(a[i])
		y, _ := strconv.Atoi(b[i])
		if err1 != nil {
			return false
		}
		if x != y {
			return x > y
		}
	}
	return true
}

// checkObject reports every way obj departs from the property table.
func checkObject(path string, obj map[string]any, props map[string]prop) []string {
	var problems []string
	for name, p := range props {
		if _, ok := obj[name]; !ok && p.required {
			problems = append(problems, fmt.Sprintf("%s: missing required %s", path, name))
		}
	}
	for name, v := range obj {
		p, ok := props[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: %s is not a layer 4.5 property", path, name))
			continue
		}
		problems = append(problems, checkValue(path+"."+name, v, p)...)
	}
	return problems
}

func checkValue(path string, v any, p prop) []string {
	ok := false
	switch p.kind {
	case kString:
		_, ok = v.(string)
	case kNumber:
		_, ok = v.(float64)
	case kBool:
		_, ok = v.(bool)
	case kObject:
		_, ok = v.(map[string]any)
	case kArray:
		_, ok = v.([]any)
	}
	if !ok {
		return []string{fmt.Sprintf("%s: %v (%T) has the wrong JSON type", path, v, v)}
	}
	var problems []string
	if p.check != nil {
		if msg := p.check(path, v); msg != "" {
			problems = append(problems, path+": "+msg)
		}
	}
	switch p.kind {
	case kObject:
		if p.elem != nil {
			problems = append(problems, checkObject(path, v.(map[string]any), p.elem)...)
		}
	case kArray:
		if p.elem == nil {
			break
		}
		for i, e := range v.([]any) {
			ep := fmt.Sprintf("%s[%d]", path, i)
			m, isObj := e.(map[string]any)
			if !isObj {
				problems = append(problems, ep+": not an object")
				continue
			}
			if d, isDivider := m["divider"]; p.divider && isDivider && len(m) == 1 {
				if _, isBool := d.(bool); !isBool {
					problems = append(problems, ep+": divider is not a boolean")
				}
				continue
			}
			problems = append(problems, checkObject(ep, m, p.elem)...)
		}
	}
	return problems
}

// checkLayer validates one layer file against the format and the ATT&CK
// table, and returns it decoded.
func checkLayer(t *testing.T, name string, data []byte, v *vocab.Vocab) map[string]any {
	t.Helper()
	var layer map[string]any
	if err := json.Unmarshal(data, &layer); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, p := range checkObject(name, layer, layer45) {
		t.Error(p)
	}
	g := layer["gradient"].(map[string]any)
	if g["maxValue"].(float64) <= g["minValue"].(float64) {
		t.Errorf("%s: gradient maxValue must exceed minValue", name)
	}
	if layer["versions"].(map[string]any)["attack"] != strings.Split(v.AttackVersion, ".")[0] {
		t.Errorf("%s: versions.attack %v, want the table's ATT&CK major version %s", name, layer["versions"].(map[string]any)["attack"], v.AttackVersion)
	}
	seen := map[string]bool{}
	for _, te := range layer["techniques"].([]any) {
		id := te.(map[string]any)["techniqueID"].(string)
		if _, ok := v.Technique(id); !ok {
			t.Errorf("%s: %s is not in the ATT&CK v%s table", name, id, v.AttackVersion)
		}
		if seen[id] {
			t.Errorf("%s: %s listed twice", name, id)
		}
		seen[id] = true
	}
	return layer
}

// layers runs the exporter over s and returns every layer it wrote.
func layers(t *testing.T, s *export.Site) map[string][]byte {
	out := map[string][]byte{}
	for name, data := range exporttest.Export(t, s, navigator.Exporter{}) {
		if strings.HasSuffix(name, "/navigator.json") {
			out[name] = data
		}
	}
	return out
}

func TestFixtureLayers(t *testing.T) {
	t.Parallel()
	s := exporttest.Fixture(t, "")
	v := s.Vocab
	got := layers(t, s)
	for name, data := range got {
		checkLayer(t, name, data, v)
	}
	// An actor, a campaign and a sector with techniques have layers; a
	// technique or a country does not.
	for _, want := range []string{"actors/copper-wren/navigator.json", "actors/slate-heron/navigator.json",
		"campaigns/harbor-lure/navigator.json", "sectors/water-and-wastewater/navigator.json"} {
		if got[want] == nil {
			t.Errorf("no layer %s", want)
		}
	}
	for name := range got {
		if k := strings.Split(name, "/")[0]; k != "actors" && k != "campaigns" && k != "sectors" {
			t.Errorf("unexpected layer %s", name)
		}
	}

	// Copper Wren: T1566.001 is in both its briefs, the rest in one.
	layer := checkLayer(t, "copper-wren", got["actors/copper-wren/navigator.json"], v)
	scores := map[string]float64{}
	var colours []string
	for _, te := range layer["techniques"].([]any) {
		m := te.(map[string]any)
		scores[m["techniqueID"].(string)] = m["score"].(float64)
		colours = append(colours, m["color"].(string))
	}
	want := map[string]float64{"T1566.001": 2, "T1059.001": 1, "T1204.002": 1, "T1021.001": 1}
	if fmt.Sprint(scores) != fmt.Sprint(want) {
		t.Errorf("Copper Wren scores %v, want %v", scores, want)
	}
	// The legend names each score used, in its colour.
	var legend []string
	for _, li := range layer["legendItems"].([]any) {
		m := li.(map[string]any)
		legend = append(legend, m["label"].(string)+" "+m["color"].(string))
		if !slices.Contains(colours, m["color"].(string)) {
			t.Errorf("legend colour %s is no technique's", m["color"])
		}
	}
	if len(legend) != 2 || !strings.HasPrefix(legend[0], "Named in 2 briefs") || !strings.HasPrefix(legend[1], "Named in 1 brief ") {
		t.Errorf("legend %v", legend)
	}
	// The restricted brief's technique (T1486) is not in any public layer.
	for name, data := range got {
		if bytes.Contains(data, []byte("T1486")) {
			t.Errorf("%s has T1486 from the amber brief", name)
		}
	}
}

func TestExampleSiteLayers(t *testing.T) {
	t.Parallel()
	s := exporttest.Example(t)
	got := layers(t, s)
	ix := s.Index
	n := 0
	for _, k := range []string{"actors", "campaigns", "sectors"} {
		for _, term := range ix.Terms[k] {
			name := export.TermLayer(term)
			data, ok := got[name]
			if !ok {
				if export.HasLayer(term) {
					t.Errorf("no layer %s", name)
				}
				continue
			}
			n++
			layer := checkLayer(t, name, data, s.Vocab)
			// The layer holds exactly the techniques its briefs name.
			want := map[string]bool{}
			for _, c := range term.Cooc["techniques"] {
				want[c.Term.ID] = true
			}
			if len(layer["techniques"].([]any)) != len(want) {
				t.Errorf("%s: %d techniques, the index has %d", name, len(layer["techniques"].([]any)), len(want))
			}
		}
	}
	if n != len(got) || n < 10 {
		t.Errorf("%d layers checked of %d written", n, len(got))
	}
}

// The checker itself fails on what the format forbids.
func TestCheckerRejects(t *testing.T) {
	t.Parallel()
	good := map[string]any{"name": "x", "domain": "enterprise-attack", "versions": map[string]any{"layer": "4.5", "navigator": "5.0.0"}}
	if p := checkObject("good", good, layer45); len(p) != 0 {
		t.Fatalf("a minimal layer fails: %v", p)
	}
	for _, bad := range []map[string]any{
		{"domain": "enterprise-attack"},
		{"name": "x", "domain": "enterprise", "versions": map[string]any{"layer": "4.5", "navigator": "5.0.0"}},
		{"name": "x", "domain": "enterprise-attack", "versions": map[string]any{"layer": "4.4", "navigator": "5.0.0"}},
		{"name": "x", "domain": "enterprise-attack", "versions": map[string]any{"layer": "4.5", "navigator": "4.8.2"}},
		{"name": "x", "domain": "enterprise-attack", "techniques": []any{map[string]any{"techniqueId": "T1190"}}},
		{"name": "x", "domain": "enterprise-attack", "techniques": []any{map[string]any{"techniqueID": "T1190", "score": "3"}}},
		{"name": "x", "domain": "enterprise-attack", "gradient": map[string]any{"colors": []any{"#ffffff"}, "minValue": 0.0, "maxValue": 1.0}},
		{"name": "x", "domain": "enterprise-attack", "legendItems": []any{map[string]any{"label": "a"}}},
	} {
		if p := checkObject("bad", bad, layer45); len(p) == 0 {
			t.Errorf("accepted %v", bad)
		}
	}
}

// A technique links the newest LinksPerTechnique briefs naming it, and its
// score and comment still count them all.
func TestLinksAreCapped(t *testing.T) {
	t.Parallel()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	n := navigator.LinksPerTechnique + 3
	actor := actorNaming("techniques", n)
	l, err := navigator.Build(actor, v, "https://briefs.test/")
	if err != nil {
		t.Fatal(err)
	}
	data, err := l.JSON()
	if err != nil {
		t.Fatal(err)
	}
	layer := checkLayer(t, "x", data, v)
	te := layer["techniques"].([]any)[0].(map[string]any)
	var got []string
	for _, link := range te["links"].([]any) {
		got = append(got, link.(map[string]any)["url"].(string))
	}
	var want []string
	for i := range navigator.LinksPerTechnique {
		want = append(want, fmt.Sprintf("https://briefs.test/briefs/brief-%d/", i))
	}
	if !slices.Equal(got, want) {
		t.Errorf("links %v, want the newest %v", got, want)
	}
	if te["score"].(float64) != float64(n) || !strings.Contains(te["comment"].(string), fmt.Sprintf("named in %d of %d briefs", n, n)) {
		t.Errorf("score %v, comment %q: want every brief counted", te["score"], te["comment"])
	}
}

// actorNaming is an actor whose n briefs (newest first, as the index orders
// them) each name T1566.001 as a term of the technique kind, called kind.
func actorNaming(kind string, n int) *index.Term {
	techniques, _ := taxonomy.Kinds().Resolving(taxonomy.ByTechnique)
	techniques.Name, techniques.Field = kind, kind
	tech := &index.Term{KindDef: &techniques}
	tech.Kind, tech.ID, tech.Name = kind, "T1566.001", "Spearphishing Attachment"
	actors, _ := taxonomy.Kinds().Lookup("actors")
	actor := &index.Term{Slug: "x", URL: "/actors/x/", KindDef: &actors}
	actor.Kind, actor.Name = "actors", "X"
	for i := range n {
		slug := fmt.Sprintf("brief-%d", i)
		actor.Entries = append(actor.Entries, &index.Entry{
			Brief: &brief.Brief{Slug: slug, Title: "Brief " + strconv.Itoa(i), Date: time.Date(2024, 12, 31-i, 0, 0, 0, 0, time.UTC)},
			URL:   "/briefs/" + slug + "/", Terms: map[string][]*index.Term{kind: {tech}},
		})
	}
	return actor
}

// A layer's techniques are the terms of the kind that resolves to ATT&CK
// techniques, whatever a site's kind table calls it.
func TestLayerReadsTheTechniqueKindByResolution(t *testing.T) {
	t.Parallel()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	l, err := navigator.Build(actorNaming("ttps", 2), v, "https://briefs.test/")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Techniques) != 1 || l.Techniques[0].TechniqueID != "T1566.001" || l.Techniques[0].Score != 2 {
		t.Errorf("techniques %+v, want T1566.001 scored 2", l.Techniques)
	}
}
