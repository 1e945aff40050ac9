package sitetest

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// Netlify is what a netlify.toml says about serving requests: its custom
// headers and its redirect and rewrite rules, in order.
type Netlify struct {
	Headers []struct {
		For    string
		Values map[string]string
	}
	Redirects []struct {
		From, To string
		Status   int
		Force    bool
	}
}

// ReadNetlify reads the repository's netlify.toml.
func ReadNetlify(t testing.TB) *Netlify {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(t), "netlify.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var n Netlify
	if err := toml.Unmarshal(data, &n); err != nil {
		t.Fatalf("netlify.toml: %v", err)
	}
	return &n
}

// Handler serves the files of a built site as Netlify serves a deploy with
// these rules, so that a test requests the site as a client of the real
// one would:
//
//   - a file at the request path is served (a directory URL serves its
//     index.html), and shadows every rule (no rule sets force);
//   - otherwise the first redirect rule whose from matches applies: status
//     200 serves the file at to (a rewrite: the URL stays), 301 and 302
//     redirect to it; from and to may use :placeholders (one path segment)
//     and a final * (the rest, :splat in to);
//   - every [[headers]] rule whose for matches the request path adds its
//     values, a later one replacing an earlier one's value of the same
//     header; Content-Type otherwise follows the file's extension.
//
// Paths match with or without a trailing slash (Netlify normalizes them
// before applying rules), and query strings are ignored. The rule
// patterns and what Netlify does with them are documented at
// docs.netlify.com/routing/redirects and /routing/headers.
func (n *Netlify) Handler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
			p += "/"
		}
		file, ok := fileFor(dir, p)
		status := http.StatusOK
		if !ok {
			for _, rule := range n.Redirects {
				vars, matched := matchPattern(rule.From, p)
				if !matched {
					continue
				}
				to := rule.To
				for k, v := range vars {
					to = strings.ReplaceAll(to, ":"+k, v)
				}
				if rule.Status == 301 || rule.Status == 302 {
					http.Redirect(w, r, to, rule.Status)
					return
				}
				file, ok = fileFor(dir, to)
				break
			}
		}
		if !ok {
			status = http.StatusNotFound
			file = filepath.Join(dir, "404.html")
		}
		data, err := os.ReadFile(file)
		if err != nil && status != http.StatusNotFound {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if ct := mime.TypeByExtension(filepath.Ext(file)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		for _, h := range n.Headers {
			if _, matched := matchPattern(h.For, p); matched {
				for k, v := range h.Values {
					w.Header().Set(k, v)
				}
			}
		}
		w.WriteHeader(status)
		w.Write(data)
	})
}

// fileFor is the file a site path names, if it exists.
func fileFor(dir, p string) (string, bool) {
	rel := strings.TrimPrefix(p, "/")
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
	}
	f := filepath.Join(dir, filepath.FromSlash(rel))
	if st, err := os.Stat(f); err == nil && !st.IsDir() {
		return f, true
	}
	if st, err := os.Stat(filepath.Join(f, "index.html")); err == nil && !st.IsDir() {
		return filepath.Join(f, "index.html"), true
	}
	return "", false
}

// matchPattern matches a Netlify path pattern against a request path,
// returning the placeholders' values (and "splat" for *).
func matchPattern(pattern, p string) (map[string]string, bool) {
	var re strings.Builder
	var names []string
	re.WriteString("^")
	trim := strings.TrimSuffix(pattern, "/")
	for i := 0; i < len(trim); {
		switch c := trim[i]; {
		case c == '*':
			re.WriteString("(.*)")
			names = append(names, "splat")
			i++
		case c == ':' && i > 0 && trim[i-1] == '/':
			j := i + 1
			for j < len(trim) && trim[j] != '/' {
				j++
			}
			re.WriteString("([^/]+)")
			names = append(names, trim[i+1:j])
			i = j
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
			i++
		}
	}
	re.WriteString("/?$")
	m := regexp.MustCompile(re.String()).FindStringSubmatch(p)
	if m == nil {
		return nil, false
	}
	vars := map[string]string{}
	for i, name := range names {
		vars[name] = m[i+1]
	}
	return vars, true
}
