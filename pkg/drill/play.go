package drill

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// A drill runs on two clocks. The scenario's clock is the original incident's: offsets,
// deadlines and the original times are in it. The wall clock is the drill's: at --speed 60 an
// inject at +30m arrives 30 seconds after the declaration. Scores compare in scenario time, so
// a drill at any speed is judged against the same deadlines.

// MaxSpeed is the fastest a drill may run: an hour of scenario in a second.
const MaxSpeed = 3600

// ParseSpeed reads a speed factor ("" is 1: the scenario's own pace).
func ParseSpeed(s string) (float64, error) {
	if strings.TrimSpace(s) == "" {
		return 1, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, i18n.Errorf("drill.speed.not_number", "Value", strconv.Quote(s))
	}
	if f <= 0 || f > MaxSpeed {
		return 0, i18n.Errorf("drill.speed.range", "Value", s, "Max", MaxSpeed)
	}
	return f, nil
}

// FormatSpeed writes a factor the way the front matter keeps it: 60, 2.5.
func FormatSpeed(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Wall is how long a span of scenario time takes on the wall clock at speed.
func Wall(scenario time.Duration, speed float64) time.Duration {
	return time.Duration(math.Round(float64(scenario) / speed))
}

// ScenarioTime is how much scenario time a span of wall-clock time is at speed, to the second.
func ScenarioTime(wall time.Duration, speed float64) time.Duration {
	return time.Duration(math.Round(float64(wall)*speed/float64(time.Second))) * time.Second
}

// SealVariant hides a variant's name in the drill's front matter: the trainee reads the
// document, and a name like "stale-endpoint" gives the cause away. The seal is a hash of the
// declaration time and the name, so each drill seals differently; the facilitator's commands
// (drill score, debrief, run) recover the name from the scenario's variants.
func SealVariant(declared time.Time, name string) string {
	sum := sha256.Sum256([]byte("incidentctl drill variant\x00" + strconv.FormatInt(declared.Unix(), 10) + "\x00" + name))
	return hex.EncodeToString(sum[:6])
}

var sealRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{12}$`) })

// ValidSeal reports whether s has the shape of a sealed variant.
func ValidSeal(s string) bool { return sealRE().MatchString(s) }

// Unseal finds the variant a drill declared at declared was sealed with.
func (s *Scenario) Unseal(declared time.Time, sealed string) (Variant, bool) {
	for _, v := range s.Variants {
		if SealVariant(declared, v.Name) == sealed {
			return v, true
		}
	}
	return Variant{}, false
}

// Planned is an inject as one drill delivers it: numbered in delivery order.
type Planned struct {
	Number int
	Inject
	Variant string // the variant it belongs to, "" for every variant's injects
}

// Plan is the injects a drill of this variant delivers: the scenario's and the variant's own,
// merged by offset (the scenario's first at equal offsets), numbered from 1.
func (s *Scenario) Plan(variant string) []Planned {
	var out []Planned
	for _, in := range s.Injects {
		out = append(out, Planned{Inject: in})
	}
	if v, ok := s.Variant(variant); ok {
		for _, in := range v.Injects {
			out = append(out, Planned{Inject: in, Variant: v.Name})
		}
	}
	slices.SortStableFunc(out, func(a, b Planned) int {
		if a.Offset != b.Offset {
			if a.Offset < b.Offset {
				return -1
			}
			return 1
		}
		return 0
	})
	for i := range out {
		out[i].Number = i + 1
	}
	return out
}

// The log texts a drill writes and reads back (like pkg/board's, they are data, not labels).
const (
	injectPrefix      = "inject "
	DebriefNotePrefix = "debrief note: "
)

// InjectEntry is the log text of a delivered inject: "inject 3 (+5m) from PagerDuty: text".
// The number tells later runs it was delivered; the offset and sender are for the reader.
func InjectEntry(p Planned) string {
	from := ""
	if p.From != "" {
		from = " from " + p.From
	}
	return fmt.Sprintf("%s%d (%s)%s: %s", injectPrefix, p.Number, FormatOffset(p.Offset), from, p.Text)
}

var injectEntryRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^inject (\d+) \(([+-][0-9a-zµ.]+)\)(?: from [^:]*)?: `)
})

// ReadInject reads back the number of a delivered inject.
func ReadInject(text string) (int, bool) {
	m := injectEntryRE().FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// DebriefNote reads back a note `drill debrief --note` logged.
func DebriefNote(text string) (string, bool) {
	note, ok := strings.CutPrefix(text, DebriefNotePrefix)
	return strings.TrimSpace(note), ok
}

// Play is a drill incident with its scenario: what is delivered when.
type Play struct {
	Doc       *incident.Document
	Scenario  *Scenario
	Variant   Variant // zero when the seal matches no variant of the scenario
	Sealed    bool    // the variant was found
	Speed     float64
	Start     time.Time // the declaration
	Plan      []Planned
	Delivered map[int]time.Time // inject number -> when it was logged
}

// NewPlay reads a drill's state. The document must be a drill of this scenario.
func NewPlay(d *incident.Document, s *Scenario) (*Play, error) {
	m := d.Meta
	if !m.IsDrill() {
		return nil, i18n.Errorf("drill.ws.not_drill", "ID", m.ID)
	}
	speed, err := ParseSpeed(m.Speed)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", d.Path, err)
	}
	p := &Play{Doc: d, Scenario: s, Speed: speed, Start: m.DeclaredAt, Delivered: map[int]time.Time{}}
	p.Variant, p.Sealed = s.Unseal(m.DeclaredAt, m.Variant)
	p.Plan = s.Plan(p.Variant.Name)
	for _, e := range d.Log {
		if n, ok := ReadInject(e.Text); ok {
			if _, seen := p.Delivered[n]; !seen {
				p.Delivered[n] = e.At
			}
		}
	}
	return p, nil
}

// DueAt is when an inject is due on the wall clock.
func (p *Play) DueAt(pl Planned) time.Time { return p.Start.Add(Wall(pl.Offset, p.Speed)) }

// Due lists the injects not yet delivered whose time has come, in delivery order.
func (p *Play) Due(now time.Time) []Planned {
	var out []Planned
	for _, pl := range p.Plan {
		if _, done := p.Delivered[pl.Number]; !done && !p.DueAt(pl).After(now) {
			out = append(out, pl)
		}
	}
	return out
}

// Remaining lists the injects not yet delivered.
func (p *Play) Remaining() []Planned {
	var out []Planned
	for _, pl := range p.Plan {
		if _, done := p.Delivered[pl.Number]; !done {
			out = append(out, pl)
		}
	}
	return out
}

// Elapsed is the scenario time at a wall-clock time.
func (p *Play) Elapsed(at time.Time) time.Duration { return ScenarioTime(at.Sub(p.Start), p.Speed) }

// IsTraineeEntry tells the trainee's log entries (and the commands they ran) from what the
// drill wrote: the declaration, the injects and the debrief notes.
func IsTraineeEntry(d *incident.Document, i int) bool {
	t := d.Log[i].Text
	if _, ok := ReadInject(t); ok {
		return false
	}
	if _, ok := DebriefNote(t); ok {
		return false
	}
	_, declared := board.Declared(t)
	return !(declared && d.Log[i].At.Equal(d.Meta.DeclaredAt))
}
