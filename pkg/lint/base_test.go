package lint

import (
	"os"

	"slices"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

func mustParse(t *testing.T, src string) *incident.Document {
	t.Helper()
	d, err := incident.Parse(validPath, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

const (
	entry1 = "- 2026-11-23T10:02:00+09:00 [alice] Declared SEV2: Checkout API returns 500s\n"
	entry2 = "- 2026-11-23T10:10:00+09:00 [bob] error rate 12% on checkout-api\n"
)

func TestCompareDocuments(t *testing.T) {
	base := validDoc + "- 2026-11-23T10:20:00+09:00 [bob] rolled back deploy 1234\n" // log lines 34-36
	res := resolved(validDoc)                                                        // resolved at 10:40
	tests := []struct {
		name      string
		base, cur string
		want      []string
	}{
		{"unchanged", base, base, nil},
		{"appended", base, base + "- 2026-11-23T10:30:00+09:00 [bob] error rate normal\n", nil},
		{"backfilled in the middle", base, replace(base, entry2, "- 2026-11-23T10:05:00+09:00 [carol] alert fired\n"+entry2), nil},
		{"text edited", base, replace(base, "rolled back deploy 1234", "rolled back deploy 1235"), []string{"log-rewritten@36:1"}},
		{"time edited", base, replace(base, "10:20:00+09:00 [bob] rolled", "10:21:00+09:00 [bob] rolled"), []string{"log-rewritten@36:1"}},
		{"removed", base, replace(base, entry2, ""), []string{"log-rewritten@35:1"}},
		{"last removed", base, strings.TrimSuffix(base, "- 2026-11-23T10:20:00+09:00 [bob] rolled back deploy 1234\n"), []string{"log-rewritten@35:1"}},
		{"reordered", base, replace(base, entry1+entry2, entry2+entry1), []string{"log-order@35:1", "log-rewritten@35:1"}},
		{"made unparseable", base, replace(base, "- 2026-11-23T10:20:00+09:00 [bob]", "- at 10:20 [bob]"), []string{"log-rewritten@35:1", "log-entry@36:1"}},
		{"credential taken out", base + "- 2026-11-23T10:25:00+09:00 [bob] token: " + fake("", 32, hexDigits) + "\n",
			base + "- 2026-11-23T10:25:00+09:00 [bob] token: [REDACTED]\n", nil},

		{"resolved: unchanged", res, res, nil},
		{"resolved: resolved_at changed", res, replace(res, "resolved_at: 2026-11-23T10:40:00+09:00", "resolved_at: 2026-11-23T10:45:00+09:00"), []string{"resolution-changed@13:14"}},
		{"resolved: resolution changed", res, replace(res, "resolution: rolled back deploy 1234", "resolution: config fixed"), []string{"resolution-changed@14:13"}},
		{"resolved: declared_at changed", res, replace(res, "declared_at: 2026-11-23T10:02:00+09:00", "declared_at: 2026-11-23T10:01:00+09:00"), []string{"resolution-changed@10:14"}},
		{"resolved: correction logged", res, replace(res, "resolved_at: 2026-11-23T10:40:00+09:00", "resolved_at: 2026-11-23T10:45:00+09:00") +
			"- 2026-11-23T10:50:00+09:00 [alice] correction: resolved_at was 10:45, the pager was late\n", nil},
		{"resolved: reopened", res, replace(res, "status: resolved", "status: investigating", "resolved_at: 2026-11-23T10:40:00+09:00", "resolved_at: null") +
			"- 2026-11-23T10:50:00+09:00 [alice] status resolved → investigating (reopened)\n", nil},
		{"resolved: silently reopened", res, replace(res, "status: resolved", "status: investigating", "resolved_at: 2026-11-23T10:40:00+09:00", "resolved_at: null"),
			[]string{"resolution-changed@13:14"}},
	}
	c := testChecker(t, config.Lint{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cur, fs := c.checkDocument(validPath, []byte(tt.cur))
			if cur == nil {
				t.Fatalf("current version does not parse: %v", fs)
			}
			f := &finder{path: validPath}
			compareDocuments(f, c.secrets, mustParse(t, tt.base), cur, "abc1234")
			var all []Finding
			for _, x := range append(fs, f.out...) {
				if x.Rule != RuleSecret && x.Rule != RuleRequiredActions && x.Rule != RulePostmortem && x.Rule != RuleResolvedFields {
					all = append(all, x)
				}
			}
			if got := brief(all); !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
				for _, x := range all {
					t.Logf("  %d:%d %s: %s", x.Line, x.Col, x.Rule, x.Message)
				}
			}
		})
	}
}

func TestEditedMessageQuotesTheOldEntry(t *testing.T) {
	c := testChecker(t, config.Lint{})
	f := &finder{path: validPath}
	compareDocuments(f, c.secrets, mustParse(t, validDoc), mustParse(t, replace(validDoc, "error rate 12%", "error rate 15%")), "abc1234")
	if len(f.out) != 1 || !strings.Contains(f.out[0].Message, `was "- 2026-11-23T10:10:00+09:00 [bob] error rate 12% on checkout-api"`) {
		t.Fatalf("%+v", f.out)
	}
}

// BenchmarkBaseRepo runs `lint --base` on an existing repository, for profiling at scale:
//
//	INCIDENTCTL_BASE_REPO=<repo> INCIDENTCTL_BASE_REV=<rev> go test -run - -bench BaseRepo -cpuprofile cpu.out ./pkg/lint/
func BenchmarkBaseRepo(b *testing.B) {
	dir, rev := os.Getenv("INCIDENTCTL_BASE_REPO"), os.Getenv("INCIDENTCTL_BASE_REV")
	if dir == "" || rev == "" {
		b.Skip("set INCIDENTCTL_BASE_REPO and INCIDENTCTL_BASE_REV")
	}
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		repo, err := gitrepo.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Run(Options{Root: dir, Config: cfg, Repo: repo, Base: rev}); err != nil {
			b.Fatal(err)
		}
		repo.Close()
	}
}
