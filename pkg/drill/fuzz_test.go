package drill

import (
	"strings"
	"testing"
)

// FuzzParse: the scenario parser never panics; it either returns a scenario whose lists keep
// the rules it promises (offsets in order, named unique variants, numbered plans) or errors that
// each name a line of the file; and Check agrees with Parse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodScenario))
	f.Add([]byte("---\ntitle: x\nseverity: SEV1\ndifficulty: easy\n---\n## Variants\n### a\nb\n## Injects\n- +1m x\n## Expected actions\n- by +1m: y <!-- action -->\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\ntitle: [a\n---\n"))
	f.Add([]byte("## Injects\n- +5m\n"))
	f.Add([]byte("---\noriginal:\n  mitigated: +1m\n  identified: +2m\n---\n```\n## Variants\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("drills/f.md", src)
		_, problems := Check("drills/f.md", src)
		lines := strings.Count(string(src), "\n") + 1
		errs := 0
		for _, p := range problems {
			if p.Line < 1 || p.Line > lines+1 {
				t.Fatalf("problem at line %d of a %d-line file: %+v", p.Line, lines, p)
			}
			if p.Message == "" || p.Rule == "" {
				t.Fatalf("problem without a message or rule: %+v", p)
			}
			if !p.Warning {
				errs++
			}
		}
		if (err != nil) != (errs > 0) {
			t.Fatalf("Parse error %v, but Check found %d errors", err, errs)
		}
		if err != nil {
			if pe, ok := err.(*ParseError); !ok || len(pe.Problems) != errs {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if s.Title == "" || s.Severity == "" || len(s.Variants) == 0 || len(s.Injects) == 0 || len(s.Expected) == 0 {
			t.Fatalf("a scenario without what it needs parsed: %+v", s)
		}
		seen := map[string]bool{}
		for _, v := range s.Variants {
			if !variantNameRE.MatchString(v.Name) || seen[v.Name] || v.Text == "" {
				t.Fatalf("variant %+v", v)
			}
			seen[v.Name] = true
			plan := s.Plan(v.Name)
			for i, p := range plan {
				if p.Number != i+1 || i > 0 && p.Offset < plan[i-1].Offset {
					t.Fatalf("plan %+v", plan)
				}
			}
		}
		for i := 1; i < len(s.Expected); i++ {
			if s.Expected[i].Offset < s.Expected[i-1].Offset || s.Expected[i].Text == "" {
				t.Fatalf("expected %+v", s.Expected)
			}
		}
		for _, in := range s.Injects {
			if in.Text == "" || strings.Contains(in.Text, "\n") {
				t.Fatalf("inject %+v", in)
			}
		}
	})
}
