package stage

import (
	"bytes"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

func layoutsFS(t testing.TB) fs.FS {
	t.Helper()
	return os.DirFS(filepath.Join(sitetest.RepoRoot(t), "layouts"))
}

func repoItems(t testing.TB) *Items {
	t.Helper()
	it, err := LoadItems(layoutsFS(t))
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// What the list-item templates of layouts/_partials/items/ write: text and
// attributes escaped by html/template, links relative to the page, then
// minified as Hugo minifies a page (which writes a character reference only
// where the character would otherwise end the text or the value).
func TestItemsEscape(t *testing.T) {
	t.Parallel()
	l := repoItems(t).lists(splice.NewTable())
	for _, tc := range []struct {
		name string
		got  template.HTML
		want string
	}{
		{itemBrief, render(l, itemBrief, l.briefs, []BriefRow{{URL: "briefs/a/", Title: `<script>x</script> & "q"`, Date: "2024-05-02", Shown: "2 May 2024"}}),
			`<li><time datetime=2024-05-02>2 May 2024</time> <a href=../../briefs/a/>&lt;script>x&lt;/script> & "q"</a></li>`},
		// An unquoted attribute value cannot be ended early either.
		{itemBrief, render(l, itemBrief, nil, []BriefRow{{URL: "briefs/a b/><x=", Title: "T", Date: "2024 05", Shown: "S"}}),
			`<li><time datetime="2024 05">S</time> <a href="../../briefs/a%20b/%3e%3cx=">T</a></li>`},
		{itemChip, render(l, itemChip, l.chips, []Link{{Name: `Evil "Quote" <b>`, URL: "actors/evil/", ID: "T1190", Note: `a"b`, Count: 3}, {Name: "Energy", URL: "sectors/energy/"}}),
			`<li><a href=../../actors/evil/ title='a"b'><span class=id>T1190</span> Evil "Quote" &lt;b></a><span class=n>3</span></li>` +
				`<li><a href=../../sectors/energy/>Energy</a></li>`},
		{itemRelated, render(l, itemRelated, l.related, []BriefRow{{URL: "briefs/x/", Title: "A <b>", Date: "2024-05-02", Shown: "2 May 2024", Summary: `S & "q"`}}),
			`<li><a href=../../briefs/x/>A &lt;b></a> <time datetime=2024-05-02>2 May 2024</time><p>S & "q"</p></li>`},
		{itemCampaign, render(l, itemCampaign, nil, []CampaignRow{{Name: "Undated <op>", URL: "campaigns/u/"}, {Name: "One month", URL: "campaigns/a/", First: "Aug 2024"}, {Name: "Span", URL: "campaigns/b/", First: "2023", Last: "Feb 2024"}}),
			`<li><span class=when>undated</span> <a href=../../campaigns/u/>Undated &lt;op></a></li>` +
				`<li><span class=when>Aug 2024</span> <a href=../../campaigns/a/>One month</a></li>` +
				`<li><span class=when>2023 – Feb 2024</span> <a href=../../campaigns/b/>Span</a></li>`},
		{itemClaim, render(l, itemClaim, nil, []ClaimRow{{By: "A & B", Actor: "<X>", URL: "actors/x/", Confidence: meter(brief.ConfidenceModerate)}}),
			`<li><span class=by>A & B</span> attributes this to <a class=actor href=../../actors/x/>&lt;X></a> <span class="confidence c2"><span class=meter aria-hidden=true><i></i><i></i><i></i></span>moderate confidence</span></li>`},
		{itemTermClaim, render(l, itemTermClaim, nil, []TermClaimRow{{By: "A&B", Confidence: meter(brief.ConfidenceHigh), URL: "briefs/x/", Title: "T <1>", Date: "2024-05-02", Shown: "2 May 2024"}}),
			`<li><span class=by>A&amp;B</span> <span class="confidence c3"><span class=meter aria-hidden=true><i></i><i></i><i></i></span>high confidence</span> <span class=in>in <a href=../../briefs/x/>T &lt;1></a>, <time datetime=2024-05-02>2 May 2024</time></span></li>`},
		{itemIOC, render(l, itemIOC, nil, []IOCRow{{Type: "domain", Value: `evil[.]example"><script>`, Note: "<b>"}}),
			`<tr><td>domain</td><td><code class=ioc>evil[.]example">&lt;script></code></td><td>&lt;b></td></tr>`},
		{itemSource, render(l, itemSource, nil, []SourceRow{{Name: "CISA", URL: "sources/cisa/", Title: `T "1"`, Link: "https://a.example/x?y=1&z=2"}, {Name: "Bad", URL: "sources/bad/"}}),
			`<li><a href=../../sources/cisa/>CISA</a>, <cite>T "1"</cite>: <a class=ext href="https://a.example/x?y=1&amp;z=2" rel="noopener noreferrer">https://a.example/x?y=1&amp;z=2</a></li>` +
				`<li><a href=../../sources/bad/>Bad</a></li>`},
	} {
		if l.err != nil {
			t.Fatalf("%s: %v", tc.name, l.err)
		}
		if got := expand(t, l, tc.got); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

// An item that recurs is rendered once per worker, and reads the same
// each time.
func TestItemsMemo(t *testing.T) {
	t.Parallel()
	l := repoItems(t).lists(splice.NewTable())
	row := Link{Name: "Energy", URL: "sectors/energy/"}
	first := render(l, itemChip, l.chips, []Link{row, row})
	if len(l.chips) != 1 || expand(t, l, first) != strings.Repeat(l.chips[row], 2) {
		t.Errorf("two equal chips: %s, memo %v", first, l.chips)
	}
	if again := render(l, itemChip, l.chips, []Link{row}); expand(t, l, again) != l.chips[row] {
		t.Errorf("the chip again: %s", again)
	}
}

// html/template, not the row, decides what may be a link: a javascript:
// URL that reached a row would not become one.
func TestItemsRefuseUnsafeURLs(t *testing.T) {
	t.Parallel()
	l := repoItems(t).lists(splice.NewTable())
	got := expand(t, l, render(l, itemSource, nil, []SourceRow{{Name: "Bad", URL: "sources/bad/", Link: "javascript:alert(1)"}}))
	if l.err != nil {
		t.Fatal(l.err)
	}
	if strings.Contains(got, `href=javascript:`) || strings.Contains(got, `href="javascript:`) || !strings.Contains(got, `href=#ZgotmplZ`) {
		t.Errorf("a javascript: link was written: %s", got)
	}
}

// itemsFS is the repository's list-item templates, with some replaced
// (nil deletes one).
func itemsFS(t *testing.T, replace map[string]string) fstest.MapFS {
	t.Helper()
	layouts := fstest.MapFS{}
	err := fs.WalkDir(layoutsFS(t), ItemsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(layoutsFS(t), p)
		layouts[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range replace {
		layouts[ItemsDir+"/"+name] = &fstest.MapFile{Data: []byte(text)}
		if text == "" {
			delete(layouts, ItemsDir+"/"+name)
		}
	}
	return layouts
}

// A broken or missing list-item template stops the build with a message
// naming its file (and line).
func TestItemsErrorsNameTheFile(t *testing.T) {
	t.Parallel()
	_, err := LoadItems(itemsFS(t, map[string]string{"chip.html": "<li>{{ .Name }</li>"}))
	if err == nil || !strings.Contains(err.Error(), "layouts/_partials/items/chip.html") || !strings.Contains(err.Error(), ":1:") {
		t.Errorf("a syntax error: %v; want it to name layouts/_partials/items/chip.html and its line", err)
	}
	_, err = LoadItems(itemsFS(t, map[string]string{"chip.html": "<li>{{ .Nmae }}</li>"}))
	if err == nil || !strings.Contains(err.Error(), "layouts/_partials/items/chip.html") || !strings.Contains(err.Error(), "Nmae") {
		t.Errorf("a field that is not there: %v; want it to name the file and the field", err)
	}
	_, err = LoadItems(itemsFS(t, map[string]string{"ioc.html": ""}))
	if err == nil || !strings.Contains(err.Error(), "layouts/_partials/items/ioc.html") {
		t.Errorf("a template missing: %v; want it to name layouts/_partials/items/ioc.html", err)
	}
	if _, err := LoadItems(fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "layouts/_partials/items") {
		t.Errorf("no templates: %v; want it to name layouts/_partials/items", err)
	}
}

// A list-item template that package fasttmpl cannot compile is run by
// html/template, with the same result.
func TestItemsBeyondFasttmpl(t *testing.T) {
	t.Parallel()
	text := `<li><a href={{ relURL .URL }}>{{ printf "%s" .Name }}</a></li>`
	it, err := LoadItems(itemsFS(t, map[string]string{"chip.html": text}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := it.fast[itemChip]; ok {
		t.Fatal("fasttmpl compiled printf")
	}
	l := it.lists(splice.NewTable())
	got := expand(t, l, render(l, itemChip, l.chips, []Link{{Name: "<b>", URL: "sectors/x/"}}))
	if want := `<li><a href=../../sectors/x/>&lt;b></a></li>`; got != want || l.err != nil {
		t.Errorf("got %s (%v), want %s", got, l.err, want)
	}
	// The repository's own templates are all compiled.
	for name := range rowTypes {
		if repoItems(t).fast[name] == nil {
			t.Errorf("%s is not compiled: it runs in html/template, 20 times slower", name)
		}
	}
}

// A designer changes a list item in layouts/ and nothing else: the staged
// pages carry the new markup.
func TestListMarkupComesFromLayouts(t *testing.T) {
	t.Parallel()
	layouts := itemsFS(t, nil)
	chips := ItemsDir + "/chip.html"
	layouts[chips] = &fstest.MapFile{Data: bytes.Replace(layouts[chips].Data, []byte(`<li>{{`), []byte(`<li class="chip">{{`), 1)}

	ix, v := testIndex(t, []brief.Brief{{Slug: "a", Title: "A", Date: time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC), Lists: map[string][]string{"sectors": {"Energy"}}}})
	site, err := Stage(ix, v, Options{Layouts: layouts})
	if err != nil {
		t.Fatal(err)
	}
	page, err := site.Fragments.Apply(nil, site.Content["briefs/2024/a.md"])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<li class=chip><a href=../../sectors/energy/>Energy</a></li>`) {
		t.Errorf("the brief's chips do not follow layouts/%s:\n%s", chips, page)
	}
}

// testIndex indexes bs as the pipeline does, with the default vocabularies
// and kind table, and returns the index and those vocabularies.
func testIndex(t testing.TB, bs []brief.Brief) (*index.Index, *vocab.Vocab) {
	t.Helper()
	v, err := vocab.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := resolve.New(v, nil)
	return index.Build(bs, r, taxonomy.Kinds()), v
}

// expand is the list a marker that render returned stands for.
func expand(t *testing.T, l *lists, marker template.HTML) string {
	t.Helper()
	if marker == "" {
		return ""
	}
	html, ok := l.frags.Get(string(marker))
	if !ok {
		t.Fatalf("no fragment for %q", marker)
	}
	return string(html)
}
