package gitstate

import (
	"encoding/binary"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// Types of getdents64's d_type.
const (
	dtUnknown = 0
	dtDir     = 4
)

// direntBufs are getdents64 buffers, reused across folders.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// eachName calls fn with every name in the open folder f, reading
// getdents64 records straight from a buffer: fn's name is only valid
// during the call (copy it to keep it). dir is true for a folder; when
// the file system does not say, the name is lstat'ed.
func eachName(f *os.File, fn func(name string, dir bool) error) error {
	fd := int(f.Fd())
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	buf := *bp
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n <= 0 {
			return nil
		}
		for off := 0; off+19 <= n; {
			reclen := int(binary.NativeEndian.Uint16(buf[off+16:]))
			if reclen < 19 || off+reclen > n {
				return syscall.EIO
			}
			typ := buf[off+18]
			raw := buf[off+19 : off+reclen]
			l := 0
			for l < len(raw) && raw[l] != 0 {
				l++
			}
			off += reclen
			if l == 0 || l == 1 && raw[0] == '.' || l == 2 && raw[0] == '.' && raw[1] == '.' {
				continue
			}
			name := unsafe.String(&raw[0], l)
			dir := typ == dtDir
			if typ == dtUnknown {
				st, err := statAt(fd, f.Name(), string(raw[:l]), false)
				dir = err == nil && st.mode&sIFMT == sIFDIR
			}
			if err := fn(name, dir); err != nil {
				return err
			}
		}
	}
}
