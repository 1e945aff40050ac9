package verify

import (
	"bytes"
	"html"
)

// linkTags are the elements whose href, src or action a build's pages use
// to link or load something.
var linkTags = map[string]bool{"a": true, "link": true, "script": true, "img": true, "form": true, "iframe": true, "source": true}

// scanLinks returns the href, src and action values of the link elements of
// an HTML document, in order. It does what refs does with golang.org/x/net/html's
// tokenizer at a fraction of the cost: verify reads every page of a build,
// and tokenizing all of a 10,000-brief site took seconds. It understands
// what can hide a "<" from it (comments, quoted attribute values, the raw
// text of script and style elements); TestScanMatchesTokenizer checks it
// against the tokenizer on every page of a real build.
func scanLinks(data []byte) []string {
	var out []string
	i := 0
	for {
		lt := bytes.IndexByte(data[i:], '<')
		if lt < 0 {
			return out
		}
		i += lt + 1
		if bytes.HasPrefix(data[i:], []byte("!--")) {
			end := bytes.Index(data[i+3:], []byte("-->"))
			if end < 0 {
				return out
			}
			i += 3 + end + 3
			continue
		}
		j := i
		for j < len(data) && isNameByte(data[j]) {
			j++
		}
		if j == i { // "</x", "<!doctype", or a lone "<"
			continue
		}
		name := string(bytes.ToLower(data[i:j]))
		interesting := linkTags[name]
		// Attributes, up to the end of the tag.
		k := j
		for k < len(data) && data[k] != '>' {
			c := data[k]
			if isSpace(c) || c == '/' {
				k++
				continue
			}
			ns := k
			for k < len(data) && !isSpace(data[k]) && data[k] != '=' && data[k] != '>' && data[k] != '/' {
				k++
			}
			attr := string(bytes.ToLower(data[ns:k]))
			for k < len(data) && isSpace(data[k]) {
				k++
			}
			if k >= len(data) || data[k] != '=' {
				continue
			}
			k++
			for k < len(data) && isSpace(data[k]) {
				k++
			}
			var val []byte
			if k < len(data) && (data[k] == '"' || data[k] == '\'') {
				q := data[k]
				end := bytes.IndexByte(data[k+1:], q)
				if end < 0 {
					return out
				}
				val = data[k+1 : k+1+end]
				k += 1 + end + 1
			} else {
				vs := k
				for k < len(data) && !isSpace(data[k]) && data[k] != '>' {
					k++
				}
				val = data[vs:k]
			}
			if interesting && (attr == "href" || attr == "src" || attr == "action") {
				v := string(val)
				if bytes.IndexByte(val, '&') >= 0 {
					v = html.UnescapeString(v)
				}
				out = append(out, v)
			}
		}
		i = k
		if name == "script" || name == "style" || name == "textarea" || name == "title" {
			end := bytes.Index(bytes.ToLower(data[i:]), []byte("</"+name))
			if end < 0 {
				return out
			}
			i += end
		}
	}
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
