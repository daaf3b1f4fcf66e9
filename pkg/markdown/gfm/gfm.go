// Package gfm is the part of GitHub Flavored Markdown incidentctl reads and renders with
// goldmark: tables, task-list check boxes, strikethrough and bare links (linkify). It stands in
// for goldmark's own extension package, whose initialisation compiles a dozen regular
// expressions (linkify's, the table delimiters', the check box's: about a millisecond) at every
// start of the program, whatever the command. Here nothing is done at init: the matchers are
// written out by hand, and what little the extension keeps in variables is made on first use.
//
// The parsers and renderers follow github.com/yuin/goldmark/extension v1.8.7 closely and build
// the same nodes (github.com/yuin/goldmark/extension/ast); the tests and fuzz targets hold the
// HTML and the trees they give identical to goldmark's extension for the same input.
//
// Derived from goldmark, Copyright (c) 2019 Yusuke Inuzuka, under the MIT License:
//
//	Permission is hereby granted, free of charge, to any person obtaining a copy
//	of this software and associated documentation files (the "Software"), to deal
//	in the Software without restriction, including without limitation the rights
//	to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
//	copies of the Software, and to permit persons to whom the Software is
//	furnished to do so, subject to the following conditions:
//
//	The above copyright notice and this permission notice shall be included in all
//	copies or substantial portions of the Software.
//
//	THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
//	IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
//	FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
//	AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
//	LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
//	OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
//	SOFTWARE.
package gfm

import "github.com/yuin/goldmark/renderer/html"

// isSpace is the class \s of Go's regular expressions, which goldmark's patterns use:
// [\t\n\f\r ] (not \v).
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\f' || b == '\r'
}

// trimSpace trims isSpace bytes on both ends.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// htmlConfig is goldmark's HTML renderer configuration with opts applied, for the renderers
// of the extensions.
func htmlConfig(opts []html.Option) html.Config {
	c := html.NewConfig()
	for _, opt := range opts {
		opt.SetHTMLOption(&c)
	}
	return c
}
