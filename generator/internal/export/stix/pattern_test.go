package stix_test

import (
	"fmt"
	"strings"
	"unicode"
)

// A parser for the STIX 2.1 patterning language (STIX 2.1 part 9 and the
// OASIS ANTLR grammar STIXPattern.g4), written for these tests: no Go
// library that parses STIX patterns is served by the module proxy, and the
// producer's own quoting must not be what checks itself. It accepts the whole
// grammar (observation expressions joined by AND, OR and FOLLOWEDBY,
// qualifiers, every comparison operator and literal) and returns the
// comparisons it read, so a test can check what a pattern matches.

type comparison struct {
	ObjectType string
	Path       []string
	Op         string
	Value      string // a string literal, unquoted
}

type tokKind int

const (
	tEOF tokKind = iota
	tPunct
	tOp
	tIdent
	tKeyword
	tString
	tInt
	tFloat
	tHex
	tBinary
	tTimestamp
)

type token struct {
	kind tokKind
	text string // punctuation, operator, identifier, keyword (upper case), or a literal's value
}

var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "FOLLOWEDBY": true, "LIKE": true, "MATCHES": true,
	"ISSUPERSET": true, "ISSUBSET": true, "EXISTS": true, "LAST": true, "IN": true, "START": true,
	"STOP": true, "SECONDS": true, "TRUE": true, "FALSE": true, "WITHIN": true, "REPEATS": true, "TIMES": true,
}

func lex(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.ContainsRune("[]():.,*", rune(c)):
			out = append(out, token{tPunct, string(c)})
			i++
		case c == '=' || c == '!' || c == '<' || c == '>':
			for _, op := range []string{"==", "!=", "<>", "<=", ">=", "=", "<", ">"} {
				if strings.HasPrefix(s[i:], op) {
					out = append(out, token{tOp, op})
					i += len(op)
					goto next
				}
			}
			return nil, fmt.Errorf("bad operator at %d", i)
		case c == '\'':
			v, n, err := stringLit(s[i:])
			if err != nil {
				return nil, err
			}
			out = append(out, token{tString, v})
			i += n
		case (c == 't' || c == 'h' || c == 'b') && i+1 < len(s) && s[i+1] == '\'':
			v, n, err := stringLit(s[i+1:])
			if err != nil {
				return nil, err
			}
			kind := map[byte]tokKind{'t': tTimestamp, 'h': tHex, 'b': tBinary}[c]
			if !literalOK(kind, v) {
				return nil, fmt.Errorf("malformed %c'' literal %q", c, v)
			}
			out = append(out, token{kind, v})
			i += 1 + n
		case c == '+' || c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			num := s[i:j]
			digits := strings.TrimLeft(num, "+-")
			switch {
			case strings.Contains(digits, "."):
				out = append(out, token{tFloat, num})
			case digits == "0" || (digits != "" && digits[0] != '0'):
				out = append(out, token{tInt, num})
			default:
				return nil, fmt.Errorf("malformed number %q", num)
			}
			i = j
		case c == '_' || unicode.IsLetter(rune(c)) && c < 128:
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] == '-' || s[j] < 128 && (unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j])))) {
				j++
			}
			w := s[i:j]
			if keywords[strings.ToUpper(w)] {
				out = append(out, token{tKeyword, strings.ToUpper(w)})
			} else {
				out = append(out, token{tIdent, w})
			}
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at %d", c, i)
		}
	next:
	}
	return append(out, token{kind: tEOF}), nil
}

// stringLit reads a quoted literal at the start of s: inside it only \' and
// \\ may follow a backslash.
func stringLit(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\'':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '\'' && s[i+1] != '\\') {
				return "", 0, fmt.Errorf("bad escape in string literal %q", s)
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("unterminated string literal %q", s)
}

func literalOK(k tokKind, v string) bool {
	switch k {
	case tHex:
		if len(v)%2 != 0 {
			return false
		}
		return strings.Trim(v, "0123456789abcdefABCDEF") == ""
	case tBinary:
		return strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == ""
	case tTimestamp:
		return timestampRe.MatchString(v)
	}
	return true
}

type parser struct {
	toks []token
	pos  int
	cmps []comparison
}

// parsePattern parses a whole pattern and returns its comparisons.
func parsePattern(s string) ([]comparison, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if err := p.observationExpressions(); err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, fmt.Errorf("trailing %q", p.peek().text)
	}
	return p.cmps, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }

func (p *parser) is(kind tokKind, text string) bool {
	t := p.peek()
	return t.kind == kind && t.text == text
}

func (p *parser) expect(kind tokKind, text string) error {
	if !p.is(kind, text) {
		return fmt.Errorf("want %q, got %q", text, p.peek().text)
	}
	p.pos++
	return nil
}

// binary parses operand (KEYWORD operand)*.
func (p *parser) binary(kw string, operand func() error) error {
	if err := operand(); err != nil {
		return err
	}
	for p.is(tKeyword, kw) {
		p.pos++
		if err := operand(); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) observationExpressions() error {
	return p.binary("FOLLOWEDBY", func() error {
		return p.binary("OR", func() error { return p.binary("AND", p.observationExpression) })
	})
}

func (p *parser) observationExpression() error {
	switch {
	case p.is(tPunct, "["):
		p.pos++
		if err := p.comparisonExpression(); err != nil {
			return err
		}
		if err := p.expect(tPunct, "]"); err != nil {
			return err
		}
	case p.is(tPunct, "("):
		p.pos++
		if err := p.observationExpressions(); err != nil {
			return err
		}
		if err := p.expect(tPunct, ")"); err != nil {
			return err
		}
	default:
		return fmt.Errorf("want an observation expression, got %q", p.peek().text)
	}
	for { // qualifiers
		switch {
		case p.is(tKeyword, "START"):
			p.pos++
			if p.next().kind != tTimestamp {
				return fmt.Errorf("START wants a timestamp")
			}
			if err := p.expect(tKeyword, "STOP"); err != nil {
				return err
			}
			if p.next().kind != tTimestamp {
				return fmt.Errorf("STOP wants a timestamp")
			}
		case p.is(tKeyword, "WITHIN"):
			p.pos++
			if k := p.next().kind; k != tInt && k != tFloat {
				return fmt.Errorf("WITHIN wants a number")
			}
			if err := p.expect(tKeyword, "SECONDS"); err != nil {
				return err
			}
		case p.is(tKeyword, "REPEATS"):
			p.pos++
			if p.next().kind != tInt {
				return fmt.Errorf("REPEATS wants an integer")
			}
			if err := p.expect(tKeyword, "TIMES"); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

func (p *parser) comparisonExpression() error {
	return p.binary("OR", func() error { return p.binary("AND", p.propTest) })
}

func (p *parser) propTest() error {
	if p.is(tPunct, "(") {
		p.pos++
		if err := p.comparisonExpression(); err != nil {
			return err
		}
		return p.expect(tPunct, ")")
	}
	if p.is(tKeyword, "EXISTS") {
		p.pos++
		_, _, err := p.objectPath()
		return err
	}
	typ, path, err := p.objectPath()
	if err != nil {
		return err
	}
	c := comparison{ObjectType: typ, Path: path}
	if p.is(tKeyword, "NOT") {
		p.pos++
		c.Op = "NOT "
	}
	t := p.next()
	switch {
	case t.kind == tOp && (t.text == "=" || t.text == "==" || t.text == "!=" || t.text == "<>"):
		c.Op += t.text
		lit := p.next()
		if !primitive(lit) {
			return fmt.Errorf("%s wants a literal, got %q", t.text, lit.text)
		}
		c.Value = lit.text
	case t.kind == tOp:
		c.Op += t.text
		lit := p.next()
		if !primitive(lit) || lit.kind == tKeyword {
			return fmt.Errorf("%s wants an orderable literal", t.text)
		}
		c.Value = lit.text
	case t.kind == tKeyword && t.text == "IN":
		c.Op += "IN"
		if err := p.expect(tPunct, "("); err != nil {
			return err
		}
		for !p.is(tPunct, ")") {
			if lit := p.next(); !primitive(lit) {
				return fmt.Errorf("IN wants literals")
			}
			if !p.is(tPunct, ")") {
				if err := p.expect(tPunct, ","); err != nil {
					return err
				}
			}
		}
		p.pos++
	case t.kind == tKeyword && (t.text == "LIKE" || t.text == "MATCHES" || t.text == "ISSUBSET" || t.text == "ISSUPERSET"):
		c.Op += t.text
		lit := p.next()
		if lit.kind != tString {
			return fmt.Errorf("%s wants a string", t.text)
		}
		c.Value = lit.text
	default:
		return fmt.Errorf("want a comparison operator, got %q", t.text)
	}
	p.cmps = append(p.cmps, c)
	return nil
}

func primitive(t token) bool {
	switch t.kind {
	case tString, tInt, tFloat, tHex, tBinary, tTimestamp:
		return true
	case tKeyword:
		return t.text == "TRUE" || t.text == "FALSE"
	}
	return false
}

// objectPath: type ':' first ('.' key | '[' index ']')*. Path keys are
// identifiers without a hyphen or quoted strings; the type may have one.
func (p *parser) objectPath() (string, []string, error) {
	t := p.next()
	if t.kind != tIdent {
		return "", nil, fmt.Errorf("want an object type, got %q", t.text)
	}
	if err := p.expect(tPunct, ":"); err != nil {
		return "", nil, err
	}
	key := func() (string, error) {
		k := p.next()
		switch {
		case k.kind == tString:
			return k.text, nil
		case k.kind == tIdent && !strings.Contains(k.text, "-"):
			return k.text, nil
		}
		return "", fmt.Errorf("bad path component %q (a name with a hyphen must be quoted)", k.text)
	}
	first, err := key()
	if err != nil {
		return "", nil, err
	}
	path := []string{first}
	for {
		switch {
		case p.is(tPunct, "."):
			p.pos++
			k, err := key()
			if err != nil {
				return "", nil, err
			}
			path = append(path, k)
		case p.is(tPunct, "["):
			p.pos++
			if k := p.next(); k.kind != tInt && !(k.kind == tPunct && k.text == "*") {
				return "", nil, fmt.Errorf("bad index %q", k.text)
			}
			if err := p.expect(tPunct, "]"); err != nil {
				return "", nil, err
			}
			path = append(path, "[]")
		default:
			return t.text, path, nil
		}
	}
}
