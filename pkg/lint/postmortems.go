package lint

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync/atomic"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/quickread"
)

// Postmortems (postmortems/YYYY/MM/<id>-<slug>.md) are linted beside the incident documents: the
// document format, the follow-ups (an owner and a due date each, none left open past its due
// date) and the secrets rule. They go through their own pass, so incident rules (and the IDs
// their names start with) never apply to them.

// quickPostmortems turns on lintPostmortem's quick path (the tests turn it off to compare);
// quickPostmortemsTaken counts the postmortems it took.
var (
	quickPostmortems      = true
	quickPostmortemsTaken atomic.Int64
)

// isPostmortemPath says whether a repository path belongs to the postmortems folder.
func (c *checker) isPostmortemPath(rel string) bool {
	return c.postmortems != "" && strings.HasPrefix(rel, c.postmortems+"/")
}

// lintPostmortem reads one file of the postmortems folder and lints it; the result is skipped
// for a file that is not a postmortem (a README, notes without front matter).
//
// Its findings depend on the file's content and path, the settings the result cache's header
// describes, and the clock (an open follow-up falls overdue at its due date): a reading is
// kept in the result cache as a document's is (cache.go), valid until the due date of the
// first open follow-up that is not overdue yet, so a lint with a warm cache reads no
// postmortem that has not changed.
//
// Without a cached reading to compare with (every postmortem, the first time after a clone),
// the file is read in one go as an incident document is (pkg/quickread, into the worker's
// buffer: nothing the checks keep refers to it); what the quick read does not handle goes the
// ordinary way, which says what is wrong.
func (c *checker) lintPostmortem(cd candidate, r *quickread.Reader) *lintedDoc {
	ld := &lintedDoc{rel: cd.rel, explicit: cd.explicit}
	f := &finder{path: cd.rel}
	if r != nil && (c.cache == nil || c.cache.old[cd.rel] == nil) {
		if src, st, ok := r.Read(cd.abs); ok {
			ld.skipped = c.checkPostmortem(cd, src, f)
			ld.findings = f.out
			if c.cache != nil {
				ld.entry = c.cache.entryFor(c, ld, statKey{size: st.Size, mtime: st.Mtime, ctime: st.Ctime, ino: st.Ino}, f)
			}
			return ld
		}
	}
	fi, err := os.Lstat(cd.abs)
	if err != nil || !fi.Mode().IsRegular() {
		if incident.IDFromFileName(cd.rel) == "" {
			ld.skipped = true
			return ld
		}
		f.add(1, 1, RuleUnreadable, "not a regular file (a symbolic link or a device): a postmortem is a plain Markdown file; replace it with the document itself")
		ld.findings = f.out
		return ld
	}
	key := keyOf(fi)
	if c.cache != nil {
		if e := c.cache.lookup(c, cd.rel, key); e != nil {
			e.use(ld)
			return ld
		}
	}
	skipped, keep := c.readPostmortem(cd, fi, f)
	ld.skipped, ld.findings = skipped, f.out
	if keep && c.cache != nil {
		ld.entry = c.cache.entryFor(c, ld, key, f)
	}
	return ld
}

// readPostmortem reads the postmortem fi describes and lints it into f; keep is false when
// what it found is not about the content (the file could not be read).
func (c *checker) readPostmortem(cd candidate, fi os.FileInfo, f *finder) (skipped, keep bool) {
	if fi.Size() > postmortem.MaxSize {
		f.add(1, 1, RuleUnreadable, fmt.Sprintf("the file is %d bytes, more than the %d (4 MiB) a postmortem may have", fi.Size(), postmortem.MaxSize))
		return false, false
	}
	file, err := os.Open(cd.abs)
	if err != nil {
		f.add(1, 1, RuleUnreadable, fmt.Sprintf("cannot read the file: %v", err))
		return false, false
	}
	defer file.Close()
	src := make([]byte, 0, fi.Size()+1) // +1: ReadAll's last read finds the end without growing
	src, err = readAllInto(file, src)
	if err != nil {
		f.add(1, 1, RuleUnreadable, fmt.Sprintf("cannot read the file: %v", err))
		return false, false
	}
	return c.checkPostmortem(cd, src, f), true
}

// checkPostmortem lints the content of a file of the postmortems folder into f; skipped is
// true when it is not a postmortem. Nothing it leaves in f refers to src.
func (c *checker) checkPostmortem(cd candidate, src []byte, f *finder) (skipped bool) {
	if !strings.HasPrefix(string(src), "---") && incident.IDFromFileName(cd.rel) == "" {
		return true
	}
	// Most postmortems are plain and have nothing to report: read them without yaml.v3
	// (postmortem.QuickClean says Parse would find no problem), and parse only those where a
	// check finds something, for the positions Parse gives.
	if m, ok := postmortem.QuickClean(src); ok && quickPostmortems {
		quiet := &finder{path: cd.rel}
		d := &postmortem.Document{Path: cd.rel, Meta: m}
		c.checkPostmortemName(quiet, d)
		c.checkFollowups(quiet, d)
		if len(quiet.out) == 0 {
			quickPostmortemsTaken.Add(1)
			f.until = quiet.until
			c.scanSecrets(f, src, nil)
			return false
		}
	}
	d, err := postmortem.Parse(cd.rel, src)
	c.scanSecrets(f, src, nil)
	if err != nil {
		var pe *postmortem.ParseError
		if errors.As(err, &pe) {
			f.add(pe.Line, pe.Col, RulePostmortemFormat, pe.Msg)
		} else {
			f.add(1, 1, RulePostmortemFormat, err.Error())
		}
		return false
	}
	for _, p := range d.Problems {
		f.add(p.Line, p.Col, RulePostmortemFormat, p.Message)
	}
	c.checkPostmortemName(f, d)
	c.checkFollowups(f, d)
	return false
}

// checkPostmortemName: the file is <id>-<slug>.md in the month folder of the incident's ID, so
// commands find it from the incident.
func (c *checker) checkPostmortemName(f *finder, d *postmortem.Document) {
	id := strings.ToLower(d.Meta.Incident)
	if !incident.ValidID(id) {
		f.add(2, 1, RulePostmortemFormat, i18n.Text("lint.pm.incident", "ID", d.Meta.Incident))
		return
	}
	name := path.Base(d.Path)
	if incident.IDFromFileName(name) != id {
		f.add(2, 1, RulePostmortemFormat, i18n.Text("lint.pm.file", "Name", name, "ID", id))
		return
	}
	if want := c.postmortems + "/20" + id[:2] + "/" + id[2:4]; path.Dir(d.Path) != want {
		f.add(2, 1, RulePostmortemFormat, i18n.Text("lint.pm.folder", "Name", name, "Date", "20"+id[:2]+"-"+id[2:4]+"-"+id[4:6], "Folder", want+"/"))
	}
}

// checkFollowups: every follow-up has an owner and a due date ("without them they are wishes"),
// and none is open past its due date.
func (c *checker) checkFollowups(f *finder, d *postmortem.Document) {
	for _, fu := range d.Meta.Followups {
		name := fu.ID
		if name == "" {
			name = "follow-up"
		}
		if strings.TrimSpace(fu.Owner) == "" {
			l, col := fu.KeyPos(postmortem.FKeyOwner)
			f.add(l, col, RuleFollowupIncomplete, i18n.Text("lint.followup.no_owner", "Name", name))
		}
		if strings.TrimSpace(fu.Due) == "" {
			l, col := fu.KeyPos(postmortem.FKeyDue)
			f.add(l, col, RuleFollowupIncomplete, i18n.Text("lint.followup.no_due", "Name", name))
		}
		if fu.Overdue(c.now) {
			l, col := fu.KeyPos(postmortem.FKeyDue)
			f.add(l, col, RuleFollowupOverdue, i18n.Text("lint.followup.overdue", "Name", name, "Due", fu.Due))
		} else if by, ok := fu.DueBy(c.now.Location()); ok && !fu.Done {
			// Not overdue yet: the findings hold until it is (the result cache's until).
			if u := by.UnixNano(); f.until == 0 || u < f.until {
				f.until = u
			}
		}
	}
}

// readAllInto is io.ReadAll into buf (which holds the file's size): one read, and one more that
// finds the end.
func readAllInto(r io.Reader, buf []byte) ([]byte, error) {
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew: room for more
		}
	}
}
