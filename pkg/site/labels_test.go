package site

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Every label the code asks for is in the catalogue (a missing one would show its key).
func TestLabelsExist(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`\.(?:t|f|fh)\("([a-z0-9.]*[a-z0-9])"`) // "s." + status is built
	for _, f := range files {
		if f == "labels.go" { // its comments show the calls
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			if _, ok := english.labels[string(m[1])]; !ok {
				t.Errorf("%s: label %q is not in the English catalogue", f, m[1])
			}
		}
	}
	// Keys built from a prefix: every status and every kind of event.
	for _, k := range []string{"s.investigating", "s.identified", "s.mitigated", "s.resolved", "ev." + eventDeclared, "ev." + eventSeverity,
		"ev." + eventStatus, "ev." + eventAnnouncement, "ev." + eventHandoff, "ev." + eventCommander, "ev." + eventResolved, "ev." + eventPostmortem} {
		if _, ok := english.labels[k]; !ok {
			t.Errorf("label %q is not in the English catalogue", k)
		}
	}
}
