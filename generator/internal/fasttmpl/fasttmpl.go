// Package fasttmpl renders small, logic-free html/template templates
// without the cost of running them: a list item executed hundreds of
// thousands of times in a build.
//
// It accepts a template of a parsed html/template set and the Go type of
// the value it is executed with, and compiles the template as html/template
// escaped it (the escaped parse tree names the escaper of every action,
// chosen from its context) into Go closures. Compile supports text,
// {{ .Field.Field }} and {{ . }}, if and with (with else), a function of
// the set's FuncMap taking and returning a string (relURL), partial calls
// to another template of the set, and the six escapers of HTML text, of
// RCDATA text (a <title>), of quoted and unquoted attributes and of URLs
// in them (html/template's htmlEscaper, rcdataEscaper, attrEscaper,
// htmlNospaceEscaper, urlFilter and urlNormalizer, written here again: the
// standard library does not export them). Values may be strings (and
// named string types without a String method), integers, booleans and
// template.HTML. Anything else is an error, and the caller runs the
// template with html/template, as it would have anyway.
//
// Why by hand: html/template calls each action's escapers by reflection,
// which costs some 5 µs an item, 20 times what the items' Go writers cost
// before the markup moved to layouts/. A compiled template writes the same
// bytes: Compile renders two probe values (every field zero; every field set
// to text with every character the escapers treat specially) both ways and
// refuses a template whose output differs, and the package's tests compare
// the two on arbitrary values (FuzzSameAsHTMLTemplate).
package fasttmpl

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode/utf8"
)

// Template is a compiled template. It is safe for concurrent use.
type Template struct {
	typ reflect.Type
	run op
}

// op appends what one node writes for dot to dst.
type op func(dst []byte, dot reflect.Value) []byte

// value is an operand: how to get it from the dot, and what it is.
type value struct {
	get  func(dot reflect.Value) reflect.Value
	typ  reflect.Type
	html bool // template.HTML: already markup
}

var (
	htmlType     = reflect.TypeFor[template.HTML]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
	// The content types html/template escapes as what they say they are.
	// Of these, only HTML is compiled.
	contentTypes = map[reflect.Type]bool{
		reflect.TypeFor[template.CSS]():      true,
		reflect.TypeFor[template.HTMLAttr](): true,
		reflect.TypeFor[template.JS]():       true,
		reflect.TypeFor[template.JSStr]():    true,
		reflect.TypeFor[template.URL]():      true,
		reflect.TypeFor[template.Srcset]():   true,
	}
)

// compiler compiles the templates of one set; partial targets are
// compiled once per name and type.
type compiler struct {
	set   *template.Template
	funcs template.FuncMap
	done  map[key]*Template
}

type key struct {
	name string
	typ  reflect.Type
}

// ErrUnsupported is wrapped by Compile's errors about what it cannot
// compile (the template is fine; run it with html/template).
var ErrUnsupported = errors.New("not supported by fasttmpl")

// Compile compiles the template called name of set, executed with values
// of type typ. funcs are the set's functions: those taking and returning a
// string may be called; "partial" is taken to run another template of the
// set, as Hugo's does.
func Compile(set *template.Template, funcs template.FuncMap, name string, typ reflect.Type) (*Template, error) {
	c := &compiler{set: set, funcs: funcs, done: map[key]*Template{}}
	t, err := c.compile(name, typ)
	if err != nil {
		return nil, err
	}
	for _, probe := range []reflect.Value{reflect.New(typ).Elem(), fill(typ)} {
		var want strings.Builder
		if err := set.ExecuteTemplate(&want, name, probe.Interface()); err != nil {
			return nil, err
		}
		if got := string(t.run(nil, probe)); got != want.String() {
			return nil, fmt.Errorf("%s: %w: compiled, it writes %q where html/template writes %q", name, ErrUnsupported, got, want.String())
		}
	}
	return t, nil
}

// Append appends what the template writes for v (of the type it was
// compiled for) to dst.
func (t *Template) Append(dst []byte, v any) []byte {
	return t.run(dst, reflect.ValueOf(v))
}

// Execute writes what the template writes for v to w.
func (t *Template) Execute(w io.Writer, v any) error {
	_, err := w.Write(t.Append(nil, v))
	return err
}

func (c *compiler) compile(name string, typ reflect.Type) (*Template, error) {
	k := key{name, typ}
	if t, ok := c.done[k]; ok {
		return t, nil
	}
	tmpl := c.set.Lookup(name)
	if tmpl == nil {
		return nil, fmt.Errorf("no template %q", name)
	}
	// html/template escapes a template when it first runs it, choosing the
	// escapers of each action; run it on a zero value to have its tree as
	// it will be run.
	if err := tmpl.Execute(io.Discard, reflect.New(typ).Elem().Interface()); err != nil {
		return nil, err
	}
	t := &Template{typ: typ}
	c.done[k] = t
	run, err := c.list(tmpl.Tree.Root, typ)
	if err != nil {
		delete(c.done, k)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t.run = run
	return t, nil
}

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrUnsupported)
}

func (c *compiler) list(l *parse.ListNode, dot reflect.Type) (op, error) {
	if l == nil {
		return func(dst []byte, _ reflect.Value) []byte { return dst }, nil
	}
	var ops []op
	for _, n := range l.Nodes {
		o, err := c.node(n, dot)
		if err != nil {
			return nil, err
		}
		ops = append(ops, o)
	}
	if len(ops) == 1 {
		return ops[0], nil
	}
	return func(dst []byte, v reflect.Value) []byte {
		for _, o := range ops {
			dst = o(dst, v)
		}
		return dst
	}, nil
}

func (c *compiler) node(n parse.Node, dot reflect.Type) (op, error) {
	switch n := n.(type) {
	case *parse.TextNode:
		text := string(n.Text)
		return func(dst []byte, _ reflect.Value) []byte { return append(dst, text...) }, nil
	case *parse.ActionNode:
		if len(n.Pipe.Decl) > 0 {
			return nil, unsupported("%s: variables", n)
		}
		return c.action(n.Pipe, dot)
	case *parse.IfNode:
		return c.branch(n.Pipe, n.List, n.ElseList, dot, false)
	case *parse.WithNode:
		return c.branch(n.Pipe, n.List, n.ElseList, dot, true)
	}
	return nil, unsupported("%s", n)
}

// branch compiles if and with: the condition is one operand.
func (c *compiler) branch(p *parse.PipeNode, list, elseList *parse.ListNode, dot reflect.Type, with bool) (op, error) {
	if len(p.Decl) > 0 || len(p.Cmds) != 1 {
		return nil, unsupported("%s: a condition of more than one operand", p)
	}
	cond, err := c.operand(p.Cmds[0], dot)
	if err != nil {
		return nil, err
	}
	truth, err := truthOf(cond.typ)
	if err != nil {
		return nil, err
	}
	inner := dot
	if with {
		inner = cond.typ
	}
	then, err := c.list(list, inner)
	if err != nil {
		return nil, err
	}
	otherwise, err := c.list(elseList, dot)
	if err != nil {
		return nil, err
	}
	return func(dst []byte, v reflect.Value) []byte {
		x := cond.get(v)
		if !truth(x) {
			return otherwise(dst, v)
		}
		if with {
			return then(dst, x)
		}
		return then(dst, v)
	}, nil
}

// action compiles {{ operand | escaper | ... }}.
func (c *compiler) action(p *parse.PipeNode, dot reflect.Type) (op, error) {
	if len(p.Cmds) == 0 {
		return nil, unsupported("%s: an empty action", p)
	}
	v, err := c.operand(p.Cmds[0], dot)
	if err != nil {
		return nil, err
	}
	str, err := stringer(v.typ)
	if err != nil {
		return nil, err
	}
	var escs []func(s string, html bool) string
	for _, cmd := range p.Cmds[1:] {
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok || len(cmd.Args) != 1 {
			return nil, unsupported("%s: a pipeline stage that is not an escaper", cmd)
		}
		e, ok := escapers[id.Ident]
		if !ok {
			return nil, unsupported("%s: the escaper %s", cmd, id.Ident)
		}
		if v.html && len(escs) == 0 && id.Ident != "_html_template_htmlescaper" {
			return nil, unsupported("%s: markup given to %s", cmd, id.Ident)
		}
		escs = append(escs, e)
	}
	if len(escs) == 0 {
		return nil, unsupported("%s: an action html/template left unescaped", p)
	}
	html := v.html
	return func(dst []byte, d reflect.Value) []byte {
		s, h := str(v.get(d)), html
		for _, e := range escs {
			s, h = e(s, h), false
		}
		return append(dst, s...)
	}, nil
}

// operand compiles the first command of a pipeline: a field chain, the
// dot, a string function of one operand, or partial "name" operand.
func (c *compiler) operand(cmd *parse.CommandNode, dot reflect.Type) (value, error) {
	switch a := cmd.Args[0].(type) {
	case *parse.DotNode, *parse.FieldNode:
		if len(cmd.Args) != 1 {
			return value{}, unsupported("%s: arguments to a field", cmd)
		}
		return c.arg(a, dot)
	case *parse.IdentifierNode:
		if a.Ident == "partial" {
			return c.partial(cmd, dot)
		}
		fn, ok := c.funcs[a.Ident].(func(string) string)
		if !ok || len(cmd.Args) != 2 {
			return value{}, unsupported("%s: the function %s", cmd, a.Ident)
		}
		arg, err := c.arg(cmd.Args[1], dot)
		if err != nil {
			return value{}, err
		}
		if arg.typ != reflect.TypeFor[string]() {
			return value{}, unsupported("%s: %s of a %s", cmd, a.Ident, arg.typ)
		}
		return value{typ: reflect.TypeFor[string](), get: func(d reflect.Value) reflect.Value {
			return reflect.ValueOf(fn(arg.get(d).String()))
		}}, nil
	}
	return value{}, unsupported("%s", cmd)
}

func (c *compiler) partial(cmd *parse.CommandNode, dot reflect.Type) (value, error) {
	if len(cmd.Args) != 3 {
		return value{}, unsupported("%s: partial without one name and one value", cmd)
	}
	name, ok := cmd.Args[1].(*parse.StringNode)
	if !ok {
		return value{}, unsupported("%s: a partial named by anything but a string", cmd)
	}
	arg, err := c.arg(cmd.Args[2], dot)
	if err != nil {
		return value{}, err
	}
	t, err := c.compile(name.Text, arg.typ)
	if err != nil {
		return value{}, err
	}
	return value{typ: htmlType, html: true, get: func(d reflect.Value) reflect.Value {
		return reflect.ValueOf(template.HTML(t.run(nil, arg.get(d))))
	}}, nil
}

// arg compiles the dot or a field chain read from it.
func (c *compiler) arg(n parse.Node, dot reflect.Type) (value, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return value{typ: dot, html: dot == htmlType, get: func(d reflect.Value) reflect.Value { return d }}, nil
	case *parse.FieldNode:
		var path [][]int
		t := dot
		for _, id := range n.Ident {
			if t.Kind() != reflect.Struct {
				return value{}, unsupported("%s: a field of a %s", n, t)
			}
			f, ok := t.FieldByName(id)
			if !ok || !f.IsExported() {
				return value{}, fmt.Errorf("%s: %s has no field %s", n, t, id)
			}
			path = append(path, f.Index)
			t = f.Type
		}
		return value{typ: t, html: t == htmlType, get: func(d reflect.Value) reflect.Value {
			for _, i := range path {
				d = d.FieldByIndex(i)
			}
			return d
		}}, nil
	}
	return value{}, unsupported("%s", n)
}

// stringer returns how a value of type t is printed (as fmt.Sprint prints
// it, which is what html/template does).
func stringer(t reflect.Type) (func(reflect.Value) string, error) {
	if t.Implements(stringerType) || reflect.PointerTo(t).Implements(stringerType) || contentTypes[t] {
		return nil, unsupported("printing a %s", t)
	}
	switch t.Kind() {
	case reflect.String:
		return reflect.Value.String, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) string { return strconv.FormatInt(v.Int(), 10) }, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(v reflect.Value) string { return strconv.FormatUint(v.Uint(), 10) }, nil
	case reflect.Bool:
		return func(v reflect.Value) string { return strconv.FormatBool(v.Bool()) }, nil
	}
	return nil, unsupported("printing a %s", t)
}

// truthOf returns what if and with take for true (text/template's isTrue).
func truthOf(t reflect.Type) (func(reflect.Value) bool, error) {
	switch t.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return func(v reflect.Value) bool { return v.Len() > 0 }, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) bool { return v.Int() != 0 }, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return func(v reflect.Value) bool { return v.Uint() != 0 }, nil
	case reflect.Bool:
		return reflect.Value.Bool, nil
	case reflect.Struct:
		return func(reflect.Value) bool { return true }, nil
	}
	return nil, unsupported("the truth of a %s", t)
}

// fill returns a value of type t whose every string is probe text and
// every number and boolean is set, to exercise the escapers and the branches.
func fill(t reflect.Type) reflect.Value {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.String:
		v.SetString(probe)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(42)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(42)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				v.Field(i).Set(fill(t.Field(i).Type))
			}
		}
	}
	return v
}

// probe holds every ASCII character, a URL scheme html/template refuses,
// and runes it treats specially (NUL, non-characters, invalid UTF-8).
var probe = func() string {
	var b strings.Builder
	b.WriteString("javascript:")
	for c := range 128 {
		b.WriteByte(byte(c))
	}
	b.WriteString("%41%zz é 𝄞 \ufdd0\uffff \xff")
	return b.String()
}()

// The escapers html/template puts in the actions of HTML text and quoted
// attributes, by the names its escaped trees call them. Only the first of
// an action's escapers may be given markup (template.HTML): the text
// escaper passes it through; the others are not compiled for it.
var escapers = map[string]func(s string, html bool) string{
	"_html_template_htmlescaper": func(s string, html bool) string {
		if html {
			return s
		}
		return replace(s)
	},
	"_html_template_attrescaper": func(s string, _ bool) string { return replace(s) },
	// The text of an element whose content is RCDATA (<title>, also in an
	// inline <svg>): for text, what the text escaper writes.
	"_html_template_rcdataescaper": func(s string, _ bool) string { return replace(s) },
	"_html_template_nospaceescaper": func(s string, _ bool) string {
		if s == "" {
			return "ZgotmplZ"
		}
		return replaceNospace(s)
	},
	"_html_template_urlfilter": func(s string, _ bool) string {
		if !safeURL(s) {
			return "#ZgotmplZ"
		}
		return s
	},
	"_html_template_urlnormalizer": func(s string, _ bool) string { return normalizeURL(s) },
}

// replace is html/template's htmlReplacer over htmlReplacementTable, for
// text and quoted attribute values. Most values (a map's outline, a name)
// have nothing to replace: one scan for the bytes htmlRef replaces, all
// ASCII, finds that faster than decoding every rune.
func replace(s string) string {
	if !strings.ContainsAny(s, htmlSpecial) {
		return s
	}
	return replaceRunes(s, htmlRef)
}

// replaceNospace is html/template's htmlReplacer over
// htmlNospaceReplacementTable, for an unquoted attribute value: it also
// escapes white space, = and `, and writes the Unicode non-characters as
// references. ASCII without those bytes is returned as it is.
func replaceNospace(s string) string {
	if !strings.ContainsAny(s, nospaceSpecial) && isASCII(s) {
		return s
	}
	return replaceRunes(s, nospaceRef)
}

// The bytes htmlRef and nospaceRef replace in ASCII text.
const (
	htmlSpecial    = "\x00\"&'+<>"
	nospaceSpecial = htmlSpecial + "\t\n\v\f\r =`"
)

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// htmlRef is what replace writes for r, or "" for r itself.
func htmlRef(r rune) string {
	switch r {
	case 0:
		return "\uFFFD"
	case '"':
		return "&#34;"
	case '&':
		return "&amp;"
	case '\'':
		return "&#39;"
	case '+':
		return "&#43;"
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	}
	return ""
}

// nospaceRef is what replaceNospace writes for r, or "" for r itself.
func nospaceRef(r rune) string {
	switch {
	case r == 0:
		return "&#xfffd;"
	case strings.ContainsRune("\t\n\v\f\r =`", r):
		return "&#" + strconv.Itoa(int(r)) + ";"
	case 0xfdd0 <= r && r <= 0xfdef || 0xfff0 <= r && r <= 0xffff:
		return "&#x" + strconv.FormatInt(int64(r), 16) + ";"
	}
	return htmlRef(r)
}

// replaceRunes writes s with each rune that ref gives a replacement for
// replaced (an invalid byte is kept, as html/template keeps it).
func replaceRunes(s string, ref func(rune) string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if repl := ref(r); repl != "" {
			if written == 0 {
				b.Grow(len(s) + 16)
			}
			b.WriteString(s[written:i])
			b.WriteString(repl)
			written = i + w
		}
		i += w
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// safeURL is html/template's isSafeURL: relative, or http, https or mailto.
func safeURL(s string) bool {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
	}
	return true
}

// normalizeURL is html/template's urlNormalizer: every byte that is not
// unreserved or reserved in RFC 3986 is percent-encoded (and ' ( ) too),
// valid escapes are kept.
func normalizeURL(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteString("%" + hex2(c))
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
