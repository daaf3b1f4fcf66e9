package incident_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// TestFastFrontMatterOnSynth: on thousands of generated documents (every intermediate
// version of each incident too), the fast front-matter decoder takes every front matter and
// parses to exactly the Document yaml.v3 gives, and ParseMeta reads every body by its
// headings alone (metaBodyOK).
func TestFastFrontMatterOnSynth(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	g, err := synth.NewGenerator(synth.Options{Incidents: n, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	docs := 0
	for i := range g.Len() {
		for _, k := range []int{1, 2, -1} {
			p, src := g.Document(i, k)
			sameBothWays(t, p, src, true)
			if !incident.MetaBodyTaken(src) {
				t.Fatalf("%s: ParseMeta reads the body of a generated document in full:\n%s", p, src)
			}
			docs++
		}
	}
	t.Logf("%d documents", docs)
}

// TestFastFrontMatterAfterEdits: the values the commands write (through yaml.v3's encoder)
// decode alike both ways, whichever way the fast decoder decides.
func TestFastFrontMatterAfterEdits(t *testing.T) {
	g, err := synth.NewGenerator(synth.Options{Incidents: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	p, src := g.Document(0, -1)
	d, err := incident.Parse(p, src)
	if err != nil {
		t.Fatal(err)
	}
	values := []string{"", " ", "plain words", "yes", "no", "on", "null", "~", "true", "1", "1.5", "0x10", "-1",
		"2026-11-23", "2026-11-23T10:02:00Z", "a: b", "a #b", "#x", "- x", "x:", "'q'", "\"dq\"", "it's", "tab\there",
		"line\nbreak", "trailing ", " leading", "café", "日本語", "{}", "[]", "&a", "*a", "!t", "|", ">", "%", "@", "`x`",
		"C#", "50%", "a,b", "[x]", "x\\y", "\u00a0nbsp", "emoji 🚒", "---", "...", "? x", ": x"}
	for _, v := range values {
		for _, key := range []string{incident.KeyTitle, incident.KeyImpact, "custom"} {
			nd, err := d.SetString(key, v)
			if err != nil {
				t.Fatalf("SetString(%s, %q): %v", key, v, err)
			}
			sameBothWays(t, nd.Path, nd.Src, false)
		}
		nd, err := d.SetRoles(incident.Roles{{Name: "comms", Holder: v}, {Name: "scribe", Holder: "carol"}})
		if err == nil {
			sameBothWays(t, nd.Path, nd.Src, false)
		}
	}
	at := time.Date(2026, 11, 23, 10, 2, 0, 0, time.FixedZone("", -3*3600-1800))
	for _, edit := range []func() (*incident.Document, error){
		func() (*incident.Document, error) { return d.SetRoles(nil) },
		func() (*incident.Document, error) { return d.SetTime(incident.KeyResolvedAt, nil) },
		func() (*incident.Document, error) { return d.SetTime(incident.KeyIdentifiedAt, &at) },
		func() (*incident.Document, error) { return d.DeleteKey(incident.KeyRoles) },
	} {
		nd, err := edit()
		if err != nil {
			t.Fatal(err)
		}
		sameBothWays(t, nd.Path, nd.Src, true)
	}
}

func sameBothWays(t *testing.T, p string, src []byte, mustAccept bool) {
	t.Helper()
	fast, slow, fastErr, slowErr, accepted := incident.ParseBothWays(p, src)
	if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) || !reflect.DeepEqual(fastErr, slowErr) {
		t.Fatalf("%s: errors differ: fast %v, yaml.v3 %v\n%s", p, fastErr, slowErr, src)
	}
	if diff := incident.SameParse(fast, slow); diff != "" {
		t.Fatalf("%s: %s\n%s", p, diff, src)
	}
	if mustAccept && !accepted {
		t.Fatalf("%s: the fast decoder declined a front matter incidentctl writes:\n%s", p, src)
	}
}
