package tfjs

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// exported finds the value a bundled (browserify, minified) module assigns to
// module.exports: the first `.exports=` followed by an object, array or string literal.
// TF.js files wrapped this way are plain data, but as JavaScript, not JSON: keys are
// unquoted, true and false are written !0 and !1, numbers may start with a dot.
func exported(src []byte) (any, error) {
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte(".exports="))
		if i < 0 {
			return nil, fmt.Errorf("no `.exports=` with a data literal found: not a bundled TF.js model file")
		}
		p := &parser{s: src, i: off + i + len(".exports=")}
		if c := p.peek(); c == '{' || c == '[' || c == '"' {
			return p.value()
		}
		off += i + 1
	}
}

// parser reads the subset of JavaScript literal syntax that minifiers emit for data.
type parser struct {
	s []byte
	i int
}

func (p *parser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *parser) fail(what string) error {
	ctx := string(p.s[p.i:min(len(p.s), p.i+30)])
	return fmt.Errorf("at byte %d: %s (near %q)", p.i, what, ctx)
}

func (p *parser) expect(c byte) error {
	if p.peek() != c {
		return p.fail(fmt.Sprintf("want %q", c))
	}
	p.i++
	return nil
}

func (p *parser) value() (any, error) {
	switch c := p.peek(); {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"' || c == '\'':
		return p.str()
	case c == '!':
		// !0 is true, !1 is false.
		if p.i+1 < len(p.s) && (p.s[p.i+1] == '0' || p.s[p.i+1] == '1') {
			v := p.s[p.i+1] == '0'
			p.i += 2
			return v, nil
		}
		return nil, p.fail("unsupported negation")
	case c == '-' || c == '.' || c == '+' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		w := p.word()
		switch w {
		case "null", "void 0":
			return nil, nil
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, p.fail("unsupported value")
	}
}

func (p *parser) object() (map[string]any, error) {
	p.i++ // {
	out := map[string]any{}
	for p.peek() != '}' {
		var key string
		if c := p.peek(); c == '"' || c == '\'' {
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			key = k
		} else if key = p.word(); key == "" {
			return nil, p.fail("want a key")
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		v, err := p.value()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[key] = v
		if p.peek() == ',' {
			p.i++
		} else if p.peek() != '}' {
			return nil, p.fail("want , or }")
		}
	}
	p.i++
	return out, nil
}

func (p *parser) array() ([]any, error) {
	p.i++ // [
	var out []any
	for p.peek() != ']' {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if p.peek() == ',' {
			p.i++
		} else if p.peek() != ']' {
			return nil, p.fail("want , or ]")
		}
	}
	p.i++
	return out, nil
}

// word reads an identifier (an unquoted key or a keyword).
func (p *parser) word() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return string(p.s[start:p.i])
}

func (p *parser) number() (float64, error) {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("+-.0123456789eE", p.s[p.i]) >= 0 {
		p.i++
	}
	v, err := strconv.ParseFloat(string(p.s[start:p.i]), 64)
	if err != nil {
		p.i = start
		return 0, p.fail("bad number")
	}
	return v, nil
}

func (p *parser) str() (string, error) {
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s):
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if p.i+4 > len(p.s) {
					return "", p.fail("bad \\u escape")
				}
				r, err := strconv.ParseUint(string(p.s[p.i:p.i+4]), 16, 32)
				if err != nil {
					return "", p.fail("bad \\u escape")
				}
				b.WriteRune(rune(r))
				p.i += 4
			default:
				b.WriteByte(e)
			}
		default:
			// Long strings (base64 weights) are copied in runs, not byte by byte.
			j := p.i
			for j < len(p.s) && p.s[j] != q && p.s[j] != '\\' {
				j++
			}
			b.Write(p.s[p.i:j])
			p.i = j
		}
	}
	return "", p.fail("unterminated string")
}
