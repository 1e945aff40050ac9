// Package taxii writes a read-only TAXII 2.1 API as static files: what a
// TAXII 2.1 client (taxii2-client, OpenCTI's TAXII feeds) requests, for a
// host to serve with the TAXII media type.
//
// Exporter accepts an export.Site (it reads the index, the site's title and
// base URL, and the site's STIX graph, stix.SiteGraph, so that every object
// is the one of the site's STIX bundles, byte for byte, with the same
// stable ID, and the graph is built once for both) and writes through the
// export.Sink. Every endpoint is a directory URL ending in "/", as TAXII
// defines them; its response is the file index.json in that directory,
// which the host serves for the directory (netlify.toml rewrites each
// endpoint to its index.json and sets Content-Type:
// application/taxii+json;version=2.1 on everything under /taxii2/):
//
//   - /taxii2/: the discovery resource, naming one API root;
//   - /taxii2/root/: the API root (read-only: max_content_length 0);
//   - /taxii2/root/collections/: the collections, "all" and "recent";
//   - /taxii2/root/collections/{id}/: one collection;
//   - /taxii2/root/collections/{id}/objects/: every object of the
//     collection in one envelope ("more": false);
//   - /taxii2/root/collections/{id}/manifest/: one manifest record per
//     object: its ID, its version (its modified timestamp, or created for
//     an object never modified) and date_added (the same: a static site has
//     no record of when a server first held a version, and the version's
//     date is when it came to be); no media type, which the collection
//     gives for all (media_types: STIX 2.1).
//
// "all" holds the site's STIX bundle's objects; "recent" those of the
// briefs dated within Recent of the newest brief (not of the build's
// clock, so the same content gives the same files), what their own bundles
// hold together, so polling it stays cheap.
//
// A static host ignores query parameters: added_after, limit, next and
// match[...] filters cannot work, and every request gets the whole
// envelope. Get an Object (objects/{id}/), versions and the write and
// status endpoints are not provided.
package taxii

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/stix"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// MediaType is the TAXII 2.1 media type every endpoint is served with.
const MediaType = "application/taxii+json;version=2.1"

// The API's paths, relative to the site root.
const (
	Discovery   = "taxii2/"
	Root        = Discovery + "root/"
	Collections = Root + "collections/"
	// Index is the file a host serves for an endpoint's directory URL.
	Index = "index.json"
)

// Recent is how far back from the newest brief the "recent" collection
// reaches.
const Recent = 90 * 24 * time.Hour

// Collection IDs.
const (
	All       = "all"
	RecentID  = "recent"
	stampTime = "2006-01-02T15:04:05.000Z"
)

type discovery struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Default     string   `json:"default"`
	APIRoots    []string `json:"api_roots"`
}

type apiRoot struct {
	Title            string   `json:"title"`
	Description      string   `json:"description"`
	Versions         []string `json:"versions"`
	MaxContentLength int      `json:"max_content_length"`
}

type collection struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types"`
}

// Exporter writes the TAXII API.
type Exporter struct{}

// Name is "taxii".
func (Exporter) Name() string { return "taxii" }

// Export writes the API of s through out.
func (Exporter) Export(s *export.Site, out export.Sink) error {
	g, err := stix.SiteGraph(s)
	if err != nil {
		return err
	}
	return write(g, s.Index, s.Title, s.BaseURL, out)
}

// write writes the API for the site at baseURL, titled title, from its
// STIX graph g of ix.
func write(g *stix.Graph, ix *index.Index, title, baseURL string, out export.Sink) error {
	base := strings.TrimRight(baseURL, "/") + "/"
	root := base + Root
	files := map[string]any{
		Discovery: discovery{
			Title:       title + " TAXII",
			Description: "A read-only TAXII 2.1 API of the briefs published at " + base + ", served as static files: query parameters (added_after, limit, next, match) are ignored, and every request gets the whole collection.",
			Default:     root, APIRoots: []string{root},
		},
		Root: apiRoot{Title: title, Description: "The briefs published at " + base + " as STIX 2.1.", Versions: []string{MediaType}, MaxContentLength: 0},
	}
	recent := recentEntries(ix)
	cols := []collection{
		{ID: All, Title: "All briefs", Description: "Every STIX object of every published brief: the site's STIX bundle."},
		{ID: RecentID, Title: "Recent briefs", Description: fmt.Sprintf("The STIX objects of the briefs dated within %d days of the newest one (%d briefs).", int(Recent.Hours()/24), len(recent))},
	}
	for i := range cols {
		cols[i].CanRead, cols[i].MediaTypes = true, []string{export.STIXType}
		files[Collections+cols[i].ID+"/"] = cols[i]
	}
	files[Collections] = struct {
		Collections []collection `json:"collections"`
	}{cols}
	for dir, v := range files {
		data, err := export.JSON(v)
		if err != nil {
			return fmt.Errorf("taxii: %s: %w", dir, err)
		}
		if err := out.Write(dir+Index, data); err != nil {
			return err
		}
	}

	all := make([]int, g.Len())
	for i := range all {
		all[i] = i
	}
	some, err := g.Select(recent)
	if err != nil {
		return err
	}
	// The four files at once: all's objects are the size of the site's
	// bundle, and its manifest has a record for each.
	var eg errgroup.Group
	for id, objs := range map[string][]int{All: all, RecentID: some} {
		dir := Collections + id + "/"
		eg.Go(func() error {
			return out.Stream(dir+"objects/"+Index, func(w io.Writer) error { return envelope(w, g, objs) })
		})
		eg.Go(func() error {
			return out.Stream(dir+"manifest/"+Index, func(w io.Writer) error { return manifest(w, g, objs) })
		})
	}
	return eg.Wait()
}

// recentEntries are the briefs dated within Recent of the newest.
func recentEntries(ix *index.Index) []*index.Entry {
	if len(ix.Entries) == 0 {
		return nil
	}
	from := ix.Entries[0].Brief.Date.Add(-Recent)
	n := 0
	for n < len(ix.Entries) && ix.Entries[n].Brief.Date.After(from) {
		n++ // Entries are newest first
	}
	return ix.Entries[:n]
}

// envelope writes the objects' envelope: all of them, "more": false.
func envelope(w io.Writer, g *stix.Graph, objs []int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(`{"more":false,"objects":[`)
	for k, i := range objs {
		if k > 0 {
			bw.WriteByte(',')
		}
		raw, _, _ := g.Object(i)
		bw.Write(raw)
	}
	bw.WriteString("]}")
	return bw.Flush()
}

// manifest writes the objects' manifest records (id, date_added, version),
// as encoding/json would (TestManifestRecordEncoding), but without
// reflection. A record has no media_type: TAXII 2.1 makes it optional, and
// every object is STIX 2.1, which the collection's media_types says once;
// repeated in every record it came to 11 MB of a 10,000-brief library.
// "all" has a record for each of some 160,000 objects on a large library.
// Nothing in a record needs escaping: IDs are a type and a UUID, versions
// timestamps.
func manifest(w io.Writer, g *stix.Graph, objs []int) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(`{"more":false,"objects":[`)
	var buf []byte
	for k, i := range objs {
		if k > 0 {
			bw.WriteByte(',')
		}
		_, id, version := g.Object(i)
		buf = append(buf[:0], `{"id":"`...)
		buf = append(buf, id...)
		buf = append(buf, `","date_added":"`...)
		buf = version.AppendFormat(buf, stampTime)
		buf = append(buf, `","version":"`...)
		buf = version.AppendFormat(buf, stampTime)
		buf = append(buf, `"}`...)
		bw.Write(buf)
	}
	bw.WriteString("]}")
	return bw.Flush()
}
