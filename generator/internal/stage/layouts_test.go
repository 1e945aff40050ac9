package stage

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// What each layout's .Params is: the front matter of the pages it renders
// (a page's own layout, and the partials that read a page's front matter).
// A layout that reads .Params must be listed.
var layoutParams = map[string][]any{
	"briefs/page.html":             {BriefPage{}},
	"_partials/brief-item.html":    {BriefPage{}},
	"_partials/rss-item.xml":       {BriefPage{}},
	"_partials/jsonfeed-item.html": {BriefPage{}},
	// Links in brief bodies; profiles' bodies (on term pages) have no
	// indicators, and the hook reads them with a default.
	"_markup/render-link.html": {BriefPage{}},
	"term/page.html":           {TermPage{}},
	"terms/section.html":       {KindPage{}},
	"matrix/page.html":         {FullMatrixPage{}},
	"home.html":                {HomePage{}},
	"briefs/section.html":      {BriefsPage{}},
	"search/section.html":      {SearchPage{}},
	// Every page's head.
	"_partials/head.html": {BriefPage{}, TermPage{}, KindPage{}, FullMatrixPage{}, HomePage{}, BriefsPage{}, SearchPage{}},
}

// What the list-item templates are given (see items.go): their dot.
var itemRows = map[string]any{
	"_partials/items/brief.html":         BriefRow{},
	"_partials/items/related.html":       BriefRow{},
	"_partials/items/chip.html":          Link{},
	"_partials/items/campaign.html":      CampaignRow{},
	"_partials/items/claim.html":         ClaimRow{},
	"_partials/items/term-claim.html":    TermClaimRow{},
	"_partials/items/confidence.html":    Meter{},
	"_partials/items/source.html":        SourceRow{},
	"_partials/items/ioc.html":           IOCRow{},
	"_partials/items/matrix-tactic.html": TacticColumn{},
	"_partials/items/matrix-cell.html":   MatrixCell{},
	"_partials/items/activity-bar.html":  Bar{},
	"_partials/items/activity-row.html":  Bar{},
	"_partials/items/map-country.html":   MapCountry{},
	"_partials/items/map-row.html":       MapCountry{},
}

// What the other partials that read staged values are given: their dot.
var partialDots = map[string]any{
	"_partials/matrix.html":        Matrix{},
	"_partials/activity.html":      Activity{},
	"_partials/map.html":           CountryMap{},
	"_partials/campaign-bars.html": CampaignBars{},
}

// Every key a template reads from a page's front matter (.Params.key,
// $p.key after $p := .Params, and the fields of the values it ranges
// over) and from the build data (hugo.Data.build.key) is a JSON field of
// the struct staged for it, and every field a list-item template reads is
// a field of its row. A template asking for a key that is not there would
// render nothing, silently.
func TestLayoutsUseOnlyStagedKeys(t *testing.T) {
	t.Parallel()
	files := layoutFiles(t)
	for name, text := range files {
		dot := itemRows[name]
		if dot == nil {
			dot = partialDots[name]
		}
		for _, p := range checkLayout(name, text, layoutParams[name], dot) {
			t.Error(p)
		}
	}
	for name := range layoutParams {
		if _, ok := files[name]; !ok {
			t.Errorf("layoutParams lists %s, which is not in layouts/", name)
		}
	}
	for name := range files {
		if strings.HasPrefix(name, ItemsDir+"/") && itemRows[name] == nil {
			t.Errorf("%s: itemRows does not say what the template is given", name)
		}
	}
}

// The check catches a key renamed on either side: in a template, or in
// the struct (its JSON tag).
func TestLayoutCheckCatchesARename(t *testing.T) {
	t.Parallel()
	files := layoutFiles(t)
	page := files["briefs/page.html"]
	for _, tc := range []struct{ from, to, key string }{
		{".Params.campaigns_seen", ".Params.campaign_seen", "campaign_seen"}, // a top-level key
		{"<h2>{{ .Title }}</h2>", "<h2>{{ .Titel }}</h2>", "Titel"},          // a field of a list item (TermGroup)
		{"hugo.Data.build.preview", "hugo.Data.build.previews", "previews"},
	} {
		if strings.Count(page, tc.from) != 1 {
			t.Fatalf("briefs/page.html has not one %q to rename", tc.from)
		}
		got := checkLayout("briefs/page.html", strings.Replace(page, tc.from, tc.to, 1), layoutParams["briefs/page.html"], nil)
		if len(got) != 1 || !strings.Contains(got[0], "no field "+tc.key) {
			t.Errorf("renaming %s to %s in the template: the check says %q; want one problem naming %s", tc.from, tc.to, got, tc.key)
		}
	}

	// The same key renamed in the struct: BriefPage's campaigns_seen tag.
	renamed := retag(reflect.TypeFor[BriefPage](), "CampaignsSeen", `json:"campaign_seen,omitempty"`)
	got := checkLayout("briefs/page.html", page, []any{reflect.New(renamed).Elem().Interface()}, nil)
	if len(got) != 1 || !strings.Contains(got[0], "campaigns_seen") {
		t.Errorf("renaming BriefPage's campaigns_seen: the check says %q; want one problem naming campaigns_seen", got)
	}

	// A row's field renamed in a list-item template.
	const chips = "_partials/items/chip.html"
	got = checkLayout(chips, strings.Replace(files[chips], ".Note", ".Notes", 1), nil, itemRows[chips])
	if len(got) != 1 || !strings.Contains(got[0], "Link has no field Notes") {
		t.Errorf("renaming .Note in %s: the check says %q; want one problem naming Notes", chips, got)
	}
}

// retag returns struct type t with one field's tag replaced.
func retag(t reflect.Type, field, tag string) reflect.Type {
	var fields []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Name == field {
			f.Tag = reflect.StructTag(tag)
		}
		fields = append(fields, f)
	}
	return reflect.StructOf(fields)
}

// layoutFiles reads every template under layouts/, by slash path.
func layoutFiles(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join(sitetest.RepoRoot(t), "layouts")
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// value is what a template expression is known to be: one of some Go
// types (their JSON fields are the keys), or unknown (nil).
type value []reflect.Type

func valueOf(vs ...any) value {
	var out value
	for _, v := range vs {
		out = append(out, reflect.TypeOf(v))
	}
	return out
}

// layoutChecker walks one layout's parse trees, following what the dot
// and each variable are.
type layoutChecker struct {
	name     string
	params   value
	problems []string
}

type scope struct {
	dot  value
	vars map[string]value
}

func (s scope) with(dot value) scope {
	vars := make(map[string]value, len(s.vars))
	for k, v := range s.vars {
		vars[k] = v
	}
	return scope{dot: dot, vars: vars}
}

// checkLayout returns the problems of one template: keys it reads that
// the staged structs do not have. params are the types .Params may be;
// dot, if not nil, is what the template is executed with.
func checkLayout(name, text string, params []any, dot any) []string {
	c := &layoutChecker{name: name, params: valueOf(params...)}
	trees := map[string]*parse.Tree{}
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(text, "", "", trees); err != nil {
		return []string{name + ": " + err.Error()}
	}
	var root value
	if dot != nil {
		root = valueOf(dot)
	}
	for _, t := range trees {
		c.walk(t.Root, scope{dot: root, vars: map[string]value{"$": root}})
	}
	slices.Sort(c.problems)
	return c.problems
}

func (c *layoutChecker) walk(n parse.Node, s scope) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, x := range n.Nodes {
			c.walk(x, s)
		}
	case *parse.ActionNode:
		c.pipe(n.Pipe, s)
	case *parse.IfNode:
		c.pipe(n.Pipe, s)
		c.walk(n.List, s.with(s.dot))
		c.walk(n.ElseList, s.with(s.dot))
	case *parse.WithNode:
		v := c.pipe(n.Pipe, s)
		c.walk(n.List, s.with(v))
		c.walk(n.ElseList, s.with(s.dot))
	case *parse.RangeNode:
		v := elem(c.pipeValue(n.Pipe, s))
		inner := s.with(v)
		if d := n.Pipe.Decl; len(d) > 0 {
			inner.vars[d[len(d)-1].Ident[0]] = v
			if len(d) == 2 {
				inner.vars[d[0].Ident[0]] = nil
			}
		}
		c.walk(n.List, inner)
		c.walk(n.ElseList, s.with(s.dot))
	case *parse.TemplateNode:
		if n.Pipe != nil {
			c.pipe(n.Pipe, s)
		}
	}
}

// pipe checks a pipeline and returns what it yields, declaring its
// variable if it has one.
func (c *layoutChecker) pipe(p *parse.PipeNode, s scope) value {
	v := c.pipeValue(p, s)
	if p != nil && len(p.Decl) == 1 && !p.IsAssign {
		s.vars[p.Decl[0].Ident[0]] = v
	}
	return v
}

// pipeValue checks a pipeline and returns what it yields. Only a pipeline
// of one field, variable or chain yields a known value; a function's
// result is unknown.
func (c *layoutChecker) pipeValue(p *parse.PipeNode, s scope) value {
	if p == nil {
		return nil
	}
	var v value
	for i, cmd := range p.Cmds {
		v = nil
		for _, a := range cmd.Args {
			av := c.expr(a, s)
			if len(cmd.Args) == 1 && i == 0 {
				v = av
			}
		}
	}
	return v
}

func (c *layoutChecker) expr(n parse.Node, s scope) value {
	switch n := n.(type) {
	case *parse.DotNode:
		return s.dot
	case *parse.FieldNode:
		return c.fields(s.dot, n.Ident, n.String())
	case *parse.VariableNode:
		return c.fields(s.vars[n.Ident[0]], n.Ident[1:], n.String())
	case *parse.ChainNode:
		if id, ok := n.Node.(*parse.IdentifierNode); ok {
			if id.Ident == "hugo" && len(n.Field) >= 2 && n.Field[0] == "Data" && n.Field[1] == "build" {
				return c.resolve(valueOf(BuildData{}), n.Field[2:], n.String())
			}
			return nil // site.Params, ...: not staged
		}
		return c.fields(c.expr(n.Node, s), n.Field, n.String())
	case *parse.PipeNode:
		return c.pipe(n, s)
	}
	return nil
}

// fields resolves a field chain read from v. .Params (or .Page.Params)
// is the layout's front matter, whatever the dot is.
func (c *layoutChecker) fields(v value, idents []string, expr string) value {
	if len(idents) >= 2 && idents[0] == "Page" && idents[1] == "Params" {
		idents = idents[1:]
	}
	if len(idents) > 0 && idents[0] == "Params" {
		if c.params == nil {
			c.problems = append(c.problems, c.name+": "+expr+": the layout reads .Params but layoutParams does not say which pages it renders")
			return nil
		}
		return c.resolve(c.params, idents[1:], expr)
	}
	return c.resolve(v, idents, expr)
}

// resolve follows field names through the JSON fields of v's types.
func (c *layoutChecker) resolve(v value, idents []string, expr string) value {
	for _, id := range idents {
		if v == nil {
			return nil
		}
		var next value
		var structs []string
		for _, t := range v {
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			switch t.Kind() {
			case reflect.Map:
				next = append(next, t.Elem())
			case reflect.Struct:
				structs = append(structs, t.Name())
				if f, ok := jsonField(t, id); ok {
					next = append(next, f.Type)
				}
			}
		}
		if next == nil && structs != nil {
			c.problems = append(c.problems, c.name+": "+expr+": "+strings.Join(structs, " or ")+" has no field "+id)
			return nil
		}
		v = next
	}
	return v
}

// jsonField finds the field of t whose JSON name is name.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		key := f.Name
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" {
			key = tag
		}
		if key == name && f.IsExported() {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// elem is what ranging over v yields.
func elem(v value) value {
	var out value
	for _, t := range v {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			out = append(out, t.Elem())
		}
	}
	return out
}

// The package doc is the reference for template authors: it names every
// key of every page and of the build data.
func TestDocListsEveryKey(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(f.Doc.Text(), func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		words[w] = true
	}
	for _, v := range []any{BriefPage{}, TermPage{}, KindPage{}, HomePage{}, BriefsPage{}, SearchPage{}, BuildData{}} {
		typ := reflect.TypeOf(v)
		if !words[typ.Name()] {
			t.Errorf("the package doc does not describe %s", typ.Name())
		}
		for i := range typ.NumField() {
			key, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if !words[key] {
				t.Errorf("the package doc does not list %s's key %s", typ.Name(), key)
			}
		}
	}
}
