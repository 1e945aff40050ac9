package tables

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
)

// BriefsJSON writes /briefs.json, the machine-readable list of every
// published brief with its resolved terms: compact JSON, one brief encoded
// at a time, so the file is never whole in memory.
func BriefsJSON(w io.Writer, ix *index.Index, baseURL string) error {
	type term struct {
		Name string `json:"name"`
		ID   string `json:"id,omitempty"`
		URL  string `json:"url"`
	}
	type claim struct {
		Actor      string `json:"actor"`
		URL        string `json:"url"`
		By         string `json:"by"`
		Confidence string `json:"confidence"`
		Score      int    `json:"score"`
	}
	type seen struct {
		Name      string `json:"name"`
		URL       string `json:"url"`
		FirstSeen string `json:"first_seen,omitempty"`
		LastSeen  string `json:"last_seen,omitempty"`
	}
	type source struct {
		Publisher string `json:"publisher"`
		Title     string `json:"title,omitempty"`
		URL       string `json:"url,omitempty"`
	}
	type ioc struct {
		Type  string `json:"type"`
		Value string `json:"value"` // refanged: this file is for machines
		Note  string `json:"note,omitempty"`
	}
	type item struct {
		Slug    string            `json:"slug"`
		Title   string            `json:"title"`
		Date    string            `json:"date"`
		Summary string            `json:"summary"`
		Updated string            `json:"updated,omitempty"`
		TLP     string            `json:"tlp"`
		URL     string            `json:"url"`
		STIX    string            `json:"stix"`
		Terms   map[string][]term `json:"terms"`
		Claims  []claim           `json:"claims,omitempty"`
		Seen    []seen            `json:"campaigns_seen,omitempty"`
		Sources []source          `json:"sources,omitempty"`
		IOCs    []ioc             `json:"iocs,omitempty"`
	}
	base := strings.TrimRight(baseURL, "/")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // a JSON file, not HTML: & < > as they are
	buf.WriteString(`{"briefs":[`)
	for i, e := range ix.Entries {
		it := item{Slug: e.Brief.Slug, Title: e.Brief.Title, Date: e.Brief.Date.Format("2006-01-02"),
			Summary: e.Brief.Summary, TLP: string(e.Brief.TLP), URL: base + e.URL, Terms: map[string][]term{}}
		for _, k := range ix.Kinds {
			for _, t := range e.Terms[k.Name] {
				it.Terms[k.Name] = append(it.Terms[k.Name], term{Name: t.Name, ID: t.ID, URL: base + t.URL})
			}
		}
		if !e.Brief.Updated.IsZero() {
			it.Updated = e.Brief.Updated.Format("2006-01-02")
		}
		it.STIX = base + "/" + export.BriefSTIX(e)
		for _, c := range e.Claims {
			it.Claims = append(it.Claims, claim{Actor: c.Actor.Name, URL: base + c.Actor.URL, By: c.By, Confidence: string(c.Confidence), Score: c.Confidence.Score()})
		}
		for _, c := range e.Campaigns {
			it.Seen = append(it.Seen, seen{Name: c.Term.Name, URL: base + c.Term.URL, FirstSeen: c.FirstSeen, LastSeen: c.LastSeen})
		}
		for _, src := range e.Sources {
			it.Sources = append(it.Sources, source{Publisher: src.Term.Name, Title: src.Title, URL: src.URL})
		}
		for _, x := range e.Brief.IOCs {
			it.IOCs = append(it.IOCs, ioc{Type: x.Type, Value: x.Value, Note: x.Note})
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(it); err != nil {
			return fmt.Errorf("briefs.json: %w", err)
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		if _, err := w.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("briefs.json: %w", err)
		}
		buf.Reset()
	}
	buf.WriteString("]}")
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("briefs.json: %w", err)
	}
	return nil
}
