package taxii_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/taxii"
)

const baseURL = exporttest.BaseURL

// write writes the TAXII API and the STIX bundles of a checked project,
// the exporters sharing the site's STIX graph as in a build.
func write(t *testing.T, c *export.Site) map[string][]byte {
	t.Helper()
	return exporttest.Export(t, c, stix.Exporter{}, taxii.Exporter{})
}

func decode(t *testing.T, files map[string][]byte, path string, v any) {
	t.Helper()
	data, ok := files[path]
	if !ok {
		t.Fatalf("no %s", path)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

type collection struct {
	ID, Title, Description string
	CanRead                bool     `json:"can_read"`
	CanWrite               bool     `json:"can_write"`
	MediaTypes             []string `json:"media_types"`
}

// The discovery resource names one API root, by absolute URL; the root
// speaks TAXII 2.1 and accepts nothing; the collections "all" and "recent"
// are readable, not writable, of STIX 2.1, each also at its own URL.
func TestEndpoints(t *testing.T) {
	files := write(t, exporttest.Library(t, exporttest.FixtureArchive, ""))
	var d struct {
		Title, Default string
		APIRoots       []string `json:"api_roots"`
	}
	decode(t, files, "taxii2/index.json", &d)
	if d.Default != baseURL+"taxii2/root/" || !slices.Equal(d.APIRoots, []string{d.Default}) || d.Title == "" {
		t.Errorf("discovery: %+v", d)
	}
	var root struct {
		Title      string
		Versions   []string
		MaxContent *int `json:"max_content_length"`
	}
	decode(t, files, "taxii2/root/index.json", &root)
	if root.Title != exporttest.Title || !slices.Equal(root.Versions, []string{"application/taxii+json;version=2.1"}) || root.MaxContent == nil || *root.MaxContent != 0 {
		t.Errorf("API root: %+v", root)
	}
	var list struct{ Collections []collection }
	decode(t, files, "taxii2/root/collections/index.json", &list)
	var ids []string
	for _, c := range list.Collections {
		ids = append(ids, c.ID)
		if !c.CanRead || c.CanWrite || !slices.Equal(c.MediaTypes, []string{export.STIXType}) || c.Title == "" {
			t.Errorf("collection %+v", c)
		}
		var one collection
		decode(t, files, "taxii2/root/collections/"+c.ID+"/index.json", &one)
		if !slicesEqualCollection(one, c) {
			t.Errorf("collection %s at its URL: %+v, in the list: %+v", c.ID, one, c)
		}
	}
	if !slices.Equal(ids, []string{"all", "recent"}) {
		t.Errorf("collections %q", ids)
	}
}

func slicesEqualCollection(a, b collection) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Description == b.Description && a.CanRead == b.CanRead &&
		a.CanWrite == b.CanWrite && slices.Equal(a.MediaTypes, b.MediaTypes)
}

type envelope struct {
	More    *bool             `json:"more"`
	Objects []json.RawMessage `json:"objects"`
}

// ids lists the IDs of raw STIX objects.
func ids(t *testing.T, objs []json.RawMessage) []string {
	t.Helper()
	var out []string
	for _, o := range objs {
		var v struct{ ID string }
		if err := json.Unmarshal(o, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v.ID)
	}
	return out
}

// "all" is the site's bundle as one complete envelope: the same objects,
// byte for byte, in the same order.
func TestAllIsTheSiteBundle(t *testing.T) {
	files := write(t, exporttest.Library(t, exporttest.FixtureArchive, ""))
	var env envelope
	decode(t, files, "taxii2/root/collections/all/objects/index.json", &env)
	var bundle struct{ Objects []json.RawMessage }
	decode(t, files, export.SiteSTIX, &bundle)
	if env.More == nil || *env.More {
		t.Error(`the envelope does not say "more": false`)
	}
	if len(env.Objects) != len(bundle.Objects) || len(env.Objects) < 20 {
		t.Fatalf("%d objects in the envelope, %d in the bundle", len(env.Objects), len(bundle.Objects))
	}
	for i := range env.Objects {
		if string(env.Objects[i]) != string(bundle.Objects[i]) {
			t.Fatalf("object %d differs from the bundle's:\n%s\n%s", i, env.Objects[i], bundle.Objects[i])
		}
	}
}

// "recent" holds what the bundles of the briefs dated within 90 days of
// the newest hold together, and the manifest of each collection lists its
// objects with their versions.
func TestRecentAndManifests(t *testing.T) {
	c := exporttest.Library(t, exporttest.FixtureArchive, "")
	files := write(t, c)
	// The newest brief is slate-heron (2024-06-10); harbor-lure (2024-03-04)
	// is 98 days older and basalt-moth older still.
	var env envelope
	decode(t, files, "taxii2/root/collections/recent/objects/index.json", &env)
	var own struct{ Objects []json.RawMessage }
	decode(t, files, "briefs/slate-heron/stix.json", &own)
	got, want := ids(t, env.Objects), ids(t, own.Objects)
	if !slices.Equal(got, want) {
		t.Errorf("recent holds %q\nwant slate-heron's bundle %q", got, want)
	}
	for _, col := range []string{"all", "recent"} {
		var objs envelope
		decode(t, files, "taxii2/root/collections/"+col+"/objects/index.json", &objs)
		var m struct {
			More    *bool `json:"more"`
			Objects []struct {
				ID        string `json:"id"`
				DateAdded string `json:"date_added"`
				Version   string `json:"version"`
				MediaType string `json:"media_type"`
			}
		}
		decode(t, files, "taxii2/root/collections/"+col+"/manifest/index.json", &m)
		if m.More == nil || *m.More || len(m.Objects) != len(objs.Objects) {
			t.Fatalf("%s: manifest of %d records for %d objects", col, len(m.Objects), len(objs.Objects))
		}
		for i, raw := range objs.Objects {
			var o struct{ ID, Created, Modified string }
			if err := json.Unmarshal(raw, &o); err != nil {
				t.Fatal(err)
			}
			r := m.Objects[i]
			version := o.Modified
			if version == "" {
				version = o.Created
			}
			// No media_type: the collection's media_types gives it.
			if r.ID != o.ID || r.Version != version || r.DateAdded != version || r.MediaType != "" {
				t.Errorf("%s: record %+v for %s (modified %s, created %s)", col, r, o.ID, o.Modified, o.Created)
			}
		}
	}
}

// The window is "within 90 days of the newest brief": a brief dated 90
// days before it is out, 89 days before is in; nothing depends on the day
// the build runs.
func TestRecentWindow(t *testing.T) {
	brief := func(slug, date string) string {
		return "-- content/briefs/2024/" + slug + ".md --\n---\ntitle: " + slug + "\ndate: " + date +
			"\nsummary: s\ntlp: clear\nsectors: [Energy]\n---\nBody.\n"
	}
	newest := time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC)
	day := func(n int) string { return newest.AddDate(0, 0, -n).Format(time.DateOnly) }
	c := exporttest.Library(t, brief("newest", day(0))+brief("in", day(89))+brief("out", day(90)), "")
	files := write(t, c)
	var env envelope
	decode(t, files, "taxii2/root/collections/recent/objects/index.json", &env)
	var reports []string
	for _, id := range ids(t, env.Objects) {
		if strings.HasPrefix(id, "report--") {
			reports = append(reports, id)
		}
	}
	want := []string{stix.ID("report", "in"), stix.ID("report", "newest")}
	slices.Sort(want)
	if !slices.Equal(reports, want) {
		t.Errorf("recent reports %q, want those of newest and in %q", reports, want)
	}
}

// No brief: the API is still there, with empty collections.
func TestEmptySite(t *testing.T) {
	files := write(t, exporttest.Library(t, "", ""))
	var env envelope
	decode(t, files, "taxii2/root/collections/recent/objects/index.json", &env)
	if env.More == nil || *env.More || len(env.Objects) != 0 {
		t.Errorf("recent of an empty site: %+v", env)
	}
}

// The manifest records are what encoding/json makes of manifestRecord.
func TestManifestRecordEncoding(t *testing.T) {
	files := write(t, exporttest.Library(t, exporttest.FixtureArchive, ""))
	var m struct {
		Objects []json.RawMessage
	}
	decode(t, files, "taxii2/root/collections/all/manifest/index.json", &m)
	for _, raw := range m.Objects {
		var r struct {
			ID        string `json:"id"`
			DateAdded string `json:"date_added"`
			Version   string `json:"version"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(r)
		if string(again) != string(raw) {
			t.Fatalf("record %s\nencoding/json: %s", raw, again)
		}
	}
	if len(m.Objects) < 20 {
		t.Fatalf("%d records", len(m.Objects))
	}
}
