package lint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/incidentctl/incidentctl/pkg/config"
)

// reportFixture lints a folder with findings of several rules (one after Japanese text, so
// columns in characters and bytes differ) and returns the report the formats write.
func reportFixture(t *testing.T) (Report, *Result) {
	t.Helper()
	dir := t.TempDir()
	bad := replace(validDoc, "status: investigating", "status: done")                          // status, line 5
	bad = replace(bad, "error rate 12% on checkout-api", "エラー率12% password=hunter2hunter2xyz") // secret after Japanese text
	write(t, dir, validPath, bad)
	write(t, dir, "incidents/2026/11/261124-zzzzz-other.md", replace(validDoc, "id: 261123-k7xqm", "id: 261123-zzzz")) // id-filename
	res := run(t, Options{Root: dir})
	if len(res.Findings) < 3 {
		t.Fatalf("fixture has too few findings: %v", briefPaths(res.Findings))
	}
	policy, err := NewPolicy(config.Default().Lint)
	if err != nil {
		t.Fatal(err)
	}
	return Report{
		Findings: res.Findings,
		Rules:    policy.RuleSet(),
		Tool:     Tool{Version: "1.2.3", DocsRef: DocsRefFor("1.2.3")},
		Source: func(p string) ([]byte, error) {
			return os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		},
	}, res
}

func compileSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatalf("compiling %s: %v", file, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, out []byte) map[string]any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if err := s.Validate(v); err != nil {
		t.Fatalf("does not validate against the schema: %v\n%s", err, out)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSARIFSchema checks the SARIF output against the official OASIS 2.1.0 schema
// (testdata/sarif-schema-2.1.0.json, errata 01), with findings and with none, and that each
// result names the right file, line, column, rule and level.
func TestSARIFSchema(t *testing.T) {
	schema := compileSchema(t, "sarif-schema-2.1.0.json")
	r, _ := reportFixture(t)
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, r); err != nil {
		t.Fatal(err)
	}
	validate(t, schema, buf.Bytes())

	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(Rules) {
		t.Errorf("%d rules, want every rule (%d)", len(run.Tool.Driver.Rules), len(Rules))
	}
	if run.Tool.Driver.SemanticVersion != "1.2.3" {
		t.Errorf("semanticVersion %q", run.Tool.Driver.SemanticVersion)
	}
	for i, rule := range run.Tool.Driver.Rules {
		if rule.ID != Rules[i].ID || !strings.HasSuffix(rule.HelpURI, "/blob/v1.2.3/README.md#rule-"+rule.ID) || rule.Help.Text == "" {
			t.Errorf("rule %d: %+v", i, rule)
		}
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	fingerprints := map[string]bool{}
	for i, res := range run.Results {
		f := r.Findings[i]
		loc := res.Locations[0].PhysicalLocation
		if res.RuleID != f.Rule || run.Tool.Driver.Rules[res.RuleIndex].ID != f.Rule ||
			loc.ArtifactLocation.URI != f.Path || loc.Region.StartLine != f.Line || res.Level != string(f.Severity) {
			t.Errorf("result %d = %+v, finding %+v", i, res, f)
		}
		fp := res.PartialFingerprints[fingerprintKey]
		if fp == "" || fingerprints[fp] {
			t.Errorf("result %d: fingerprint %q empty or repeated", i, fp)
		}
		fingerprints[fp] = true
		if f.Rule == RuleSecret {
			line := string(newSourceLines(r.Source).line(f.Path, f.Line))
			wantCol := len([]rune(line[:f.Col-1])) + 1
			if loc.Region.StartColumn != wantCol || wantCol == f.Col {
				t.Errorf("secret after Japanese text: column %d (bytes %d), want %d characters", loc.Region.StartColumn, f.Col, wantCol)
			}
		}
	}
	for _, want := range []string{RuleStatus, RuleSecret, RuleIDFilename} {
		if !slices.ContainsFunc(run.Results, func(r sarifResult) bool { return r.RuleID == want }) {
			t.Errorf("no %s result", want)
		}
	}

	// No findings: still a complete log, with an empty results array (never an empty file).
	buf.Reset()
	r.Findings = nil
	if err := WriteSARIF(&buf, r); err != nil {
		t.Fatal(err)
	}
	m := validate(t, schema, buf.Bytes())
	results, ok := m["runs"].([]any)[0].(map[string]any)["results"].([]any)
	if !ok || len(results) != 0 {
		t.Errorf("no findings: results = %#v, want []", m["runs"].([]any)[0].(map[string]any)["results"])
	}
}

// A fingerprint follows the finding's line, not its number: an entry added above it keeps it.
func TestSARIFFingerprintSurvivesMovedLines(t *testing.T) {
	f := Finding{Path: validPath, Line: 5, Col: 9, Rule: RuleStatus, Severity: Error, Message: "x"}
	before := fingerprintBase(f, []byte("status: done"))
	f.Line = 9
	if after := fingerprintBase(f, []byte("status:  done ")); after != before {
		t.Errorf("fingerprint changed with the line number: %s → %s", before, after)
	}
	if other := fingerprintBase(f, []byte("status: wrong")); other == before {
		t.Error("different lines share a fingerprint")
	}
}

// rdjson is read by reviewdog with protojson, which rejects unknown fields: decode strictly
// into reviewdog's DiagnosticResult shape (proto/rdf) and check the values.
func TestRDJSON(t *testing.T) {
	r, _ := reportFixture(t)
	var buf bytes.Buffer
	if err := WriteRDJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	type position struct {
		Line, Column int
	}
	var got struct {
		Source struct {
			Name, URL string
		}
		Severity    string
		Diagnostics []struct {
			Message  string
			Location struct {
				Path  string
				Range struct{ Start, End *position }
			}
			Severity string
			Source   struct{ Name, URL string }
			Code     struct{ Value, URL string }
		}
	}
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("not reviewdog's DiagnosticResult: %v\n%s", err, buf.Bytes())
	}
	if got.Source.Name != "incidentctl" || len(got.Diagnostics) != len(r.Findings) {
		t.Fatalf("got %+v", got)
	}
	for i, d := range got.Diagnostics {
		f := r.Findings[i]
		if d.Location.Path != f.Path || d.Location.Range.Start == nil || d.Location.Range.Start.Line != f.Line ||
			d.Location.Range.Start.Column != f.Col || d.Code.Value != f.Rule || d.Message != f.Message ||
			!slices.Contains([]string{"ERROR", "WARNING"}, d.Severity) || !strings.HasSuffix(d.Code.URL, "#rule-"+f.Rule) {
			t.Errorf("diagnostic %d = %+v, finding %+v", i, d, f)
		}
	}
	buf.Reset()
	r.Findings = nil
	if err := WriteRDJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"diagnostics": []`) {
		t.Errorf("no findings: %s", buf.String())
	}
}

// manyFindings returns n errors and n warnings, interleaved by line.
func manyFindings(n int) []Finding {
	var fs []Finding
	for i := range n {
		fs = append(fs,
			Finding{Path: validPath, Line: 2*i + 1, Col: 1, Severity: Error, Rule: RuleLogEntry, Message: fmt.Sprintf("error %d | with a pipe <b>", i)},
			Finding{Path: validPath, Line: 2*i + 2, Col: 1, Severity: Warning, Rule: RuleUnknownKey, Message: fmt.Sprintf("warning %d", i)})
	}
	return fs
}

// GitHub shows 10 annotations of a kind per step: the first 10 errors and 10 warnings are
// annotations, the rest are log lines, and one notice says how many were left out.
func TestWriteGitHubWithinLimits(t *testing.T) {
	fs := manyFindings(25)
	var buf bytes.Buffer
	n, err := WriteGitHub(&buf, fs)
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n != 30 {
		t.Errorf("not annotated = %d, want 30", n)
	}
	if c := linesWith(out, "::error "); c != 10 {
		t.Errorf("%d error annotations, want 10", c)
	}
	if c := linesWith(out, "::warning "); c != 10 {
		t.Errorf("%d warning annotations, want 10", c)
	}
	if c := linesWith(out, "::notice "); c != 1 || !strings.Contains(out, "30 findings more not annotated") {
		t.Errorf("want one notice about 30 findings:\n%s", out)
	}
	for i := 10; i < 25; i++ {
		if !strings.Contains(out, fmt.Sprintf(": error log-entry: error %d |", i)) {
			t.Errorf("error %d is not in the log", i)
		}
	}

	buf.Reset()
	if n, _ := WriteGitHub(&buf, manyFindings(3)); n != 0 || strings.Contains(buf.String(), "::notice") {
		t.Errorf("within the limits: not annotated %d, output\n%s", n, buf.String())
	}
}

func linesWith(out, prefix string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// The step summary holds every finding, with the "+N more" line when annotations left some out.
func TestWriteStepSummary(t *testing.T) {
	fs := manyFindings(25)
	var buf bytes.Buffer
	s := StepSummary{Documents: 3, NotAnnotated: 30, Tool: Tool{Version: "devel"},
		FileURL: func(p string, line int) string { return fmt.Sprintf("https://github.com/o/r/blob/abc/%s#L%d", p, line) }}
	if err := WriteStepSummary(&buf, fs, s); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"### incidentctl lint: 25 errors, 25 warnings in 3 documents\n",
		"**+30 more** than the annotations show",
		"| error | [incidents/2026/11/261123-k7xqm-checkout-api-returns-500s.md:49](https://github.com/o/r/blob/abc/incidents/2026/11/261123-k7xqm-checkout-api-returns-500s.md#L49) | [`log-entry`](https://github.com/incidentctl/incidentctl/blob/main/README.md#rule-log-entry) | error 24 \\| with a pipe &lt;b&gt; |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if rows := linesWith(out, "| error |") + linesWith(out, "| warning |"); rows != 50 {
		t.Errorf("%d rows, want every finding (50)", rows)
	}

	buf.Reset()
	if err := WriteStepSummary(&buf, nil, StepSummary{Documents: 2}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "### incidentctl lint: no findings in 2 documents\n\n" {
		t.Errorf("clean summary: %q", buf.String())
	}

	// Past GitHub's 1 MiB a summary is refused: the table stops and says how many are left.
	buf.Reset()
	big := manyFindings(6000)
	if err := WriteStepSummary(&buf, big, StepSummary{Documents: 1}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 1<<20 || !strings.Contains(buf.String(), "more** not listed: a step summary holds at most 1 MiB") {
		t.Errorf("summary of %d findings: %d bytes, tail %q", len(big), buf.Len(), buf.String()[max(0, buf.Len()-300):])
	}
}

func TestDocsRefFor(t *testing.T) {
	for v, want := range map[string]string{"1.2.3": "v1.2.3", "v0.4.0": "v0.4.0", "devel": "main", "1.2.4-SNAPSHOT-abc": "main", "v1.2": "main", "": "main"} {
		if got := DocsRefFor(v); got != want {
			t.Errorf("DocsRefFor(%q) = %q, want %q", v, got, want)
		}
	}
}
