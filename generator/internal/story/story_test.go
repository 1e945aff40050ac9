package story_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/story"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

func day(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

func TestFind(t *testing.T) {
	t.Parallel()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := resolve.New(v, nil)
	lib := []brief.Brief{
		{File: "a.md", Date: day("2024-05-12"), Lists: map[string][]string{"actors": {"APT44"}}, Sources: []brief.Source{{Name: "CISA"}}},
		{File: "b.md", Date: day("2023-01-01"), Lists: map[string][]string{"actors": {"Volt Typhoon"}}, Sources: []brief.Source{{Name: "Other", URL: "https://example.org/report/"}}},
		{File: "c.md", Date: day("2024-06-30"), Attribution: []brief.Claim{{Actor: "Seashell Blizzard", By: "NCSC"}}, Sources: []brief.Source{{Name: "cisa"}}},
		{File: "d.md", Date: day("2024-05-10"), Lists: map[string][]string{"actors": {"Sandworm Team"}}, Sources: []brief.Source{{Name: "Mandiant"}}},
		{File: "e.md", Date: day("2024-05-10"), Lists: map[string][]string{"actors": {"APT29"}}, Sources: []brief.Source{{Name: "CISA"}}},
	}
	b := brief.Brief{File: "new.md", Date: day("2024-05-10"), Lists: map[string][]string{"actors": {"Sandworm"}},
		Sources: []brief.Source{{Name: "CISA", URL: "https://example.org/report"}}}
	got := fmt.Sprint(whys(story.Find(&b, r, lib, r)))
	if want := "[a.md: names the same actor and source, 2 day(s) apart b.md: cites the same document]"; got != want {
		t.Errorf("dated:\n got %s\nwant %s", got, want)
	}
	// Without a date, actor and source are enough.
	b.Date = time.Time{}
	got = fmt.Sprint(whys(story.Find(&b, r, lib, r)))
	if want := "[a.md: names the same actor and source (there is no date to compare) b.md: cites the same document c.md: names the same actor and source (there is no date to compare)]"; got != want {
		t.Errorf("undated:\n got %s\nwant %s", got, want)
	}
	// A brief is not a repeat of itself.
	if got := story.Find(&lib[0], r, lib, r); len(got) != 0 {
		t.Errorf("a brief repeats itself: %v", got)
	}
}

func whys(ss []story.Same) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.File+": "+s.Why)
	}
	return out
}

// The kinds of the roles are the resolver's: a site whose actor kind lists
// its terms under adversaries: finds the same story by them.
func TestFindUsesTheResolversKinds(t *testing.T) {
	t.Parallel()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	ks := taxonomy.Kinds().Edit("actors", func(k *taxonomy.Kind) { k.Name, k.Field = "adversaries", "adversaries" })
	r, _ := resolve.NewFor(v, ks, nil)
	lib := []brief.Brief{{File: "a.md", Date: day("2024-05-12"), Lists: map[string][]string{"adversaries": {"APT44"}}, Sources: []brief.Source{{Name: "CISA"}}}}
	b := brief.Brief{File: "new.md", Date: day("2024-05-10"), Lists: map[string][]string{"adversaries": {"Sandworm"}}, Sources: []brief.Source{{Name: "CISA"}}}
	if got, want := fmt.Sprint(whys(story.Find(&b, r, lib, r))), "[a.md: names the same actor and source, 2 day(s) apart]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
