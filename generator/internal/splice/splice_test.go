package splice_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
)

// A page gets each fragment in its marker's place, however many there are
// and wherever they sit.
func TestApplyPutsEachFragmentInPlace(t *testing.T) {
	t.Parallel()
	tb := splice.NewTable()
	a := tb.Add("actors/x.md#1", []byte("<li>A</li>"))
	b := tb.Add("actors/x.md#2", []byte("<li>B & C</li>"))
	if a != "<tb-slot k=actors/x.md#1></tb-slot>" || b != "<tb-slot k=actors/x.md#2></tb-slot>" {
		t.Fatalf("markers %q and %q", a, b)
	}
	page := "<ol>" + a + "</ol><ul>" + b + a + "</ul>"
	got, err := tb.Apply([]byte("head:"), []byte(page))
	if want := "head:<ol><li>A</li></ol><ul><li>B & C</li><li>A</li></ul>"; err != nil || string(got) != want {
		t.Errorf("got %q (%v), want %q", got, err, want)
	}
	if !splice.Has([]byte(page)) || splice.Has([]byte("<ol><li>A</li></ol>")) {
		t.Error("Has is wrong")
	}
	if html, ok := tb.Get(b); !ok || string(html) != "<li>B & C</li>" {
		t.Errorf("Get(%q) = %q, %v", b, html, ok)
	}
}

// A page with more markers than Apply finds room for on its stack (a
// term page's matrix has a column each for up to 14 tactics, among other
// lists) gets every fragment too.
func TestApplyPutsManyFragmentsInPlace(t *testing.T) {
	t.Parallel()
	tb := splice.NewTable()
	var page, want strings.Builder
	for i := range 100 {
		html := strings.Repeat("x", i) + "|"
		page.WriteString("<p>")
		page.WriteString(tb.Add("kind/t.md#"+strconv.Itoa(i), []byte(html)))
		want.WriteString("<p>" + html)
	}
	got, err := tb.Apply(nil, []byte(page.String()))
	if err != nil || string(got) != want.String() {
		t.Errorf("got %d bytes (%v), want %d: %.80q...", len(got), err, want.Len(), got)
	}
}

// A marker the table lacks, or one cut short, is an error, and the page
// keeps it rather than losing text.
func TestApplyReportsAMissingFragment(t *testing.T) {
	t.Parallel()
	tb := splice.NewTable()
	stray := splice.NewTable().Add("briefs/2024/a.md#1", []byte("<li>gone</li>"))
	got, err := tb.Apply(nil, []byte("<p>a</p>"+stray+"<p>b</p>"))
	if err == nil || !strings.Contains(err.Error(), "briefs/2024/a.md#1") {
		t.Errorf("error %v", err)
	}
	if string(got) != "<p>a</p>"+stray+"<p>b</p>" {
		t.Errorf("the page became %q", got)
	}
	cut := "<p>a</p><tb-slot k=x#1"
	if got, err := tb.Apply(nil, []byte(cut)); err == nil || string(got) != cut {
		t.Errorf("a cut marker: %q, %v", got, err)
	}
}

// A fragment's marker stays the same when its HTML changes (so its page's
// staged bytes do); Changed names the fragments that differ, and Keys
// those a page holds.
func TestChangedAndKeys(t *testing.T) {
	t.Parallel()
	old, next := splice.NewTable(), splice.NewTable()
	a := old.Add("a.md#1", []byte("<li>A</li>"))
	old.Add("a.md#2", []byte("<li>same</li>"))
	old.Add("gone.md#1", []byte("<li>gone</li>"))
	if again := next.Add("a.md#1", []byte("<li>A, retitled</li>")); again != a {
		t.Errorf("the marker changed with its fragment: %q, was %q", again, a)
	}
	b := next.Add("a.md#2", []byte("<li>same</li>"))
	next.Add("new.md#1", []byte("<li>new</li>"))
	if got := old.Changed(next); len(got) != 1 || got[0] != "a.md#1" {
		t.Errorf("Changed = %v, want [a.md#1]", got)
	}
	if got := splice.Keys([]byte("<ol>" + a + "</ol>" + b + "<tb-slot k=cut")); len(got) != 2 || got[0] != "a.md#1" || got[1] != "a.md#2" {
		t.Errorf("Keys = %v", got)
	}
}

// Divide moves the fragments of each part's pages into a table of that
// part's, leaves the others, and PageSizes counts each page's bytes.
func TestDivideByPage(t *testing.T) {
	t.Parallel()
	tb := splice.NewTable()
	a1 := tb.Add("a.md#1", []byte("12345"))
	tb.Add("a.md#2", []byte("678"))
	b1 := tb.Add("b/c.md#1", []byte("9"))
	d1 := tb.Add("d.md#1", []byte("0"))
	if got := tb.PageSizes(); len(got) != 3 || got["a.md"] != 8 || got["b/c.md"] != 1 {
		t.Errorf("PageSizes = %v", got)
	}
	parts := tb.Divide(2, func(page string) int {
		switch page {
		case "a.md":
			return 0
		case "d.md":
			return 1
		}
		return -1 // b/c.md: in no part
	})
	if len(parts) != 2 || parts[0].Len() != 2 || parts[0].Size() != 8 || parts[1].Len() != 1 || tb.Len() != 1 || tb.Size() != 1 {
		t.Fatalf("divided into %d parts, left %d (%d bytes)", len(parts), tb.Len(), tb.Size())
	}
	if _, ok := parts[0].Get(a1); !ok {
		t.Error("the first part lacks a.md#1")
	}
	if _, ok := parts[1].Get(d1); !ok {
		t.Error("the second part lacks d.md#1")
	}
	if _, ok := tb.Get(b1); !ok {
		t.Error("the table lost b/c.md#1, which is in no part")
	}
	merged := splice.NewTable()
	for _, p := range parts {
		merged.Merge(p)
	}
	merged.Merge(tb)
	if merged.Len() != 4 {
		t.Errorf("merged %d", merged.Len())
	}
}

// Minify writes a fragment as Hugo's minifier writes a page, and leaves
// alone one it would not change.
func TestMinify(t *testing.T) {
	t.Parallel()
	m := splice.NewMinifier()
	for in, want := range map[string]string{
		`<li><a href=x/ title="Impact">Sandworm&#39;s  &amp; &#34;q&#34;</a></li>`:                    `<li><a href=x/ title=Impact>Sandworm's & "q"</a></li>`,
		`<li class=s1><a href=x/><code>T1</code> Name</a> <b>2</b></li>`:                              `<li class=s1><a href=x/><code>T1</code> Name</a> <b>2</b></li>`,
		`<li><a class=ext href="https://a.example/?a=1&amp;b=2" rel="noopener noreferrer">t</a></li>`: `<li><a class=ext href="https://a.example/?a=1&amp;b=2" rel="noopener noreferrer">t</a></li>`,
		`<li><span class="confidence c2">x &lt;y</span></li>`:                                         `<li><span class="confidence c2">x &lt;y</span></li>`,
		`<li><a href=x title="Impact">y</a></li>`:                                                     `<li><a href=x title=Impact>y</a></li>`,
		"<li>a\n  b</li>": "<li>a\nb</li>",
	} {
		got, err := m.Minify([]byte("kept"+in), len("kept"))
		if err != nil || string(got) != "kept"+want {
			t.Errorf("Minify(%s) = %s (%v), want kept%s", in, got, err, want)
		}
	}
}
