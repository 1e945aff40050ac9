// Package validate turns loaded documents into typed briefs and profiles,
// collecting every problem in one pass.
//
// It accepts load.Docs (front matter as goldmark-meta read it, with line
// positions) and a resolver for term names. It checks the schema of
// brief.Fields and brief.ProfileFields: unknown keys (suggesting the nearest),
// duplicate keys, required fields, types (explaining YAML 1.1 coercions such
// as NO read as false), dates, TLP labels, ATT&CK, CVE and country codes,
// URLs, indicators, list and text sizes, mixed-script lookalike names,
// duplicate slugs and raw HTML in bodies (a warning: it is not published). Each problem is a diagnostic "file:line: field: message".
// Briefs with errors are still returned so that one run reports everything;
// callers must not render when the diagnostics hold an error.
package validate

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/par"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// SlugRe is what a brief slug must look like: it becomes a URL path segment.
var SlugRe = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// MaxSlugLen bounds a slug.
const MaxSlugLen = 80

// Profiles validates term profiles.
func Profiles(docs []load.Doc, v *vocab.Vocab) ([]brief.Profile, *diag.List) {
	var diags diag.List
	out := make([]brief.Profile, 0, len(docs))
	for _, doc := range docs {
		d := &decoder{file: doc.File, pos: doc.Pos, diags: &diags}
		p := brief.Profile{File: doc.File, Kind: doc.Kind, Slug: doc.Slug, Body: doc.Body, Pos: doc.Pos}
		rawHTML(doc.File, doc.Body, doc.BodyLine, &diags)
		if !SlugRe.MatchString(doc.Slug) {
			d.errorf("", "profile directory %q must be a slug (a-z, 0-9 and hyphens)", doc.Slug)
		}
		m, _ := d.fields("", doc.Items, brief.ProfileFields())
		if val, ok := m["title"]; ok {
			p.Title, _ = d.name("title", val)
		}
		if val, ok := m["summary"]; ok {
			p.Summary, _ = d.str("summary", val, MaxTextRunes)
		}
		if val, ok := m["synonyms"]; ok {
			f, _ := findField(brief.ProfileFields(), "synonyms")
			for i, o := range d.objects("synonyms", val, f.Sub) {
				ip := fmt.Sprintf("synonyms[%d]", i)
				n, _ := d.name(ip+".name", o["name"])
				by, _ := d.str(ip+".by", o["by"], MaxNameRunes)
				if n != "" {
					p.Synonyms = append(p.Synonyms, brief.Synonym{Name: n, By: by})
				}
			}
		}
		if val, ok := m["origin"]; ok {
			if s, ok := d.str("origin", val, MaxNameRunes); ok && s != "" {
				if code, ok := v.ResolveCountry(s); ok {
					p.Origin = code
				} else {
					d.errorf("origin", "%q is not an ISO 3166-1 country code or name", s)
				}
			}
		}
		if val, ok := m["motivation"]; ok {
			f, _ := findField(brief.ProfileFields(), "motivation")
			p.Motivation, _ = d.enum("motivation", val, f)
		}
		if val, ok := m["first_seen"]; ok {
			p.FirstSeen, _ = d.month("first_seen", val)
		}
		if val, ok := m["external_ids"]; ok && val != nil {
			if pairs, ok := d.mapping("external_ids", val); ok {
				for _, pr := range pairs {
					id, ok := d.str("external_ids."+pr.key, pr.val, MaxNameRunes)
					if ok && id != "" {
						p.ExternalIDs = append(p.ExternalIDs, brief.ExternalID{Source: pr.key, ID: id})
					}
				}
				slices.SortFunc(p.ExternalIDs, func(a, b brief.ExternalID) int { return strings.Compare(a.Source, b.Source) })
			}
		}
		out = append(out, p)
	}
	// Two profiles of one kind for the same name would give one URL twice.
	seen := map[string]string{}
	for _, p := range out {
		k := p.Kind + "\x00" + vocab.Norm(p.Title)
		if first, dup := seen[k]; dup && p.Title != "" {
			diags.Errorf(p.File, p.Line("title"), "title", "%q already has a profile: %s", p.Title, first)
			continue
		}
		seen[k] = p.File
	}
	return out, &diags
}

// Briefs validates briefs and checks every term name against r. Their
// term lists are the fields of the kinds ks (taxonomy.Table.BriefFields).
func Briefs(docs []load.Doc, r *resolve.Resolver, ks taxonomy.Table) ([]brief.Brief, *diag.List) {
	return (*Cache)(nil).Briefs(docs, r, ks)
}

// Cache remembers the brief (and the diagnostics) each Doc decoded to, for
// a caller that validates the same project again and again (the preview
// server, after each save). A Doc is known by its Pos, which a load.Cache
// hands back unchanged for a file whose bytes did not change and new for
// one parsed again. Decoding depends on the Doc, the taxonomies and the
// resolver's names (the vocabularies and the profiles): the caller must
// use a new Cache when the profiles or the taxonomies change. The zero
// Cache is empty and ready; a nil *Cache caches nothing. Not safe for
// concurrent use.
type Cache struct {
	briefs map[*load.Positions]decoded
}

type decoded struct {
	b     brief.Brief
	diags diag.List
}

// Briefs is the package's Briefs, decoding only the Docs it has not seen.
// It forgets the Docs this call was not given.
func (c *Cache) Briefs(docs []load.Doc, r *resolve.Resolver, ks taxonomy.Table) ([]brief.Brief, *diag.List) {
	var diags diag.List
	// Briefs are independent: decode them on every core, each into its own
	// list of diagnostics, merged in order.
	out := make([]brief.Brief, len(docs))
	lists := make([]diag.List, len(docs))
	schema := ks.BriefFields()
	par.For(len(docs), func(i int) {
		if c != nil && docs[i].Pos != nil {
			// Only read here: the map is replaced after par.For.
			if d, hit := c.briefs[docs[i].Pos]; hit {
				out[i], lists[i] = d.b, d.diags
				return
			}
		}
		out[i] = decodeBrief(docs[i], r, ks, schema, &lists[i])
	})
	if c != nil {
		next := make(map[*load.Positions]decoded, len(docs))
		for i := range docs {
			if docs[i].Pos != nil {
				next[docs[i].Pos] = decoded{out[i], lists[i]}
			}
		}
		c.briefs = next
	}
	for i := range lists {
		diags.Merge(&lists[i])
	}
	// Duplicate slugs would publish two briefs at one URL.
	first := map[string]*brief.Brief{}
	for i := range out {
		b := &out[i]
		if b.Slug == "" {
			continue
		}
		if f, dup := first[b.Slug]; dup {
			diags.Errorf(b.File, b.Line("slug"), "slug", "slug %q is already used by %s; rename the file or set a different slug", b.Slug, f.File)
			continue
		}
		first[b.Slug] = b
	}
	return out, &diags
}

func decodeBrief(doc load.Doc, r *resolve.Resolver, ks taxonomy.Table, schema []brief.Field, diags *diag.List) brief.Brief {
	d := &decoder{file: doc.File, pos: doc.Pos, diags: diags}
	b := brief.Brief{File: doc.File, Body: doc.Body, BodyLine: doc.BodyLine, Pos: doc.Pos}
	m, _ := d.fields("", doc.Items, schema)

	if val, ok := m["title"]; ok {
		b.Title, _ = d.str("title", val, MaxTitleRunes)
	}
	if val, ok := m["date"]; ok && val != nil {
		b.Date, _ = d.date("date", val)
	}
	if val, ok := m["updated"]; ok && val != nil {
		b.Updated, _ = d.date("updated", val)
		if !b.Updated.IsZero() && !b.Date.IsZero() && b.Updated.Before(b.Date) {
			d.errorf("updated", "%s is before the brief's date %s", b.Updated.Format("2006-01-02"), b.Date.Format("2006-01-02"))
		}
	}
	if val, ok := m["summary"]; ok {
		b.Summary, _ = d.str("summary", val, MaxTextRunes)
	}
	if val, ok := m["tlp"]; ok && val != nil {
		if s, ok := d.str("tlp", val, 40); ok && s != "" {
			if t, ok := brief.ParseTLP(s); ok {
				b.TLP = t
			} else {
				levels := make([]string, 0, 5)
				for _, l := range brief.TLPLevels() {
					levels = append(levels, string(l))
				}
				d.errorf("tlp", "%q is not a TLP 2.0 label; use one of %s", s, strings.Join(levels, ", "))
			}
		}
	}

	base := strings.TrimSuffix(path.Base(doc.File), ".md")
	b.Slug = base
	if val, ok := m["slug"]; ok && val != nil {
		if s, ok := d.str("slug", val, MaxSlugLen*2); ok && s != "" {
			b.Slug = s
			if !SlugRe.MatchString(s) || len(s) > MaxSlugLen {
				d.errorf("slug", "%q is not a valid slug: use a-z, 0-9 and single hyphens, at most %d characters", s, MaxSlugLen)
				b.Slug = ""
			}
		}
	} else if !SlugRe.MatchString(base) || len(base) > MaxSlugLen {
		d.errorf("", "file name %q does not make a valid slug (a-z, 0-9 and single hyphens, at most %d characters); rename the file or set slug:", base, MaxSlugLen)
		b.Slug = ""
	}
	if !b.Date.IsZero() {
		if dir := path.Base(path.Dir(doc.File)); len(dir) == 4 && dir != fmt.Sprint(b.Date.Year()) && strings.Trim(dir, "0123456789") == "" {
			d.warnf("date", "the brief is dated %d but filed under %s/", b.Date.Year(), dir)
		}
	}

	sub := func(key string) []brief.Field {
		f, _ := findField(schema, key)
		return f.Sub
	}
	if val, ok := m["sources"]; ok {
		for i, o := range d.objects("sources", val, sub("sources")) {
			ip := fmt.Sprintf("sources[%d]", i)
			name, _ := d.name(ip+".name", o["name"])
			title, _ := d.str(ip+".title", o["title"], MaxTitleRunes)
			u, _ := d.str(ip+".url", o["url"], MaxURLBytes)
			if u != "" && !isWebURL(u) {
				if fixed, ok := withScheme(u); ok {
					d.errorf(ip+".url", "%q has no scheme; write %q", u, fixed)
				} else {
					d.errorf(ip+".url", "%q is not an http(s) URL", u)
				}
				u = ""
			}
			if name != "" {
				b.Sources = append(b.Sources, brief.Source{Name: name, Title: title, URL: u})
			}
		}
	}
	if val, ok := m["attribution"]; ok {
		f := sub("attribution")
		conf, _ := findField(f, "confidence")
		for i, o := range d.objects("attribution", val, f) {
			ip := fmt.Sprintf("attribution[%d]", i)
			actor, _ := d.name(ip+".actor", o["actor"])
			by, _ := d.name(ip+".by", o["by"])
			c, _ := d.enum(ip+".confidence", o["confidence"], conf)
			if actor != "" {
				b.Attribution = append(b.Attribution, brief.Claim{Actor: actor, By: by, Confidence: brief.Confidence(c)})
			}
		}
	}
	if val, ok := m["campaigns"]; ok {
		for i, o := range d.objects("campaigns", val, sub("campaigns")) {
			ip := fmt.Sprintf("campaigns[%d]", i)
			name, _ := d.name(ip+".name", o["name"])
			fs, _ := d.month(ip+".first_seen", o["first_seen"])
			ls, _ := d.month(ip+".last_seen", o["last_seen"])
			if fs != "" && ls != "" && ls < fs {
				d.errorf(ip+".last_seen", "%s is before first_seen %s", ls, fs)
			}
			if name != "" {
				b.Campaigns = append(b.Campaigns, brief.Campaign{Name: name, FirstSeen: fs, LastSeen: ls})
			}
		}
	}
	// The term lists. A name in a closed vocabulary (a country, a
	// technique, a CVE) that mixes scripts is reported as unknown; any
	// other is checked for lookalike letters.
	for _, k := range ks {
		if k.Field == "" {
			continue
		}
		var names []string
		if k.Resolution.Closed() {
			names = d.strList(k.Field, m[k.Field], MaxNameRunes)
		} else {
			names = d.names(k.Field, m[k.Field])
		}
		if len(names) > 0 {
			if b.Lists == nil {
				b.Lists = map[string][]string{}
			}
			b.Lists[k.Field] = names
		}
	}
	b.Distinct = d.names("distinct", m["distinct"])
	if val, ok := m["iocs"]; ok {
		f := sub("iocs")
		typ, _ := findField(f, "type")
		for i, o := range d.objects("iocs", val, f) {
			ip := fmt.Sprintf("iocs[%d]", i)
			t, ok1 := d.enum(ip+".type", o["type"], typ)
			v, ok2 := d.str(ip+".value", o["value"], MaxURLBytes)
			note, _ := d.str(ip+".note", o["note"], MaxTextRunes)
			if !ok1 || !ok2 || v == "" {
				continue
			}
			v = indicator.Refang(v)
			if msg := checkIOC(t, v); msg != "" {
				d.errorf(ip+".value", "%s", msg)
				continue
			}
			b.IOCs = append(b.IOCs, brief.IOC{Type: t, Value: v, Note: note})
		}
	}

	rawHTML(b.File, b.Body, b.BodyLine, diags)

	// Every term name must resolve; the resolver says how bad it is if not.
	for _, k := range ks {
		for _, ref := range k.Refs(&b) {
			if _, is := r.Resolve(k, ref.Value); !is.OK && !r.Excused(&b, is, ref.Value) {
				diags.Add(diag.Diagnostic{File: b.File, Line: b.Line(ref.Path), Field: ref.Path, Message: is.Message, Severity: is.Severity})
			}
		}
	}
	for _, f := range r.Distinct(&b) {
		diags.Add(diag.Diagnostic{File: b.File, Line: b.Line(f.Path), Field: f.Path, Message: f.Issue.Message, Severity: f.Issue.Severity})
	}
	return b
}

// names decodes a list of term names.
func (d *decoder) names(path string, v any) []string {
	items := d.strList(path, v, MaxNameRunes)
	out := items[:0]
	for i, s := range items {
		if looks, mixed := mixedScript(s); mixed {
			d.errorf(fmt.Sprintf("%s[%d]", path, i), "%q mixes Latin letters with Cyrillic or Greek lookalikes (reads as %q); use one script", s, looks)
			continue
		}
		out = append(out, s)
	}
	return out
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// withScheme returns u with "https://" put in front when u is a web
// address written without its scheme (www.cisa.gov/news/...).
func withScheme(u string) (string, bool) {
	if strings.Contains(u, "://") || strings.HasPrefix(u, "/") {
		return "", false
	}
	fixed := "https://" + u
	p, err := url.Parse(fixed)
	if err != nil || p.User != nil || !domainRe.MatchString(p.Hostname()) {
		return "", false
	}
	return fixed, true
}

var (
	domainRe = regexp.MustCompile(`^(?i)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z][a-z0-9-]{0,62}$`)
	hexRe    = regexp.MustCompile(`^[0-9a-fA-F]+$`)
)

// checkIOC returns "" when v is a well-formed indicator of type t.
func checkIOC(t, v string) string {
	switch t {
	case "ipv4":
		if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
			return fmt.Sprintf("%q is not an IPv4 address", v)
		}
	case "ipv6":
		if a, err := netip.ParseAddr(v); err != nil || !a.Is6() {
			return fmt.Sprintf("%q is not an IPv6 address", v)
		}
	case "domain":
		if len(v) > 253 || !domainRe.MatchString(v) {
			return fmt.Sprintf("%q is not a domain name", v)
		}
	case "url":
		u, err := url.Parse(v)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Sprintf("%q is not an absolute URL", v)
		}
	case "md5", "sha1", "sha256":
		n := map[string]int{"md5": 32, "sha1": 40, "sha256": 64}[t]
		if len(v) != n || !hexRe.MatchString(v) {
			return fmt.Sprintf("%q is not a %s hash (%d hex digits)", v, t, n)
		}
	case "email":
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			return fmt.Sprintf("%q is not an e-mail address", v)
		}
	case "filename":
		if len(v) > 255 {
			return fmt.Sprintf("%q is too long for a file name", v)
		}
	}
	return ""
}
