// Package changes reports what a change does to a project's content, for
// review by pull request (`check --changed BASE`).
//
// It accepts a project directory inside a git work tree and a git ref (a
// branch, tag or commit; in CI usually origin/main). The change is every
// difference between the merge base of that ref with HEAD and the working
// tree, so committed, uncommitted and untracked files all count. Validation
// needs the whole project (a name resolves against every profile, a slug
// must be unique among all briefs), so Run checks both the base's content/
// (read with git archive) and the working tree in full with check.Run,
// then keeps what concerns the change:
//
//   - every diagnostic of a brief or profile the change adds, edits or moves;
//   - a diagnostic of any other file that the base did not have: one the
//     change caused (a slug a new brief also takes, a synonym a new profile
//     also claims, a near-miss of a new profile's name);
//   - an error wherever a brief names a term that resolved to a profile at
//     the base and resolves to none now: a profile renamed or removed while
//     briefs still use its old name, which would split the term in two;
//   - every diagnostic, when the change touches the generator itself
//     (generator/ or go.mod), since the rules may have changed with it;
//   - a warning for each published brief whose content the change edits
//     without moving date: or updated: forward, since its MISP event's
//     timestamp would not move and subscribers would keep the old copy
//     (package misp).
//
// Report.Markdown summarizes the change for a reviewer: the briefs added,
// changed, moved and removed, with title, date and TLP label, and the
// existing briefs an added one may repeat (same document cited, or same
// actor and source within a week); the profiles; every actor and malware
// page the change creates (with its ATT&CK ID when ATT&CK knows it), so a
// reviewer sees each new actor; the other terms no brief or profile had
// named before (these and those flagged when spelled almost like an
// existing term); new ATT&CK techniques; what changed in the front matter of
// each changed brief (keys added, removed or changed, the names a list
// gained and lost); what the change removes (the pages of terms no
// published brief names any more, the indicators a changed or removed brief
// no longer carries); the problems.
package changes

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/brief"
	"github.com/threatbriefs/threatbriefs/generator/internal/check"
	"github.com/threatbriefs/threatbriefs/generator/internal/diag"
	"github.com/threatbriefs/threatbriefs/generator/internal/load"
	"github.com/threatbriefs/threatbriefs/generator/internal/resolve"
	"github.com/threatbriefs/threatbriefs/generator/internal/story"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// Report is what a change does to the content.
type Report struct {
	Ref  string // the ref compared with, as given
	Base string // the merge-base commit
	// Tooling is set when the change touches the generator: every file's
	// diagnostics are then reported.
	Tooling bool

	Briefs   []Item    // briefs added, changed, moved or removed, in path order
	Profiles []Item    // the same for term profiles
	Terms    []NewTerm // terms new to the content, by taxonomy then name
	// Gone and Dropped are what the change removes: term pages no
	// published brief names any more, and indicators briefs no longer carry.
	Gone    []GoneTerm
	Dropped []DroppedIOC

	// Diagnostics are the problems that concern the change, sorted.
	Diagnostics []diag.Diagnostic
	Checked     int // brief files in the working tree, loaded or not

	kinds taxonomy.Table // the site's, to name a profile's kind
}

// Item is one changed brief or profile.
type Item struct {
	Status  Status
	File    string // for Deleted, the path at the base
	OldFile string // for Renamed
	Kind    string // taxonomy of a profile
	Title   string // "" when the file does not load
	// OldTitle is a changed profile's title at the base, when it differs.
	OldTitle string
	Date     time.Time // briefs
	TLP      brief.TLP // briefs
	Errors   int       // reported diagnostics in File
	Warnings int
	// Same lists the existing briefs an added brief may repeat.
	Same []Same
	// Fields says what changed in the front matter of a changed or moved
	// brief (set by Run, which reads the files).
	Fields []FieldChange
}

// Same is an existing brief that may report the same story as an added
// one (package story says when).
type Same = story.Same

// NewTerm is a term that no brief or profile at the base named.
type NewTerm struct {
	Kind   taxonomy.Kind
	Name   string
	ID     string // for kinds with IDs (T1190, CN, CVE-..., M1051)
	Briefs int    // changed briefs naming it
	// Near is an existing term spelled almost the same: a likely duplicate.
	Near string
	// Page is the term's page on the public site ("" when only briefs
	// above TLP:CLEAR name it).
	Page string
	// Attack is the ATT&CK ID of an actor or malware term that ATT&CK
	// knows (G0034, S0368).
	Attack string
}

// ErrorCount is the number of reported errors.
func (r *Report) ErrorCount() int {
	n := 0
	for _, d := range r.Diagnostics {
		if d.Severity == diag.Error {
			n++
		}
	}
	return n
}

// Run compares the project in the git work tree dir, checked with o (see
// check.ForProject; o.FS, if set, is the working tree's content), with the
// merge base of ref.
func Run(ctx context.Context, dir string, o check.Options, ref string) (*Report, error) {
	dir = cmp.Or(dir, ".")
	d, err := gitDiff(ctx, dir, ref)
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	baseFS, err := baseContent(ctx, dir, d.Base)
	if err != nil {
		return nil, fmt.Errorf("changes: %w", err)
	}
	if o.FS == nil {
		o.FS = os.DirFS(dir)
	}
	head, err := check.Run(o)
	if err != nil {
		return nil, err
	}
	bo := o
	bo.FS = baseFS
	base, err := check.Run(bo)
	if err != nil {
		return nil, fmt.Errorf("changes: checking %s: %w", ref, err)
	}
	r := Compare(d, base, head)
	fieldChanges(r.Briefs, baseFS, o.FS)
	return r, nil
}

// kindOf says what a content path is: a brief ("briefs"), a profile (its
// taxonomy) or neither (""). It follows load's rules.
func kindOf(ks taxonomy.Table, p string) string {
	parts := strings.Split(p, "/")
	for _, s := range parts {
		if strings.HasPrefix(s, ".") {
			return ""
		}
	}
	if strings.HasPrefix(p, load.BriefsDir+"/") && strings.HasSuffix(p, ".md") && path.Base(p) != "_index.md" {
		return "briefs"
	}
	if len(parts) == 4 && parts[0] == "content" && parts[3] == "_index.md" {
		if _, ok := ks.Lookup(parts[1]); ok {
			return parts[1]
		}
	}
	return ""
}

// tooling reports whether a path belongs to the generator, whose changes may
// change what check says about any file.
func tooling(p string) bool {
	return strings.HasPrefix(p, "generator/") || p == "go.mod"
}

// Compare reports what the change d does, given full checks of the content
// at its base and in the working tree.
func Compare(d *Diff, base, head *check.Checked) *Report {
	r := &Report{Ref: d.Ref, Base: d.Base, Checked: head.BriefFiles, kinds: head.Kinds}
	ks := head.Kinds

	// Content files as the change leaves them; a move into or out of the
	// content tree counts as an addition or a removal.
	var files []File
	for _, f := range d.Files {
		if tooling(f.Path) || tooling(f.OldPath) {
			r.Tooling = true
		}
		if f.Status == Renamed {
			from, to := kindOf(ks, f.OldPath), kindOf(ks, f.Path)
			switch {
			case from == "" && to == "":
				continue
			case from == "":
				f = File{Status: Added, Path: f.Path}
			case to == "":
				f = File{Status: Deleted, Path: f.OldPath}
			}
		} else if kindOf(ks, f.Path) == "" {
			continue
		}
		files = append(files, f)
	}
	touched := map[string]bool{}
	profilesChanged := false
	for _, f := range files {
		if f.Status != Deleted {
			touched[f.Path] = true
		}
		if kindOf(ks, f.Path) != "briefs" {
			profilesChanged = true
		}
	}

	// Diagnostics: those of touched files, and those the base did not have.
	atBase := map[diag.Diagnostic]bool{}
	for _, x := range base.Diagnostics.Items() {
		atBase[x] = true
	}
	var reported diag.List
	for _, x := range head.Diagnostics.Items() {
		if r.Tooling || touched[x.File] || !atBase[x] {
			reported.Add(x)
		}
	}
	if profilesChanged {
		reported.Merge(lostProfiles(base, head))
	}
	reported.Merge(staleEvents(files, base, head))
	r.Diagnostics = reported.Items()

	r.Briefs, r.Profiles = items(files, base, head, r.Diagnostics)
	r.Terms = newTerms(files, base, head)
	r.Gone = goneTerms(base, head)
	r.Dropped = droppedIOCs(files, base, head)
	return r
}

// lostProfiles reports each name in a brief that resolved to a profile at the
// base and resolves to none now.
func lostProfiles(base, head *check.Checked) *diag.List {
	var l diag.List
	for i := range head.Briefs {
		b := &head.Briefs[i]
		for _, k := range head.Kinds {
			for _, ref := range k.Refs(b) {
				was, _ := base.Resolver.Resolve(k, ref.Value)
				if was.Profile == nil {
					continue
				}
				if now, _ := head.Resolver.Resolve(k, ref.Value); now.Profile == nil {
					l.Errorf(b.File, b.Line(ref.Path), ref.Path,
						"%q no longer names a profile: before this change it named the %s %q (%s); add it to a profile's synonyms or change it here",
						ref.Value, k.Singular, was.Profile.Title, was.Profile.File)
				}
			}
		}
	}
	return &l
}

// items describes the changed briefs and profiles.
func items(files []File, base, head *check.Checked, reported []diag.Diagnostic) (briefs, profiles []Item) {
	headBriefs, baseBriefs := briefsByFile(head), briefsByFile(base)
	headProfiles, baseProfiles := profilesByFile(head), profilesByFile(base)
	for _, f := range files {
		it := Item{Status: f.Status, File: f.Path, OldFile: f.OldPath}
		for _, x := range reported {
			if x.File == f.Path && f.Status != Deleted {
				if x.Severity == diag.Error {
					it.Errors++
				} else {
					it.Warnings++
				}
			}
		}
		kind := kindOf(head.Kinds, f.Path)
		if kind == "briefs" {
			b := headBriefs[f.Path]
			if f.Status == Deleted {
				b = baseBriefs[f.Path]
			}
			if b != nil {
				it.Title, it.Date, it.TLP = b.Title, b.Date, b.TLP
				if f.Status == Added {
					it.Same = story.Find(b, head.Resolver, base.Briefs, base.Resolver)
				}
			}
			briefs = append(briefs, it)
			continue
		}
		it.Kind = kind
		p, old := headProfiles[f.Path], baseProfiles[cmp.Or(f.OldPath, f.Path)]
		if f.Status == Deleted {
			p = old
		}
		if p != nil {
			it.Title = p.Title
		}
		if f.Status != Deleted && f.Status != Added && p != nil && old != nil && old.Title != p.Title {
			it.OldTitle = old.Title
		}
		profiles = append(profiles, it)
	}
	byPath := func(a, b Item) int { return strings.Compare(a.File, b.File) }
	slices.SortFunc(briefs, byPath)
	slices.SortFunc(profiles, byPath)
	return briefs, profiles
}

func briefsByFile(c *check.Checked) map[string]*brief.Brief {
	m := make(map[string]*brief.Brief, len(c.Briefs))
	for i := range c.Briefs {
		m[c.Briefs[i].File] = &c.Briefs[i]
	}
	return m
}

func profilesByFile(c *check.Checked) map[string]*brief.Profile {
	m := make(map[string]*brief.Profile, len(c.Profiles))
	for i := range c.Profiles {
		m[c.Profiles[i].File] = &c.Profiles[i]
	}
	return m
}

// newTerms lists the terms that the changed briefs and the added profiles
// name and that nothing at the base named, with the existing term each is
// spelled almost like.
func newTerms(files []File, base, head *check.Checked) []NewTerm {
	kinds := head.Kinds
	known := map[string]map[string]bool{}   // kind → term keys at the base
	spelled := map[string]map[string]bool{} // kind → names at the base
	cands := map[string][]vocab.Candidate{} // the same names, for SuggestClose
	for _, k := range kinds {
		known[k.Name], spelled[k.Name] = map[string]bool{}, map[string]bool{}
	}
	seen := func(k taxonomy.Kind, name string) {
		t, _ := base.Resolver.Resolve(k, name)
		known[k.Name][t.Key] = true
		for _, n := range []string{t.Name, name} {
			if !spelled[k.Name][n] {
				spelled[k.Name][n] = true
				cands[k.Name] = append(cands[k.Name], vocab.Candidate{Name: n, Canonical: t.Name})
			}
		}
	}
	for i := range base.Briefs {
		for _, k := range kinds {
			for _, ref := range k.Refs(&base.Briefs[i]) {
				seen(k, ref.Value)
			}
		}
	}
	for _, p := range base.Profiles {
		if k, ok := kinds.Lookup(p.Kind); ok && p.Title != "" {
			seen(k, p.Title)
			for _, s := range p.Synonyms {
				seen(k, s.Name)
			}
		}
	}

	type key struct{ kind, key string }
	found := map[key]*NewTerm{}
	var order []key
	add := func(k taxonomy.Kind, name string) *NewTerm {
		t, _ := head.Resolver.Resolve(k, name)
		if known[k.Name][t.Key] || t.Key == "" {
			return nil
		}
		id := key{k.Name, t.Key}
		nt := found[id]
		if nt == nil {
			nt = &NewTerm{Kind: k, Name: t.Name, ID: t.ID}
			if near, ok := resolve.SuggestClose(t.Name, cands[k.Name]); ok && t.ID == "" {
				nt.Near = near
			}
			if t.Attack != nil {
				nt.Attack = t.Attack.ID
			}
			if head.Index != nil {
				if it, ok := head.Index.TermByKey(k.Name, t.Key); ok {
					nt.Page = it.URL
				}
			}
			found[id] = nt
			order = append(order, id)
		}
		return nt
	}
	headBriefs, headProfiles := briefsByFile(head), profilesByFile(head)
	for _, f := range files {
		if f.Status == Deleted {
			continue
		}
		if b := headBriefs[f.Path]; b != nil {
			for _, k := range kinds {
				counted := map[*NewTerm]bool{}
				for _, ref := range k.Refs(b) {
					if nt := add(k, ref.Value); nt != nil && !counted[nt] {
						counted[nt] = true
						nt.Briefs++
					}
				}
			}
		}
		if p := headProfiles[f.Path]; p != nil && f.Status == Added && p.Title != "" {
			if k, ok := kinds.Lookup(p.Kind); ok {
				add(k, p.Title)
			}
		}
	}

	rank := map[string]int{}
	for i, k := range kinds {
		rank[k.Name] = i
	}
	out := make([]NewTerm, 0, len(order))
	for _, id := range order {
		out = append(out, *found[id])
	}
	slices.SortStableFunc(out, func(a, b NewTerm) int {
		return cmp.Or(cmp.Compare(rank[a.Kind.Name], rank[b.Kind.Name]),
			cmp.Compare(sortKey(a), sortKey(b)))
	})
	return out
}

// sortKey orders terms by ID where they have one (unless their kind is
// ordered by name, as countries are), else by name, case-insensitively, as
// the site lists them.
func sortKey(t NewTerm) string {
	if t.ID != "" && !t.Kind.OrderByName {
		return t.ID
	}
	return strings.ToLower(t.Name)
}
