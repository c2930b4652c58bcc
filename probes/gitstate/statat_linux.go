package gitstate

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// statAt is lstat of name in the open folder fd (fstatat with
// AT_SYMLINK_NOFOLLOW): the kernel resolves one name, not the whole path.
// When nul is set the bytes of name are followed by a NUL in memory (the
// index's names are), and are handed to the kernel as they are.
func statAt(fd int, dirPath, name string, nul bool) (fileStat, error) {
	var st unix.Stat_t
	for {
		err := fstatat(fd, name, nul, &st)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fileStat{}, err
		}
		return fileStatOf(&st), nil
	}
}
