package fasttmpl

import (
	"errors"
	"html/template"
	"reflect"
	"strings"
	"testing"
)

type meter struct {
	Level string
	Step  int
}

type row struct {
	Name, URL, Note, ID string
	Count               int
	Flag                bool
	Markup              template.HTML
	Meter               meter
}

var funcs = template.FuncMap{"relURL": func(s string) string { return "../../" + s }}

const item = `<li><a href="{{ relURL .URL }}"{{ with .Note }} title="{{ . }}"{{ end }}>{{ with .ID }}<span class="id">{{ . }}</span> {{ end }}{{ .Name }}</a>` +
	`{{ with .Count }}<span class="n">{{ . }}</span>{{ else }}none{{ end }}{{ if .Flag }} yes{{ end }}` +
	` <a class="ext" href="{{ .Note }}">{{ .Markup }}</a> {{ partial "meter.html" .Meter }}<img alt="{{ .Name }}" src="{{ .URL }}">` +
	`<a class=x href={{ relURL .URL }} title={{ .Name }} data-n={{ .Count }}>{{ .ID }}</a><time datetime={{ .Note }}></time>` +
	`<svg><rect><title>{{ .Name }}: {{ .Count }}</title></rect></svg></li>`

const meterT = `<span class="confidence c{{ .Step }}">{{ .Level }} confidence</span>`

func set(t testing.TB, text string) *template.Template {
	t.Helper()
	s := template.New("set")
	fm := template.FuncMap{"relURL": funcs["relURL"], "partial": func(name string, v any) (template.HTML, error) {
		var b strings.Builder
		err := s.ExecuteTemplate(&b, name, v)
		return template.HTML(b.String()), err
	}}
	s.Funcs(fm)
	template.Must(s.New("item.html").Parse(text))
	template.Must(s.New("meter.html").Parse(meterT))
	return s
}

func compile(t testing.TB, text string) (*template.Template, *Template) {
	t.Helper()
	s := set(t, text)
	c, err := Compile(s, funcs, "item.html", reflect.TypeFor[row]())
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func same(t *testing.T, s *template.Template, c *Template, r row) {
	t.Helper()
	var want strings.Builder
	if err := s.ExecuteTemplate(&want, "item.html", r); err != nil {
		t.Fatal(err)
	}
	if got := string(c.Append(nil, r)); got != want.String() {
		t.Errorf("%+v:\ncompiled     %q\nhtml/template %q", r, got, want.String())
	}
}

func TestSameAsHTMLTemplate(t *testing.T) {
	t.Parallel()
	s, c := compile(t, item)
	for _, r := range []row{
		{},
		{Name: "Volt Typhoon", URL: "actors/volt-typhoon/", Count: 3, ID: "G1017", Note: "https://example.org/a b?c=ü&d='e'", Flag: true, Markup: "<b>bold</b>", Meter: meter{"high", 3}},
		{Name: `<script>alert("x")</script> & 'q' + é`, URL: "javascript:alert(1)", Note: "JavaScript:x", ID: "\x00\ufdd0\xff", Count: -7},
		{Name: "mailto", URL: "MAILTO:a@b", Note: "%41%4g%", Markup: "a & b"},
		{URL: "/x:y", Note: "a/b:c", Name: strings.Repeat("+", 3)},
	} {
		same(t, s, c, r)
	}
}

func FuzzSameAsHTMLTemplate(f *testing.F) {
	f.Add("Volt <Typhoon>", "actors/x/", "https://a.example/?q=1&r='2'", "T1190", 3, true, "<i>x</i>", "moderate", 2)
	f.Add("", "javascript:x", "", "", 0, false, "", "", 0)
	f.Fuzz(func(t *testing.T, name, url, note, id string, count int, flag bool, markup, level string, step int) {
		s, c := compile(t, item)
		same(t, s, c, row{Name: name, URL: url, Note: note, ID: id, Count: count, Flag: flag, Markup: template.HTML(markup), Meter: meter{level, step}})
	})
}

// What it does not compile, it says so, and the caller runs html/template.
func TestUnsupported(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		`{{ printf "%s" .Name }}`,
		`{{ template "meter.html" .Meter }}`,
		`{{ $x := .Name }}{{ $x }}`,
		`<script>var x = {{ .Name }};</script>`,
		`<a onclick="f({{ .Name }})">x</a>`,
		`<p style="color: {{ .Name }}">x</p>`,
		`<a title="{{ .Markup }}">x</a>`,
		`{{ .Meter }}`,
		`{{ if and .Name .URL }}x{{ end }}`,
	} {
		_, err := Compile(set(t, text), funcs, "item.html", reflect.TypeFor[row]())
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v; want ErrUnsupported", text, err)
		}
	}
	// A field that is not there is the template's error, not a limit of
	// this package.
	_, err := Compile(set(t, `{{ .Nmae }}`), funcs, "item.html", reflect.TypeFor[row]())
	if err == nil || errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "Nmae") {
		t.Errorf("a missing field: %v", err)
	}
}

func BenchmarkCompiled(b *testing.B) {
	_, c := compile(b, item)
	r := row{Name: "Exploit Public-Facing Application", URL: "techniques/t1190/", ID: "T1190", Count: 12, Meter: meter{"high", 3}}
	var buf []byte
	for range b.N {
		buf = c.Append(buf[:0], r)
	}
}

func BenchmarkHTMLTemplate(b *testing.B) {
	s, _ := compile(b, item)
	r := row{Name: "Exploit Public-Facing Application", URL: "techniques/t1190/", ID: "T1190", Count: 12, Meter: meter{"high", 3}}
	var buf strings.Builder
	for range b.N {
		buf.Reset()
		s.ExecuteTemplate(&buf, "item.html", r)
	}
}
