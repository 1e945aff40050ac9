package batch_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/batch"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

func site() map[string][]byte {
	return map[string][]byte{
		"_index.md":                []byte(`{"title":"Home","top":[1,2,3]}` + "\n"),
		"briefs/_index.md":         []byte(`{"title":"Briefs"}` + "\n"),
		"briefs/2024/_index.md":    []byte(`{"title":"2024","build":{"render":"never","list":"never"}}` + "\n"),
		"briefs/2024/a.md":         []byte(`{"title":"A","date":"2024-01-02","summary":"S <b>","tlp":"clear","card":[{"Name":"X"}],"terms":["big"],"matrix":{"cells":1}}` + "\nBody of A.\n"),
		"briefs/2024/b.md":         []byte(`{"title":"B","date":"2024-02-03","summary":"S","tlp":"amber","card":[],"related":"<li>...</li>"}` + "\nBody of B.\n"),
		"actors/_index.md":         []byte(`{"title":"Actors","groups":[]}` + "\n"),
		"actors/volt-typhoon.md":   []byte(`{"title":"Volt Typhoon","type":"term","outputs":["html"],"date":"2024-02-03","timeline":[1,2,3,4,5]}` + "\nProfile.\n"),
		"campaigns/operation-x.md": []byte(`{"title":"Operation X","type":"term","outputs":["html"],"date":"2024-01-02"}` + "\n"),
	}
}

func TestSplitKeepsASmallSiteWhole(t *testing.T) {
	content := site()
	n := len(content)
	parts, err := batch.Split(content, 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 || parts[0].Pages || len(parts[0].Content) != n {
		t.Fatalf("got %d parts (first: pages only %v, %d files), want the whole site in one", len(parts), parts[0].Pages, len(parts[0].Content))
	}
	if len(content) != 0 {
		t.Errorf("Split left %d files in the caller's map", len(content))
	}
}

// A site of less than twice the part size is rendered whole: split, it
// would take two page parts and the site part, three starts of Hugo, to
// save at most one part's memory. From twice the part size it is split.
func TestSplitKeepsASiteUnderTwoPartsWhole(t *testing.T) {
	var total int64
	for _, data := range site() {
		total += int64(len(data))
	}
	parts, err := batch.Split(site(), total/2+1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 || parts[0].Pages {
		t.Errorf("a site of %d bytes in parts of %d: %d parts, want it whole", total, total/2+1, len(parts))
	}
	parts, err = batch.Split(site(), total/2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 3 {
		t.Errorf("a site of %d bytes in parts of %d: %d parts, want two or more parts of pages and the site part", total, total/2, len(parts))
	}
}

func TestSplitPutsPagesInPartsAndStubsInTheSitePart(t *testing.T) {
	orig := site()
	content := site()
	parts, err := batch.Split(content, 200, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) < 3 {
		t.Fatalf("got %d parts, want the pages in at least two parts and the site part", len(parts))
	}
	sitePart := parts[len(parts)-1]
	if sitePart.Pages {
		t.Error("the last part is a part of pages, want the site part")
	}
	seen := map[string]int{}
	for _, p := range parts[:len(parts)-1] {
		if !p.Pages {
			t.Error("a part before the last is not a part of pages")
		}
		var bytes int64
		for path, data := range p.Content {
			bytes += int64(len(data))
			if strings.HasSuffix(path, "_index.md") {
				if path != "briefs/2024/_index.md" {
					t.Errorf("part of pages holds list page %s", path)
				}
				continue
			}
			seen[path]++
			if string(data) != string(orig[path]) {
				t.Errorf("%s: changed in its part", path)
			}
		}
		if bytes != p.Bytes {
			t.Errorf("part says it holds %d bytes, holds %d", p.Bytes, bytes)
		}
	}
	for path := range orig {
		if !strings.HasSuffix(path, "_index.md") && seen[path] != 1 {
			t.Errorf("%s: in %d parts of pages, want 1", path, seen[path])
		}
		if strings.HasSuffix(path, "_index.md") && string(sitePart.Content[path]) != string(orig[path]) {
			t.Errorf("%s: not in the site part as staged", path)
		}
	}
	// A brief's stub: what lists and feeds read, no body, not rendered.
	var stub map[string]any
	if err := json.Unmarshal(sitePart.Content["briefs/2024/a.md"], &stub); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"title": "A", "date": "2024-01-02", "summary": "S <b>", "tlp": "clear",
		"card": []any{map[string]any{"Name": "X"}}, "build": map[string]any{"render": "link"}}
	if g, _ := json.Marshal(stub); string(g) != string(must(json.Marshal(want))) {
		t.Errorf("stub of a brief:\n got %s\nwant %s", g, must(json.Marshal(want)))
	}
	if s := string(sitePart.Content["briefs/2024/a.md"]); strings.Contains(s, "Body") || strings.Contains(s, `\u003c`) {
		t.Errorf("stub %q has the body or escaped HTML", s)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestSplitNamesTheFileWithBadFrontMatter(t *testing.T) {
	content := site()
	content["actors/broken.md"] = []byte("{not json\n")
	_, err := batch.Split(content, 100, nil)
	if err == nil || !strings.Contains(err.Error(), "actors/broken.md") {
		t.Errorf("err = %v, want one naming actors/broken.md", err)
	}
}

// Every key of a page's front matter that the lists of briefs and the site
// feeds read is one a stub keeps: otherwise a list would show a brief
// without it, and only when the site is rendered in parts.
func TestListKeysCoverTheListTemplates(t *testing.T) {
	layouts := filepath.Join(sitetest.RepoRoot(t), "layouts")
	param := regexp.MustCompile(`(\w*)\.Params\.([A-Za-z_]+)`)
	for _, name := range []string{"_partials/brief-item.html", "_partials/rss-item.xml", "_partials/jsonfeed-item.html", "home.rss.xml", "home.jsonfeed.json"} {
		data, err := os.ReadFile(filepath.Join(layouts, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range param.FindAllStringSubmatch(string(data), -1) {
			if m[1] == "site" { // the site's configuration, not a page's
				continue
			}
			if !slices.Contains(batch.ListKeys, strings.ToLower(m[2])) {
				t.Errorf("%s reads .Params.%s, which batch.ListKeys leaves out of a page's stub", name, m[2])
			}
		}
	}
}
