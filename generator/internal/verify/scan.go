package verify

import (
	"bytes"
	"html"
)

// linkTags are the elements whose href, src or action a build's pages use
// to link or load something.
var linkTags = map[string]bool{"a": true, "link": true, "script": true, "img": true, "form": true, "iframe": true, "source": true}

// PageLinks returns the href, src and action values of the link elements
// (a, link, script, img, form, iframe, source) of an HTML page, in order,
// noscript content included: the links Links checks. It finds what
// golang.org/x/net/html's tokenizer finds (sitetest.TokenizerLinks) at a
// fraction of the cost: verify reads every page of a build, and tokenizing
// all of a 10,000-brief site took seconds. It understands what can hide a
// "<" from it (comments, quoted attribute values, the raw text of script
// and style elements); TestScanMatchesTokenizer checks it against the
// tokenizer on tricky markup, and TestExampleSiteHasNoBrokenLinks (package
// main) on every page of the example site.
func PageLinks(data []byte) []string {
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
		nameB := data[i:j]
		if hasUpper(nameB) {
			nameB = bytes.ToLower(nameB)
		}
		interesting := linkTags[string(nameB)] // (a lookup: no copy)
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
			attr := data[ns:k]
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
			if interesting && (bytes.EqualFold(attr, []byte("href")) || bytes.EqualFold(attr, []byte("src")) || bytes.EqualFold(attr, []byte("action"))) {
				v := string(val)
				if bytes.IndexByte(val, '&') >= 0 {
					v = html.UnescapeString(v)
				}
				out = append(out, v)
			}
		}
		i = k
		if name := string(nameB); name == "script" || name == "style" || name == "textarea" || name == "title" {
			end := indexEndTag(data[i:], name)
			if end < 0 {
				return out
			}
			i += end
		}
	}
}

// indexEndTag is the index in data of the first "</name", in any case.
// (Lower-casing the rest of the document to search it cost a third of the
// verify stage: every page has a <title>.)
func indexEndTag(data []byte, name string) int {
	for off := 0; ; {
		j := bytes.Index(data[off:], []byte("</"))
		if j < 0 {
			return -1
		}
		at := off + j
		if rest := data[at+2:]; len(rest) >= len(name) && bytes.EqualFold(rest[:len(name)], []byte(name)) {
			return at
		}
		off = at + 2
	}
}

func hasUpper(b []byte) bool {
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
