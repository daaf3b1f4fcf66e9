package incident

// ParseBothWays parses src once with the fast front-matter decoder and once with yaml.v3 alone
// (for the equivalence test over generated documents, which lives outside the package because
// pkg/synth imports this one). accepted says whether the fast decoder took the front matter.
func ParseBothWays(path string, src []byte) (fast, slow *Document, fastErr, slowErr error, accepted bool) {
	fast, fastErr = Parse(path, src)
	slow, slowErr = parseSlowFrontMatter(path, src)
	if fast != nil {
		_, accepted = fastYAML(src[fast.fm.yamlStart:fast.fm.closeLine])
	}
	return fast, slow, fastErr, slowErr, accepted
}

// MetaBodyTaken says whether ParseMeta reads src's body by its headings alone (metaBodyOK).
func MetaBodyTaken(src []byte) bool {
	lines := newLineIndex(src)
	fm, err := splitFrontMatter("x.md", src, lines)
	return err == nil && metaBodyOK(src, fm.end, lines)
}
