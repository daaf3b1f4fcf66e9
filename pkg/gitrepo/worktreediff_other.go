//go:build !linux

package gitrepo

import (
	"os"
	"path/filepath"
)

// lstatAt reads the stat data of name in the folder dirFull.
func lstatAt(_ *os.File, dirFull, name string) (statData, fileKind, error) {
	fi, err := os.Lstat(filepath.Join(dirFull, name))
	if err != nil {
		return statData{}, kindOther, err
	}
	return statOf(fi), kindOf(fi.Mode()), nil
}
