package gitrepo

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rooms is the layer map of pkg/gitrepo (ARCHITECTURE.md): a room may import only rooms of a
// lower layer, so that dependencies inside flow one way; the facade (".") is on top.
var rooms = map[string]int{
	"internal/usererr": 0, "internal/work": 0, "internal/owner": 0, "internal/perm": 0, "fault": 0, "internal/smallfile": 0,
	"lockfile": 1, "odb": 1, "index": 1,
	"refs": 2, "gitconfig": 2, "tree": 2, "worktree": 2,
	"revwalk": 3,
	"remote":  4,
	".":       5,
}

const module = "github.com/incidentctl/incidentctl/"

// TestLayers keeps the rooms of pkg/gitrepo in their layers, keeps them free of anything above
// storage (nothing here knows about incidents), and keeps the rest of incidentctl calling the
// facade only.
func TestLayers(t *testing.T) {
	root, err := filepath.Abs("../..") // the module's root
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			if d != nil && d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		room, inside := strings.CutPrefix(rel, "pkg/gitrepo")
		room = strings.TrimPrefix(room, "/")
		if room == "" {
			room = "."
		}
		for _, imp := range f.Imports {
			target, _ := strconv.Unquote(imp.Path.Value)
			local, ours := strings.CutPrefix(target, module)
			if !ours {
				continue
			}
			sub, toGitrepo := strings.CutPrefix(local, "pkg/gitrepo")
			sub = strings.TrimPrefix(sub, "/")
			switch {
			case !inside && toGitrepo && sub != "" && !strings.HasSuffix(p, "_test.go"):
				t.Errorf("%s imports %s: outside pkg/gitrepo, call the facade pkg/gitrepo", p, target)
			case !inside:
			case !toGitrepo:
				t.Errorf("%s imports %s: pkg/gitrepo is storage and imports nothing above it", p, target)
			case sub == "internal/gittest":
				if !strings.HasSuffix(p, "_test.go") {
					t.Errorf("%s imports %s outside a test", p, target)
				}
			default:
				if sub == "" {
					sub = "."
				}
				from, ok1 := rooms[room]
				to, ok2 := rooms[sub]
				if room == "internal/gittest" {
					continue
				}
				switch {
				case !ok1 || !ok2:
					t.Errorf("%s imports %s: give %q and %q their layers in layers_test.go", p, target, room, sub)
				case to >= from:
					t.Errorf("%s (layer %d) imports %s (layer %d): rooms import only lower layers", p, from, target, to)
				}
			}
		}
		return nil
	})
}
