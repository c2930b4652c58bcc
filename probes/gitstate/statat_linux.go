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
		break
	}
	return fileStat{
		mode: st.Mode, size: st.Size,
		mtimeSec: int64(st.Mtim.Sec), mtimeNsec: int64(st.Mtim.Nsec),
		ctimeSec: int64(st.Ctim.Sec), ctimeNsec: int64(st.Ctim.Nsec),
		ino: uint64(st.Ino), uid: st.Uid, gid: st.Gid,
	}, nil
}
