// Package check runs the stages of a build that need no rendering:
//
//	load → validate → index
//
// It accepts a project's files through fs.FS (it reads content/ and nothing
// else) and the most restricted TLP label to publish, and returns every
// diagnostic with the relationship index of what is published. It imports
// no Hugo, so that what needs only the index (the exports' tests) gets the
// very index a build renders from without linking the renderer; package
// pipeline runs it as the first three stages of Check, Build and the
// preview.
package check

import (
	"cmp"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/indicator"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/par"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/validate"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Options says what to check.
type Options struct {
	FS     fs.FS     // the project root
	MaxTLP brief.TLP // most restricted label to publish; "" means clear
	// Today is the day of the check in the site's time zone, as a date at
	// midnight UTC (as brief dates are). A brief dated later is held back
	// unless BuildFuture is set. The zero time holds nothing back.
	Today time.Time
	// TimeZone is the site's time zone, named in the held-back warning.
	TimeZone *time.Location
	// BuildFuture publishes briefs dated after Today (Hugo's --buildFuture).
	BuildFuture bool
	// Kinds are the site's taxonomies; nil means taxonomy.Kinds().
	Kinds taxonomy.Table
	// Cache, when set, carries what one check parsed and decoded to the
	// next check of the same project with the same Options (the preview
	// server's, after each save): a brief whose file's bytes did not change
	// is neither parsed nor validated again (see Cache). The outcome is the
	// same as without it.
	Cache *Cache
}

// Cache is what Run remembers between checks of one project with the same
// Options: the files each parsed to (load.Cache), the briefs each decoded
// to (validate.Cache), kept only while the profiles, which the names in
// briefs are resolved against, are the very ones parsed before, and the
// vocabularies, which are built into the program. The zero Cache is empty
// and ready. Not safe for concurrent checks.
type Cache struct {
	load     load.Cache
	validate validate.Cache
	vocab    *vocab.Vocab
	profiles []*load.Positions // of the profiles validate.Cache decoded against
}

// Timing is how long one stage took.
type Timing struct {
	Stage    string
	Duration time.Duration
}

// Checked is the outcome of load, validate and index.
type Checked struct {
	Diagnostics *diag.List
	Briefs      []brief.Brief // every brief that loaded
	BriefFiles  int           // brief files checked, those that did not load included
	Published   []brief.Brief // the ones within MaxTLP, dated up to Today (unless BuildFuture)
	Excluded    []brief.Brief // the ones above MaxTLP
	Index       *index.Index  // of Published
	Vocab       *vocab.Vocab
	Kinds       taxonomy.Table // the taxonomies the briefs were checked against
	Timings     []Timing

	// HeldBack are the briefs within MaxTLP dated after Today: not
	// published (unless BuildFuture), each with a warning naming the day it
	// goes live.
	HeldBack []brief.Brief
	// Today is the day the check ran, in the site's time zone, as a date at
	// midnight UTC (as brief dates are).
	Today time.Time
	// TimeZone is the site's time zone (config.toml's timeZone).
	TimeZone *time.Location

	// Profiles and Resolver are what names were resolved with. Unlike Index
	// they are set even when there are errors, for callers that compare two
	// checks (check --changed).
	Profiles []brief.Profile
	Resolver *resolve.Resolver
}

// Time runs fn as the stage called name: it appends how long fn took to
// timings and wraps fn's error with the stage's name.
func Time(timings *[]Timing, name string, fn func() error) error {
	start := time.Now()
	err := fn()
	*timings = append(*timings, Timing{Stage: name, Duration: time.Since(start)})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Run loads, validates and indexes the project. The error is for what
// stops the check itself (the vocabularies do not load); problems of the
// content are Diagnostics.
func Run(o Options) (*Checked, error) {
	maxTLP := o.MaxTLP
	if maxTLP == "" {
		maxTLP = brief.TLPClear
	}
	ks := o.Kinds
	if ks == nil {
		ks = taxonomy.Kinds()
	}
	if err := ks.Check(); err != nil {
		return nil, err
	}
	c := &Checked{Diagnostics: &diag.List{}, Today: o.Today, TimeZone: cmp.Or(o.TimeZone, time.UTC), Kinds: ks}
	var set *load.Set
	cache := o.Cache
	var loads *load.Cache
	if cache != nil {
		loads = &cache.load
	}
	if err := Time(&c.Timings, "load", func() error {
		v := (*vocab.Vocab)(nil)
		if cache != nil {
			v = cache.vocab
		}
		if v == nil {
			var err error
			if v, err = vocab.Default(); err != nil {
				return err
			}
		}
		c.Vocab = v
		if cache != nil {
			cache.vocab = v
		}
		var diags *diag.List
		set, diags = loads.Load(o.FS, ks.Names())
		c.Diagnostics.Merge(diags)
		c.BriefFiles = set.BriefFiles
		return nil
	}); err != nil {
		return nil, err
	}
	var r *resolve.Resolver
	_ = Time(&c.Timings, "validate", func() error {
		profiles, diags := validate.Profiles(set.Profiles, c.Vocab)
		c.Diagnostics.Merge(diags)
		var rdiags *diag.List
		r, rdiags = resolve.NewFor(c.Vocab, ks, profiles)
		c.Profiles, c.Resolver = profiles, r
		c.Diagnostics.Merge(rdiags)
		var briefs *validate.Cache
		if cache != nil {
			briefs = cache.briefsFor(set.Profiles)
		}
		c.Briefs, diags = briefs.Briefs(set.Briefs, r, ks)
		c.Diagnostics.Merge(diags)
		for _, b := range c.Briefs {
			switch {
			case b.TLP.Rank() > maxTLP.Rank() || b.TLP == "":
				c.Excluded = append(c.Excluded, b)
			case !c.Today.IsZero() && b.Date.After(c.Today) && !o.BuildFuture:
				c.HeldBack = append(c.HeldBack, b)
				c.Diagnostics.Warnf(b.File, b.Line("date"), "date", "%s", c.HeldBackNote(b))
			default:
				c.Published = append(c.Published, b)
			}
		}
		return nil
	})
	// The index is built even when there are errors, so that checks which
	// need it (links in bodies) still report in the same run.
	_ = Time(&c.Timings, "index", func() error {
		c.Index = index.Build(shown(c.Published), r, ks)
		c.Diagnostics.Merge(validate.BodyLinks(c.Published, newPageSet(c), ks))
		return nil
	})
	return c, nil
}

// briefsFor returns the cache of decoded briefs for a check whose profiles
// are profiles: emptied first unless they are the very Docs (unchanged
// files) the briefs in it were resolved against.
func (c *Cache) briefsFor(profiles []load.Doc) *validate.Cache {
	same := len(profiles) == len(c.profiles)
	for i := 0; same && i < len(profiles); i++ {
		same = profiles[i].Pos == c.profiles[i]
	}
	if !same {
		c.validate = validate.Cache{}
		c.profiles = c.profiles[:0]
		for _, p := range profiles {
			c.profiles = append(c.profiles, p.Pos)
		}
	}
	return &c.validate
}

// shown is what is published of briefs: copies whose prose shows every
// indicator defanged (indicator.Prose), so that pages, feeds, exports and
// the search index all say them the same way and none is ever a link.
// Check's diagnostics are about what authors wrote: they read the briefs.
func shown(briefs []brief.Brief) []brief.Brief {
	out := make([]brief.Brief, len(briefs))
	par.For(len(briefs), func(i int) { out[i] = indicator.Prose(briefs[i]) })
	return out
}

// HeldBackNote says why a brief in HeldBack is not published, and when it
// will be: check's warning on its date line.
func (c *Checked) HeldBackNote(b brief.Brief) string {
	day := b.Date.Format(time.DateOnly)
	return fmt.Sprintf("dated %s, after today (%s, %s): held back until a build on or after %s; --buildFuture publishes it now",
		day, c.Today.Format(time.DateOnly), c.TimeZone, day)
}

// pageSet answers which brief and term pages a build publishes.
type pageSet struct {
	ix         *index.Index
	restricted map[string]brief.TLP
}

func newPageSet(c *Checked) pageSet {
	p := pageSet{ix: c.Index, restricted: map[string]brief.TLP{}}
	for _, b := range c.Excluded {
		p.restricted["/briefs/"+b.Slug+"/"] = b.TLP
	}
	return p
}

func (p pageSet) Published(path string) bool {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) != 2 {
		return false
	}
	if parts[0] == "briefs" {
		_, ok := p.ix.Entry(parts[1])
		return ok
	}
	_, ok := p.ix.Term(parts[0], parts[1])
	return ok
}

func (p pageSet) Restricted(path string) (brief.TLP, bool) {
	t, ok := p.restricted[path]
	return t, ok
}
