package incident

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// frontMatterSeeds are front matters as incidentctl and the synthetic generator write them,
// and the near misses the fast decoder must either get right or leave to yaml.v3.
var frontMatterSeeds = []string{
	"id: 261123-k7xqm\ntitle: Checkout API returns 500s\nseverity: SEV2\nstatus: investigating\ncommander: alice\nroles:\n  comms: bob\nimpact: Checkout failing for ~30% of users\nannouncement: \"\"\ndeclared_at: 2026-11-23T10:02:00+09:00\nidentified_at: null\nmitigated_at: null\nresolved_at: null\nresolution: \"\"\ntemplate: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad\n",
	"id: 190326-fq47y\ntitle: email-relay drops messages\nseverity: SEV3\nstatus: resolved\ncommander: trent\nroles: {}\nimpact: about 1440 customers affected\nannouncement: \"\"\ndeclared_at: 2019-03-26T10:22:10+02:00\nidentified_at: 2019-03-26T11:41:16+02:00\nmitigated_at: 2019-03-26T14:29:48+02:00\nresolved_at: 2019-03-26T18:58:03+02:00\nresolution: rolled back deploy 1942\ntemplate: 1e6bb27a1e1f8cca453aa9da3a347378e5d970a4\n",
	"id: x\nimpact: 1948% of API requests fail\nroles:\n  comms: bea\n  scribe: fatima\nresolution: 'it''s: fixed'\n",
	"id: x\r\ntitle: crlf\r\nroles:\r\n  comms: bob\r\n",
	"a: 1\nb: 1.5\nc: 0x1F\nd: 0o17\ne: -0b101\nf: 1_000\ng: .5\nh: .inf\ni: -.Inf\nj: 2026-11-23\nk: 2026-1-2 3:4:5\nl: +12\nm: 1e3\nn: 123abc\n",
	"a: true\nb: False\nc: yes\nd: ~\ne: Null\nf: <<\ng: on\nh: null\n",
	"a:\nb:   \nc: x\n\n\nd: y   \n",
	"a: b # comment\n",
	"# head\na: b\n",
	"a: \"x\\ty\"\n",
	"a: [1, 2]\nb: {c: d}\nc: []\n",
	"a: &x b\nc: *x\n",
	"a: !!str 1\n",
	"a: |\n  text\n",
	"a: b\n  continued\n",
	"a:\n  b:\n    c: d\n",
	"a:\n  - x\n",
	"a: b\na: c\n",
	"roles:\n  comms: bob\n  comms: carol\n",
	"a: 'unclosed\n",
	"a: \"unclosed\n",
	"a: b: c\n",
	"a: -\n",
	"a: -x\n",
	"a: ---\n",
	"a: x:\n",
	"a: C#\n",
	"a: café ünïcödé 日本\n",
	"  ---\na: b\n",
	"a:b\n",
	"a : b\n",
	"true: x\nnull: y\n1: z\n",
	"a:\n\n  b: c\n\n  d: e\nf: g\n",
	"a:\n  b: c\n   d: e\n",
	"a:\n  b: {}\n",
	"",
	"\n",
	"...\na: b\n",
	"a: %x\n",
	"a: @x\n",
	"a: x\u0085y\n",
	"a: x\u2028y\n",
	"a: \"\"\nb: ''\n",
}

// FuzzFrontMatter compares the fast front-matter decoder with yaml.v3 on every input the fast
// decoder accepts: the node tree must be the one yaml.v3 builds, and parsing a document with
// that front matter must give the same Document (Meta, key ranges, Problems) or the same error.
func FuzzFrontMatter(f *testing.F) {
	for _, s := range frontMatterSeeds {
		f.Add([]byte(s))
	}
	for _, s := range corpusFrontMatters(f) {
		f.Add([]byte(s))
	}
	for _, tr := range frontMatterTraps {
		f.Add([]byte(tr.y))
	}
	f.Fuzz(func(t *testing.T, y []byte) {
		checkFrontMatterAgrees(t, y)
	})
}

// TestFrontMatterSeeds runs the fuzz comparison on the seeds, and checks the fast decoder does
// take the forms the CLI writes (a fast path that declines everything would pass the fuzzer).
func TestFrontMatterSeeds(t *testing.T) {
	for i, s := range frontMatterSeeds {
		accepted := checkFrontMatterAgrees(t, []byte(s))
		if i < 6 && !accepted {
			t.Errorf("seed %d: the fast decoder declined a front matter the CLI writes:\n%s", i, s)
		}
	}
}

// checkFrontMatterAgrees fails t when the fast decoder accepts y and disagrees with yaml.v3;
// it reports whether the fast decoder accepted y.
func checkFrontMatterAgrees(t *testing.T, y []byte) bool {
	t.Helper()
	root, ok := fastYAML(y)
	if !ok {
		return false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(y, &doc); err != nil {
		t.Fatalf("fast decoder accepted what yaml.v3 rejects (%v):\n%q", err, y)
	}
	if len(doc.Content) != 1 || !reflect.DeepEqual(doc.Content[0], root) {
		var want *yaml.Node
		if len(doc.Content) > 0 {
			want = doc.Content[0]
		}
		t.Fatalf("node trees differ for\n%q\nyaml.v3:\n%s\nfast:\n%s", y, dumpNode(want, ""), dumpNode(root, ""))
	}
	src := []byte("---\n" + string(y) + "---\n\n# T\n\n## Status\n\n## Action list\n\n- [ ] a <!-- required: SEV1 -->\n\n## Log\n\n- 2026-11-23T10:02:00+09:00 [a] b\n")
	fast, fastErr := Parse("f.md", src)
	slow, slowErr := parseSlowFrontMatter("f.md", src)
	if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) || !reflect.DeepEqual(fastErr, slowErr) {
		t.Fatalf("errors differ for\n%q\nfast: %v\nyaml.v3: %v", src, fastErr, slowErr)
	}
	if diff := SameParse(fast, slow); diff != "" {
		t.Fatalf("%s for\n%q\nfast: %+v\nyaml.v3: %+v", diff, src, fast, slow)
	}
	return true
}

// parseSlowFrontMatter parses with yaml.v3 decoding the front matter, as before the fast path.
func parseSlowFrontMatter(path string, src []byte) (*Document, error) {
	fastFrontMatter = false
	defer func() { fastFrontMatter = true }()
	return Parse(path, src)
}

func dumpNode(n *yaml.Node, indent string) string {
	if n == nil {
		return indent + "<nil>\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%skind=%d style=%d tag=%q value=%q line=%d col=%d anchor=%q comments=%q/%q/%q nilContent=%v\n",
		indent, n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column, n.Anchor, n.HeadComment, n.LineComment, n.FootComment, n.Content == nil)
	for _, c := range n.Content {
		b.WriteString(dumpNode(c, indent+"  "))
	}
	return b.String()
}

// referenceNumber is the number part of yaml.v3's resolve as it is written there.
func referenceNumber(in string) string {
	plain := strings.Replace(in, "_", "", -1)
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return "!!int"
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return "!!int"
	}
	if referenceFloat.MatchString(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return "!!float"
		}
	}
	if strings.HasPrefix(plain, "0b") {
		if _, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return "!!int"
		}
		if _, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
			return "!!int"
		}
	} else if strings.HasPrefix(plain, "-0b") {
		if _, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return "!!int"
		}
	}
	if strings.HasPrefix(plain, "0o") {
		if _, err := strconv.ParseInt(plain[2:], 8, 64); err == nil {
			return "!!int"
		}
		if _, err := strconv.ParseUint(plain[2:], 8, 64); err == nil {
			return "!!int"
		}
	} else if strings.HasPrefix(plain, "-0o") {
		if _, err := strconv.ParseInt("-"+plain[3:], 8, 64); err == nil {
			return "!!int"
		}
	}
	return ""
}

var referenceFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// TestYAMLNumber: yamlNumber and yamlStyleFloat agree with yaml.v3's code on every string of up
// to four characters from the characters numbers are made of (and a few more), and on longer ones.
func TestYAMLNumber(t *testing.T) {
	const alphabet = "019abefxoEXO+-._ k"
	check := func(s string) {
		if got, want := yamlNumber(s), referenceNumber(s); got != want {
			t.Fatalf("yamlNumber(%q) = %q, yaml.v3 %q", s, got, want)
		}
		if got, want := yamlStyleFloat(s), referenceFloat.MatchString(s); got != want {
			t.Fatalf("yamlStyleFloat(%q) = %v, the expression %v", s, got, want)
		}
	}
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		check(prefix)
		if n == 0 {
			return
		}
		for i := range len(alphabet) {
			gen(prefix+alphabet[i:i+1], n-1)
		}
	}
	gen("", 4)
	for _, s := range []string{"3b18e512dba79e4c8300dd08aeb37f8e728b8dad", "261123-k7xqm", "1_000_000", "0x_1F", "-0b1_01",
		"0o777", "0777", "1e10", "1.5e-3", "+.5", "-1.", "9223372036854775808", "18446744073709551616", "0x8000000000000000",
		"-0b1000000000000000000000000000000000000000000000000000000000000000", "1948% of API requests fail", "2026-11-23"} {
		check(s)
	}
}
