package i18n

import (
	"encoding/binary"
	"errors"
)

// A text made by Text is English text that Translate gives back in another language, because
// the process remembers how it was made. A text kept on disk (lint's result cache) and read
// back by another process has lost that: AppendText keeps, beside the English, the message
// id and arguments (the texts among them in turn), and ReadText gives the same English text
// back, translatable again, without rendering any message.

// The kinds of kept text and argument.
const (
	keepPlain byte = iota // text Text did not make: its bytes
	keepText              // English, id, arguments
	keepInt               // an integer argument
)

// keepDepth bounds the texts inside texts (a message handed on inside another).
const keepDepth = 8

// ErrKept is what ReadText says of bytes AppendText did not write.
var ErrKept = errors.New("damaged kept text")

// AppendText appends s to b in the form ReadText reads. ok is false, and b comes back as it
// was, when s is a text an argument of which is neither a string nor an int: such a text
// cannot be kept.
func AppendText(b []byte, s string) (_ []byte, ok bool) {
	out, ok := appendText(b, s, 0)
	if !ok {
		return b, false
	}
	return out, true
}

func appendText(b []byte, s string, depth int) ([]byte, bool) {
	v, made := texts.Load(s)
	if !made {
		b = append(b, keepPlain)
		return appendKeptStr(b, s), true
	}
	e := v.(*Error)
	if depth >= keepDepth || len(e.Args)%2 != 0 {
		return b, false
	}
	b = append(b, keepText)
	b = appendKeptStr(b, s)
	b = appendKeptStr(b, e.ID)
	b = binary.AppendUvarint(b, uint64(len(e.Args)/2))
	for i := 0; i < len(e.Args); i += 2 {
		name, ok := e.Args[i].(string)
		if !ok {
			return b, false
		}
		b = appendKeptStr(b, name)
		switch a := e.Args[i+1].(type) {
		case string:
			if b, ok = appendText(b, a, depth+1); !ok {
				return b, false
			}
		case int:
			b = append(b, keepInt)
			b = binary.AppendVarint(b, int64(a))
		default:
			return b, false
		}
	}
	return b, true
}

func appendKeptStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// ReadText reads a text AppendText wrote at the start of b: the English text, which Translate
// then gives in any language as it would have given the original, and the bytes after it.
// It trusts the English the bytes hold to be the message's (a cache of another build of the
// catalogue must not be read).
func ReadText(b []byte) (s string, rest []byte, err error) {
	r := keptReader{b: b}
	s = r.text(0)
	if r.err != nil {
		return "", nil, r.err
	}
	return s, r.b, nil
}

type keptReader struct {
	b   []byte
	err error
}

func (r *keptReader) fail() {
	r.err, r.b = ErrKept, nil
}

func (r *keptReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *keptReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *keptReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *keptReader) text(depth int) string {
	switch r.byte() {
	case keepPlain:
		return r.str()
	case keepText:
	default:
		r.fail()
		return ""
	}
	if depth >= keepDepth {
		r.fail()
		return ""
	}
	s, id := r.str(), r.str()
	n := r.uvarint()
	if n > uint64(len(r.b)/3) { // each argument: a name, a kind, a value
		r.fail()
		return ""
	}
	args := make([]any, 0, 2*n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		name := r.str()
		var v any
		if len(r.b) > 0 && r.b[0] == keepInt {
			x, k := binary.Varint(r.b[1:])
			if k <= 0 {
				r.fail()
				return ""
			}
			r.b, v = r.b[1+k:], int(x)
		} else {
			v = r.text(depth + 1)
		}
		args = append(args, name, v)
	}
	if r.err != nil {
		return ""
	}
	texts.Store(s, Errorf(id, args...)) // as Text does
	return s
}
