package gitstate

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// lstat is lstat(2) without the os.FileInfo allocation, with the fields
// git records in the index.
func lstat(path string) (fileStat, error) {
	var st unix.Stat_t
	for {
		err := unix.Lstat(path, &st)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fileStat{}, err
		}
		return fileStatOf(&st), nil
	}
}

// fileStatOf is the part of a stat git records in the index.
func fileStatOf(st *unix.Stat_t) fileStat {
	return fileStat{
		mode: st.Mode, size: st.Size,
		mtimeSec: int64(st.Mtim.Sec), mtimeNsec: int64(st.Mtim.Nsec),
		ctimeSec: int64(st.Ctim.Sec), ctimeNsec: int64(st.Ctim.Nsec),
		ino: uint64(st.Ino), uid: st.Uid, gid: st.Gid,
	}
}

// inodeAndCtime reads the inode and change time (ns) of a FileInfo.
func inodeAndCtime(fi fs.FileInfo) (uint64, int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino), int64(st.Ctim.Sec)*1e9 + int64(st.Ctim.Nsec)
	}
	return 0, 0
}
