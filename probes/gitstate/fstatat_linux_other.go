//go:build linux && !amd64 && !arm64

package gitstate

import "golang.org/x/sys/unix"

// fstatat is unix.Fstatat.
func fstatat(fd int, name string, _ bool, st *unix.Stat_t) error {
	return unix.Fstatat(fd, name, st, unix.AT_SYMLINK_NOFOLLOW)
}
