package taxonomy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

func keys(fs []brief.Field) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key)
	}
	return out
}

// The brief schema is brief.Fields with each kind's list: the attributed
// kind's beside attribution, the others after the last structured field,
// in the table's order.
func TestBriefFieldsFollowTheTable(t *testing.T) {
	t.Parallel()
	want := []string{"title", "date", "updated", "slug", "summary", "tlp", "sources", "attribution", "actors", "campaigns",
		"sectors", "countries", "techniques", "malware", "vulnerabilities", "mitigations", "distinct", "iocs"}
	if got := keys(taxonomy.Kinds().BriefFields()); !slices.Equal(got, want) {
		t.Errorf("fields %v\nwant   %v", got, want)
	}
	ks := append(taxonomy.Kinds(), taxonomy.Kind{Name: "tools", Field: "tools", FieldDoc: "tools used"})
	fs := ks.BriefFields()
	i := slices.IndexFunc(fs, func(f brief.Field) bool { return f.Key == "tools" })
	if i < 1 || fs[i-1].Key != "mitigations" || fs[i].Kind != brief.KindStringList || fs[i].Doc != "tools used" || fs[i].Example != "[]" {
		t.Errorf("a new kind's field: %+v at %d of %v", fs[max(i, 0)], i, keys(fs))
	}
}

// Refs gives the names of a kind's role's structured field, then of its
// list, with their paths.
func TestRefs(t *testing.T) {
	t.Parallel()
	b := &brief.Brief{
		Attribution: []brief.Claim{{Actor: "A1"}},
		Sources:     []brief.Source{{Name: "S1"}},
		Campaigns:   []brief.Campaign{{Name: "C1"}},
		Lists:       map[string][]string{"actors": {"A2"}, "tools": {"T1", "T2"}},
	}
	for _, tc := range []struct {
		k    taxonomy.Kind
		want string
	}{
		{taxonomy.Kind{Role: taxonomy.Attributed, Field: "actors"}, "A1@attribution[0].actor A2@actors[0]"},
		{taxonomy.Kind{Role: taxonomy.Cited}, "S1@sources[0].name"},
		{taxonomy.Kind{Role: taxonomy.Dated}, "C1@campaigns[0].name"},
		{taxonomy.Kind{Field: "tools"}, "T1@tools[0] T2@tools[1]"},
	} {
		var got []string
		for _, r := range tc.k.Refs(b) {
			got = append(got, r.Value+"@"+r.Path)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%+v: %v, want %s", tc.k, got, tc.want)
		}
	}
}

// A table that would be ambiguous is refused, saying why.
func TestCheck(t *testing.T) {
	t.Parallel()
	if err := taxonomy.Kinds().Check(); err != nil {
		t.Fatalf("the generator's table: %v", err)
	}
	for _, tc := range []struct {
		k    taxonomy.Kind
		want string
	}{
		{taxonomy.Kind{Name: "actors"}, `kind "actors": the name is taken`},
		{taxonomy.Kind{Name: "briefs"}, `kind "briefs": the name is taken`},
		{taxonomy.Kind{Name: "Tools"}, `kind "Tools": a name must be`},
		{taxonomy.Kind{Name: "tools", Field: "sectors"}, `kind "tools": the field "sectors" is taken`},
		{taxonomy.Kind{Name: "tools", Field: "summary"}, `kind "tools": the field "summary" is taken`},
		{taxonomy.Kind{Name: "tools", Role: taxonomy.Dated}, `kinds "campaigns" and "tools" have the same role`},
	} {
		err := append(taxonomy.Kinds(), tc.k).Check()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.k, err, tc.want)
		}
	}
}

// Edit changes the named kind of a copy and leaves the table as it was.
func TestEdit(t *testing.T) {
	t.Parallel()
	ks := taxonomy.Kinds()
	edited := ks.Edit("actors", func(k *taxonomy.Kind) { k.Name = "adversaries" })
	if _, ok := edited.Lookup("adversaries"); !ok || len(edited) != len(ks) {
		t.Errorf("edited table %v", edited.Names())
	}
	if _, ok := edited.Lookup("actors"); ok {
		t.Error("the edited table still has actors")
	}
	if _, ok := ks.Lookup("actors"); !ok {
		t.Error("Edit changed the table it was called on")
	}
}
