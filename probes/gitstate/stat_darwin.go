package gitstate

import (
	"io/fs"
	"syscall"
)

// lstat is lstat(2) without the os.FileInfo allocation, with the fields
// git records in the index.
func lstat(path string) (fileStat, error) {
	var st syscall.Stat_t
	for {
		err := syscall.Lstat(path, &st)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fileStat{}, err
		}
		break
	}
	return fileStat{
		mode: uint32(st.Mode), size: st.Size,
		mtimeSec: st.Mtimespec.Sec, mtimeNsec: st.Mtimespec.Nsec,
		ctimeSec: st.Ctimespec.Sec, ctimeNsec: st.Ctimespec.Nsec,
		ino: st.Ino, uid: st.Uid, gid: st.Gid,
	}, nil
}

// inodeAndCtime reads the inode and change time (ns) of a FileInfo.
func inodeAndCtime(fi fs.FileInfo) (uint64, int64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino, st.Ctimespec.Sec*1e9 + st.Ctimespec.Nsec
	}
	return 0, 0
}
