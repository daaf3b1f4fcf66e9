package incident

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// yamlBetweenFences is what github.com/adrg/frontmatter (v0.2.0) hands to its decoder for the
// format "---" / "---": the bytes between the first line that is not blank, when it is "---",
// and the next "---" line (lines compared with their white space trimmed). ok is false when it
// finds none: the first line that is not blank is something else or the last line of the
// file, or the closing fence never comes. Front matter is read with this instead of the
// library because the library links BurntSushi/toml and yaml.v2 for its other formats, and
// toml's init loads the local time zone at every start of the program (about a seventh of
// `incidentctl --help`); FuzzYAMLBetweenFences holds the two equal.
func yamlBetweenFences(src []byte) (yaml []byte, ok bool) {
	off := 0
	// line is the line at off with its newline, next the offset after it, last whether it
	// ends the file without a newline (what bufio's ReadBytes reports as io.EOF).
	line := func() (l []byte, next int, last bool) {
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			return src[off : off+i+1], off + i + 1, false
		}
		return src[off:], len(src), true
	}
	for {
		l, next, last := line()
		if last {
			return nil, false
		}
		off = next
		if t := bytes.TrimSpace(l); len(t) != 0 {
			if string(t) != "---" {
				return nil, false
			}
			break
		}
	}
	start := off
	for {
		end := off
		l, next, last := line()
		off = next
		if string(bytes.TrimSpace(l)) == "---" {
			return src[start:end], true
		}
		if last {
			return nil, false
		}
	}
}

// decodeBetweenFences decodes the YAML between the fences with yaml v3, as adrg/frontmatter's
// Parse with the format "---" / "---" and yaml.v3's Unmarshal did (yaml v2, that library's
// default, turns `yes` into true): no fences is no error, and doc stays empty.
func decodeBetweenFences(src []byte, doc *yaml.Node) error {
	b, ok := yamlBetweenFences(src)
	if !ok {
		return nil
	}
	return yaml.Unmarshal(b, doc)
}
