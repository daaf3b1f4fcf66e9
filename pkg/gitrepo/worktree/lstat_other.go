//go:build !linux && !darwin

package worktree

import (
	"os"
	"path/filepath"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
)

// LstatAt reads the stat data of name in the folder dirFull.
func LstatAt(_ *os.File, dirFull, name string) (index.Stat, Kind, error) {
	fi, err := os.Lstat(filepath.Join(dirFull, name))
	if err != nil {
		return index.Stat{}, KindOther, err
	}
	return index.StatOf(fi), KindOf(fi.Mode()), nil
}
