//go:build unix

package model

import (
	"os"
	"syscall"
)

// statDevice is the ID of the filesystem holding path, and whether path
// exists (a stat that follows symlinks succeeds).
func statDevice(path string) (uint64, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Dev), true //nolint:unconvert // Dev is int32 on some systems
}
