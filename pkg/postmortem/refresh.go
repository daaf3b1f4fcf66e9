package postmortem

import (
	"bytes"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// The parts of a draft made from the record (summary, timeline, durations …) are written
// between a pair of markers, each on a line of its own:
//
//	<!-- incidentctl:record:timeline -->
//
//	| … the generated table … |
//
//	<!-- /incidentctl:record:timeline -->
//
// so that `incidentctl postmortem <id> --refresh` can make them again from the incident's record
// as it is now (entries logged after the draft, a corrected time) without touching a word of the
// prose around them. Text written between a pair of markers is replaced by the refresh; text
// outside them never is. The site and Markdown viewers do not show the markers (HTML comments).

const (
	recordMarkerOpen  = "<!-- incidentctl:record:"
	recordMarkerClose = "<!-- /incidentctl:record:"
	recordMarkerTail  = " -->"
)

// recordStart and recordEnd are the marker lines of the block called name.
func recordStart(name string) string { return recordMarkerOpen + name + recordMarkerTail }
func recordEnd(name string) string   { return recordMarkerClose + name + recordMarkerTail }

// wrapRecord puts a generated block between its markers, blank lines apart so that the
// block's own Markdown (a table, a list) starts and ends as it would without them.
func wrapRecord(name, text string) string {
	return recordStart(name) + "\n\n" + strings.Trim(text, "\n") + "\n\n" + recordEnd(name)
}

// recordBlocks are the blocks the refresh can make again, by marker name, as NewData makes
// them (markers included).
func (b Blocks) recordBlocks() map[string]string {
	return map[string]string{
		"summary":          b.Summary,
		"impact":           b.Impact,
		"timeline":         b.Timeline,
		"durations":        b.Durations,
		"severity-history": b.SeverityHistory,
		"responders":       b.Responders,
		"review":           b.Review,
		"skipped":          b.Skipped,
		"time-boxes":       b.TimeBoxes,
		"escalations":      b.Escalations,
		"flow":             b.Flow,
	}
}

// recordSpan is one marked block found in a body: from its start marker's line to the end of
// its end marker's line.
type recordSpan struct {
	name       string
	start, end int
}

// findRecordBlocks lists the marked blocks of body in order. A start marker without its end
// marker (deleted by hand) is not a block: what follows it is the writer's text.
func findRecordBlocks(body []byte) []recordSpan {
	var out []recordSpan
	for off := 0; off < len(body); {
		i := bytes.Index(body[off:], []byte(recordMarkerOpen))
		if i < 0 {
			break
		}
		at := off + i
		off = at + len(recordMarkerOpen)
		if at > 0 && body[at-1] != '\n' {
			continue
		}
		line, _, _ := bytes.Cut(body[at:], []byte("\n"))
		name, ok := strings.CutSuffix(strings.TrimRight(string(line), " \t\r"), recordMarkerTail)
		if !ok {
			continue
		}
		name = strings.TrimPrefix(name, recordMarkerOpen)
		endAt := LineWith(body, recordEnd(name), at+len(line))
		if endAt < 0 {
			continue
		}
		stop := bytes.IndexByte(body[endAt:], '\n')
		if stop < 0 {
			stop = len(body)
		} else {
			stop += endAt + 1
		}
		out = append(out, recordSpan{name: name, start: at, end: stop})
		off = stop
	}
	return out
}

// RefreshRecord makes every marked block of the body again from fresh (NewData over the
// record as it is now) and returns the document and the names of the blocks whose text
// changed. found is how many marked blocks the body has: none means a draft written before
// the markers existed, or one whose writer removed them, and the document is returned as it is.
func (d *Document) RefreshRecord(fresh *Data) (nd *Document, changed []string, found int, err error) {
	body := d.Src[d.fm.end:]
	spans := findRecordBlocks(body)
	if len(spans) == 0 {
		return d, nil, 0, nil
	}
	blocks := fresh.Block.recordBlocks()
	var b bytes.Buffer
	b.Write(d.Src[:d.fm.end])
	last := 0
	for _, s := range spans {
		b.Write(body[last:s.start])
		last = s.end
		text, known := blocks[s.name]
		old := string(body[s.start:s.end])
		if !known {
			b.WriteString(old) // a block of a newer incidentctl: left as it is
			continue
		}
		text = incident.InlineMarkdown(text) + "\n"
		if text != old {
			changed = append(changed, s.name)
		}
		b.WriteString(text)
	}
	b.Write(body[last:])
	if len(changed) == 0 {
		return d, nil, len(spans), nil
	}
	nd, err = Parse(d.Path, b.Bytes())
	if err != nil {
		return nil, nil, len(spans), err
	}
	return nd, changed, len(spans), nil
}

// Labels are the labels of the language the postmortem was drafted in, as far as its
// generated follow-ups block tells (its hint line is in that language); fallback otherwise.
func (d *Document) Labels(fallback Labels) Labels {
	if d.block.start < 0 {
		return fallback
	}
	return blockLabels(string(d.Src[d.block.start:d.block.end]))
}
