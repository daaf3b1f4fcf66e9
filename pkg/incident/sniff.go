package incident

import "bytes"

// SniffStatus reads a document's status from its front matter without parsing the document,
// for the board's cold path (the first `status` after a clone reads every document once, and
// most of them are resolved). src may be the start of the file only: the sniff never looks past
// the closing fence.
//
// It is deliberately narrow: ok is true only for front matter in the plain form incidentctl
// writes — "---" alone on line 1, one "key: value" per line with the key at column 0, values
// plain or quoted on one line (or {} / []), one level of indented "name: value" lines under a
// key with no value, no key twice, a closing "---" — with a status that is one of Statuses as
// a plain word. Anything else (a BOM, CR, tabs, comments, blank lines, anchors, tags, flow
// collections, block or multi-line scalars, escapes, conflict markers, deeper nesting) gives
// ok false, and the caller parses the document in full. When ok is true, the front matter is
// valid YAML whose top-level status is status (FuzzSniffStatus checks it against
// splitFrontMatter, yaml.v3 and ParseMeta); the rest of the document is not looked at, so
// ParseMeta may still fail on it.
func SniffStatus(src []byte) (status string, ok bool) {
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return "", false
	}
	var keys [32][]byte
	nk := 0
	canNest, indent := false, 0 // after a key with no value: indented lines may follow
	for i := 4; ; {
		nl := bytes.IndexByte(src[i:], '\n')
		if nl < 0 {
			return "", false // no closing fence in src
		}
		line := src[i : i+nl]
		i += nl + 1
		if string(line) == "---" {
			break
		}
		if len(line) == 0 || isFence(line) || !printableYAML(line) || bytes.IndexByte(line, '\t') >= 0 || bytes.IndexByte(line, '\r') >= 0 {
			return "", false
		}
		if line[0] == ' ' {
			n := 0
			for n < len(line) && line[n] == ' ' {
				n++
			}
			if !canNest || indent != 0 && n != indent {
				return "", false
			}
			indent = n
			if _, v, ok := sniffEntry(line[n:]); !ok || len(v) == 0 {
				return "", false
			}
			continue
		}
		k, v, ok := sniffEntry(line)
		if !ok || nk == len(keys) {
			return "", false
		}
		for _, seen := range keys[:nk] {
			if bytes.Equal(seen, k) {
				return "", false
			}
		}
		keys[nk] = k
		nk++
		canNest, indent = len(v) == 0, 0
		if string(k) == KeyStatus {
			status = ""
			for _, s := range Statuses {
				if string(v) == s {
					status = s
				}
			}
			if status == "" {
				return "", false
			}
		}
	}
	return status, status != ""
}

// sniffEntry splits a "key: value" line (no leading spaces) for SniffStatus: ok is false when
// the key or the value is anything but the plain forms it knows. value is empty for "key:".
func sniffEntry(line []byte) (key, value []byte, ok bool) {
	n := 0
	for n < len(line) && (isLetter(line[n]) || isDigit(line[n]) || line[n] == '_' || n > 0 && line[n] == '-') {
		n++
	}
	if n == 0 || n == len(line) || line[n] != ':' {
		return nil, nil, false
	}
	key, rest := line[:n], line[n+1:]
	if len(rest) == 0 {
		return key, nil, true
	}
	if rest[0] != ' ' {
		return nil, nil, false
	}
	v := bytes.Trim(rest, " ")
	if len(v) == 0 {
		return key, nil, true
	}
	switch c := v[0]; {
	case string(v) == "{}" || string(v) == "[]":
	case c == '"':
		// Closed on this line, nothing after it, no escapes.
		if len(v) < 2 || v[len(v)-1] != '"' || bytes.IndexByte(v[1:len(v)-1], '"') >= 0 || bytes.IndexByte(v, '\\') >= 0 {
			return nil, nil, false
		}
	case c == '\'':
		// Closed on this line, nothing after it; '' is a quote inside.
		in := v[1:]
		for j := 0; ; j++ {
			if j >= len(in) {
				return nil, nil, false
			}
			if in[j] != '\'' {
				continue
			}
			if j+1 < len(in) && in[j+1] == '\'' {
				j++
				continue
			}
			if j != len(in)-1 {
				return nil, nil, false
			}
			break
		}
	case bytes.IndexByte([]byte("|>&*!%@`{[]},#?:-.'\"<=~"), c) >= 0:
		return nil, nil, false
	default:
		// A plain scalar: nothing YAML would read as a mapping value or a comment inside it.
		if bytes.Contains(v, []byte(": ")) || bytes.Contains(v, []byte(" #")) || v[len(v)-1] == ':' {
			return nil, nil, false
		}
	}
	return key, v, true
}
