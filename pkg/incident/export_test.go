package incident

import (
	"regexp"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// markerRE is the syntax of action-list markers, which appendMarkers implements without the
// regexp engine (FuzzMarkers checks they agree).
var markerRE = regexp.MustCompile(`<!--\s*([a-z_]+)\s*:\s*(.*?)\s*-->`)

// fullParser is goldmark with every default inline parser and the two extensions: the
// reference bodyParser must agree with.
var fullParser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.TaskList)).Parser()

// ParseWithFullParser parses with the reference parser (for tests outside the package).
func ParseWithFullParser(path string, src []byte) (*Document, error) {
	return parseWith(fullParser, path, src)
}

func parseWith(p parser.Parser, path string, src []byte) (*Document, error) {
	saved := bodyParserOverride
	bodyParserOverride = p
	defer func() { bodyParserOverride = saved }()
	return Parse(path, src)
}
