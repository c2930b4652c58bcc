//go:build !linux && !darwin

package gitstate

import (
	"io/fs"
	"os"
)

// lstat on systems without a known Stat_t layout: mtime, size and type
// only, so more files are hashed, never fewer.
func lstat(path string) (fileStat, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return fileStat{}, err
	}
	m := uint32(fi.Mode().Perm())
	switch {
	case fi.Mode().IsRegular():
		m |= sIFREG
	case fi.IsDir():
		m |= sIFDIR
	case fi.Mode()&fs.ModeSymlink != 0:
		m |= sIFLNK
	}
	t := fi.ModTime()
	return fileStat{mode: m, size: fi.Size(), mtimeSec: t.Unix(), mtimeNsec: int64(t.Nanosecond()), noCtime: true}, nil
}

// inodeAndCtime is not known here.
func inodeAndCtime(fs.FileInfo) (uint64, int64) { return 0, 0 }
