package incident

// ScanDiff reads the body of a document with the scanner and with goldmark (for the synth
// equivalence test, which cannot live inside the package: pkg/synth imports it). It reports
// whether the scanner accepted the body and any difference in what the two found.
func ScanDiff(src []byte) (scanned bool, diff string, err error) {
	d, err := Parse("x.md", src)
	if err != nil {
		return false, "", err
	}
	scanned, diff = scanDiffDoc(src, d.fm.end)
	return scanned, diff, nil
}

// BodyReparser parses src and returns a function that reads its body again, as Parse does
// after the front matter (for BenchmarkParseBody).
func BodyReparser(src []byte) (func() error, error) {
	d, err := Parse("x.md", src)
	if err != nil {
		return nil, err
	}
	return func() error {
		nd := &Document{Path: d.Path, Src: d.Src, lines: d.lines, fm: d.fm, table: span{-1, -1}}
		return nd.parseBody()
	}, nil
}
