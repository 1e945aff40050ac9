package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporttest"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/misp/misptest"
	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// served is a built site behind an HTTP server that answers as Netlify
// does with the repository's netlify.toml (sitetest.Netlify): its
// [[headers]] and [[redirects]], read from the file, not restated here.
type served struct {
	dir string
	srv *httptest.Server
	res *pipeline.Result
}

// serveSite builds the project and serves it; the site is built for the
// server's own URL, as a deploy is built for its own.
func serveSite(t *testing.T, project string) *served {
	t.Helper()
	s := &served{dir: filepath.Join(t.TempDir(), "public")}
	s.srv = httptest.NewUnstartedServer(sitetest.ReadNetlify(t).Handler(s.dir))
	s.rebuild(t, project)
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

func (s *served) url() string { return "http://" + s.srv.Listener.Addr().String() }

func (s *served) rebuild(t *testing.T, project string) {
	t.Helper()
	res, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: project, Destination: s.dir, BaseURL: s.url() + "/"})
	if err != nil {
		t.Fatal(err)
	}
	s.res = res
}

// get requests a URL with the given headers and returns the response and
// its body; it fails the test unless the status is 200.
func get(t *testing.T, u string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	return resp, body
}

// mispServer is what a MISP server holds of a feed: event UUID → the
// timestamp of its copy, and the feed cache of value hashes.
type mispServer struct {
	events map[string]int64
	cache  map[string][]string // MD5 of a value → the events holding it
}

// fetch replays MISP's "Fetch and store all feed data" (Feed model:
// getNewEventUuids, then downloadAndParseEventFromFeed for each event to
// add or edit) and "Cache feed" (getCache, which reads hashes.csv), for a
// feed whose URL is feedURL (MISP appends "/manifest.json" and so on). It
// returns the events it added and edited, and the event files it read.
func (m *mispServer) fetch(t *testing.T, feedURL string) (added, edited []string, files map[string][]byte) {
	t.Helper()
	_, body := get(t, feedURL+"/manifest.json")
	var manifest map[string]struct {
		Info, Date, Timestamp string
		Orgc                  struct{ Name, UUID string }
		Tag                   []struct{ Name string }
	}
	if err := json.Unmarshal(body, &manifest); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	files = map[string][]byte{}
	for _, uuid := range slices.Sorted(maps.Keys(manifest)) {
		entry := manifest[uuid]
		ts, err := strconv.ParseInt(entry.Timestamp, 10, 64)
		if err != nil {
			t.Fatalf("manifest: %s: timestamp %q", uuid, entry.Timestamp)
		}
		held, ok := m.events[uuid]
		switch {
		case !ok:
			added = append(added, uuid)
		case held < ts:
			edited = append(edited, uuid)
		default:
			continue
		}
		_, data := get(t, feedURL+"/"+uuid+".json")
		files[uuid] = data
		var f struct {
			Event struct{ UUID, Info, Timestamp string }
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s.json: %v", uuid, err)
		}
		if f.Event.UUID != uuid || f.Event.Timestamp != entry.Timestamp || f.Event.Info != entry.Info {
			t.Errorf("%s.json says %+v; the manifest %+v", uuid, f.Event, entry)
		}
		m.events[uuid] = ts
	}
	_, body = get(t, feedURL+"/hashes.csv")
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("hashes.csv: %v", err)
	}
	m.cache = map[string][]string{}
	for _, r := range rows {
		if len(r) != 2 || len(r[0]) != 32 {
			t.Fatalf("hashes.csv: row %q is not md5,uuid", r)
		}
		if _, ok := manifest[r[1]]; !ok {
			t.Errorf("hashes.csv names %s, which the manifest does not", r[1])
		}
		m.cache[r[0]] = append(m.cache[r[0]], r[1])
	}
	return added, edited, files
}

// The built example site answers a MISP server's fetch: the manifest lists
// its 11 events, each file valid against MISP's schemas with the event
// the manifest announced, the feed cache holding every attribute value of
// every event; a second fetch finds nothing new. The galaxy files are
// valid against misp-galaxy's schemas.
func TestMISPFetchesTheExampleSite(t *testing.T) {
	s := exampleServed(t)
	schemas := misptest.Load(t)
	m := &mispServer{events: map[string]int64{}}
	added, edited, files := m.fetch(t, s.url()+"/misp")
	if len(added) != 11 || len(edited) != 0 || len(s.res.Published) != 11 {
		t.Fatalf("MISP added %d and edited %d events of %d briefs, want 11 added", len(added), len(edited), len(s.res.Published))
	}
	for uuid, data := range files {
		if err := schemas.Event(data); err != nil {
			t.Errorf("%s.json: %v", uuid, err)
		}
		var f struct {
			Event struct{ Attribute []struct{ Value string } }
		}
		json.Unmarshal(data, &f)
		for _, a := range f.Event.Attribute {
			if !slices.Contains(m.cache[misp.ValueHash(a.Value)], uuid) {
				t.Errorf("the feed cache does not hold %s of %s", a.Value, uuid)
			}
		}
	}
	if a, e, _ := m.fetch(t, s.url()+"/misp"); len(a)+len(e) != 0 {
		t.Errorf("a second fetch of the same site added %d and edited %d events", len(a), len(e))
	}
	for path, sch := range map[string]func([]byte) error{
		misp.GalaxyFile:   func(d []byte) error { return misptest.Validate(schemas.Galaxy, d) },
		misp.ClustersFile: func(d []byte) error { return misptest.Validate(schemas.Clusters, d) },
	} {
		_, data := get(t, s.url()+"/"+path)
		if err := sch(data); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// A MISP server that fetched the feed fetches it again after one brief
// changes the way check --changed asks (its content and its updated:
// date): exactly that event is edited, its timestamp the new date's, and
// every other event file and manifest entry is byte for byte as before.
func TestMISPRefetchAfterABriefChanges(t *testing.T) {
	project := sitetest.Project(t, exporttest.FixtureArchive)
	s := serveSite(t, project)
	m := &mispServer{events: map[string]int64{}}
	added, _, before := m.fetch(t, s.url()+"/misp")
	if len(added) != 3 {
		t.Fatalf("%d events, want the fixture's 3 public briefs'", len(added))
	}
	_, manifestBefore := get(t, s.url()+"/misp/manifest.json")

	p := filepath.Join(project, "content/briefs/2024/basalt-moth.md")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(string(data), "date: 2024-02-12\n", "date: 2024-02-12\nupdated: 2024-07-01\n", 1)
	changed = strings.Replace(changed, "The oldest brief", "The oldest brief, revised", 1)
	if err := os.WriteFile(p, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	s.rebuild(t, project)

	added, edited, after := m.fetch(t, s.url()+"/misp")
	moved := misp.EventUUID("basalt-moth")
	if len(added) != 0 || !slices.Equal(edited, []string{moved}) {
		t.Fatalf("after the change MISP added %q and edited %q, want only %s edited", added, edited, moved)
	}
	if got, want := m.events[moved], int64(1719792000); got != want { // 2024-07-01T00:00:00Z
		t.Errorf("the edited event's timestamp is %d, want %d", got, want)
	}
	if !bytes.Contains(after[moved], []byte("The oldest brief, revised")) {
		t.Error("the edited event does not carry the change")
	}
	_, manifestAfter := get(t, s.url()+"/misp/manifest.json")
	var mb, ma map[string]json.RawMessage
	json.Unmarshal(manifestBefore, &mb)
	json.Unmarshal(manifestAfter, &ma)
	for uuid := range mb {
		if uuid == moved {
			if bytes.Equal(mb[uuid], ma[uuid]) {
				t.Errorf("the changed brief's manifest entry did not change")
			}
			continue
		}
		if !bytes.Equal(mb[uuid], ma[uuid]) {
			t.Errorf("manifest entry %s changed:\n%s\n%s", uuid, mb[uuid], ma[uuid])
		}
		_, now := get(t, s.url()+"/misp/"+uuid+".json")
		if !bytes.Equal(before[uuid], now) {
			t.Errorf("event %s changed though its brief did not", uuid)
		}
	}
}

// taxiiAccept is the Accept header taxii2-client (and OpenCTI) send.
const taxiiAccept = "application/taxii+json;version=2.1"

// taxiiGet requests a TAXII endpoint as taxii2-client's _HTTPConnection.get
// does, and checks the response as it does (valid_content_type): every
// parameter of the Accept header is in the Content-Type, whose media type
// is application/taxii+json.
func taxiiGet(t *testing.T, u string) []byte {
	t.Helper()
	resp, body := get(t, u, "Accept", taxiiAccept)
	ct := strings.Split(strings.ReplaceAll(resp.Header.Get("Content-Type"), " ", ""), ";")
	for _, tok := range strings.Split(taxiiAccept, ";") {
		if !slices.Contains(ct, tok) || ct[0] != "application/taxii+json" {
			t.Fatalf("GET %s: Content-Type %q for Accept %q: taxii2-client rejects it", u, resp.Header.Get("Content-Type"), taxiiAccept)
		}
	}
	if !json.Valid(body) {
		t.Fatalf("GET %s: not JSON", u)
	}
	return body
}

// A TAXII 2.1 client's session with the built example site, as
// taxii2-client's v21 Server, ApiRoot and Collection make it: discovery,
// the API root it names, the collections, each collection's own URL
// (whose path must hold its id), objects and manifest; then OpenCTI's
// TAXII feed requests (objects with added_after and next, which a static
// host ignores; and the older form without the trailing slash).
func TestTAXIIClientReadsTheExampleSite(t *testing.T) {
	s := exampleServed(t)
	var discovery struct {
		APIRoots []string `json:"api_roots"`
		Default  string
	}
	json.Unmarshal(taxiiGet(t, s.url()+"/taxii2/"), &discovery)
	if len(discovery.APIRoots) != 1 || discovery.Default != discovery.APIRoots[0] {
		t.Fatalf("discovery: %+v", discovery)
	}
	root := discovery.APIRoots[0]
	if !strings.HasPrefix(root, s.url()+"/") {
		t.Fatalf("the API root %s is not on the site %s", root, s.url())
	}
	var apiRoot struct {
		Versions         []string
		MaxContentLength *int `json:"max_content_length"`
	}
	json.Unmarshal(taxiiGet(t, root), &apiRoot)
	if !slices.Contains(apiRoot.Versions, taxiiAccept) || apiRoot.MaxContentLength == nil {
		t.Fatalf("API root: %+v", apiRoot)
	}
	var cols struct {
		Collections []struct {
			ID       string
			Title    string
			CanRead  *bool `json:"can_read"`
			CanWrite *bool `json:"can_write"`
		}
	}
	json.Unmarshal(taxiiGet(t, root+"collections/"), &cols)
	if len(cols.Collections) != 2 {
		t.Fatalf("collections: %+v", cols)
	}
	var siteBundle struct{ Objects []struct{ ID string } }
	_, bundle := get(t, s.url()+"/stix/bundle.json")
	json.Unmarshal(bundle, &siteBundle)
	for _, c := range cols.Collections {
		colURL := root + "collections/" + c.ID + "/"
		var one struct{ ID, Title string }
		json.Unmarshal(taxiiGet(t, colURL), &one)
		if one.ID != c.ID || one.Title == "" || c.CanRead == nil || !*c.CanRead || c.CanWrite == nil || *c.CanWrite || !strings.Contains(colURL, one.ID) {
			t.Errorf("collection %s: %+v at %s", c.ID, one, colURL)
		}
		var objects struct {
			More    *bool
			Objects []struct{ ID, Type string }
		}
		objectsBody := taxiiGet(t, colURL+"objects/")
		json.Unmarshal(objectsBody, &objects)
		if objects.More == nil || *objects.More || len(objects.Objects) == 0 {
			t.Errorf("%s objects: more %v, %d objects", c.ID, objects.More, len(objects.Objects))
		}
		var manifest struct {
			Objects []struct{ ID, Version string }
		}
		json.Unmarshal(taxiiGet(t, colURL+"manifest/"), &manifest)
		if len(manifest.Objects) != len(objects.Objects) {
			t.Errorf("%s: %d manifest records for %d objects", c.ID, len(manifest.Objects), len(objects.Objects))
		}
		for i := range min(len(manifest.Objects), len(objects.Objects)) {
			if manifest.Objects[i].ID != objects.Objects[i].ID {
				t.Errorf("%s: manifest record %d is %s, object %s", c.ID, i, manifest.Objects[i].ID, objects.Objects[i].ID)
				break
			}
		}
		if c.ID == "all" && len(objects.Objects) != len(siteBundle.Objects) {
			t.Errorf("all holds %d objects, the site bundle %d", len(objects.Objects), len(siteBundle.Objects))
		}
		// OpenCTI's TAXII feed: the API root as its URL, added_after and
		// next as query parameters; an older OpenCTI without the slash.
		q := url.Values{"added_after": {"2024-12-01T00:00:00.000Z"}, "next": {"x"}}
		if got := taxiiGet(t, colURL+"objects/?"+q.Encode()); !bytes.Equal(got, objectsBody) {
			t.Errorf("%s: objects with query parameters differ", c.ID)
		}
		if got := taxiiGet(t, strings.TrimSuffix(colURL, "/")+"/objects"); !bytes.Equal(got, objectsBody) {
			t.Errorf("%s: objects without the trailing slash differ", c.ID)
		}
	}
}

// RSS as OpenCTI's RSS ingestion reads it (xml2js with explicitArray off:
// each <category> must be plain text, an element with an attribute comes
// out as an object it cannot trim): the site feed's and a term feed's items
// carry the brief's actors, sectors and techniques as categories and its
// UUID as GUID; and the footer's "Follow and reuse" lists the MISP feed,
// the galaxy and the TAXII API, which answer.
func TestFeedsForPlatformsOnTheExampleSite(t *testing.T) {
	s := exampleServed(t)
	type item struct {
		GUID struct {
			IsPermaLink string `xml:"isPermaLink,attr"`
			Value       string `xml:",chardata"`
		} `xml:"guid"`
		Link       string   `xml:"link"`
		Categories []string `xml:"category"`
	}
	for _, feed := range []string{"/index.xml", "/actors/salt-typhoon/index.xml"} {
		_, body := get(t, s.url()+feed)
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "category" && len(se.Attr) > 0 {
				t.Errorf("%s: a <category> has attributes %v", feed, se.Attr)
			}
		}
		var rss struct {
			Items []item `xml:"channel>item"`
		}
		if err := xml.Unmarshal(body, &rss); err != nil {
			t.Fatalf("%s: %v", feed, err)
		}
		found := false
		for _, it := range rss.Items {
			slug := strings.TrimSuffix(strings.TrimPrefix(it.Link, s.url()+"/briefs/"), "/")
			if it.GUID.Value != "urn:uuid:"+misp.EventUUID(slug) || it.GUID.IsPermaLink != "false" {
				t.Errorf("%s: %s has GUID %+v", feed, slug, it.GUID)
			}
			for _, c := range it.Categories {
				if strings.TrimSpace(c) == "" {
					t.Errorf("%s: %s has an empty category", feed, slug)
				}
			}
			if slug == "salt-typhoon-us-telecommunications-intrusions" {
				found = true
				for _, want := range []string{"Salt Typhoon", "Telecommunications", "Exploit Public-Facing Application - T1190"} {
					if !slices.Contains(it.Categories, want) {
						t.Errorf("%s: the Salt Typhoon brief's categories %q lack %q", feed, it.Categories, want)
					}
				}
			}
		}
		if !found {
			t.Errorf("%s has no item for the Salt Typhoon brief", feed)
		}
	}

	_, home := get(t, s.url()+"/")
	section := string(home)
	if i := strings.Index(section, "Follow and reuse"); i >= 0 {
		section = section[i:]
	}
	for _, link := range []string{"/misp/manifest.json", "/" + misp.ClustersFile} {
		if !strings.Contains(section, "href="+link+">") {
			t.Errorf("the footer does not link %s", link)
		}
		get(t, s.url()+link)
	}
	if !strings.Contains(section, "<code>/taxii2/</code>") {
		t.Error("the footer does not give the TAXII discovery URL")
	}
	taxiiGet(t, s.url()+"/taxii2/")
}
