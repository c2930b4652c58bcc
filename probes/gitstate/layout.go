package gitstate

import (
	"slices"
	"strings"
)

// dirInfo is one folder of the index: the entries directly in it and the
// sub-folders holding entries.
type dirInfo struct {
	files   []int32  // positions in indexFile.entries, in name order
	subdirs []string // base names, sorted
}

// layout groups the index's entries by folder, once per loaded index (it
// is immutable once built).
func (x *indexFile) layout() map[string]*dirInfo {
	x.layoutOnce.Do(func() {
		m := map[string]*dirInfo{"": {}}
		var get func(dir string) *dirInfo
		get = func(dir string) *dirInfo {
			if d, ok := m[dir]; ok {
				return d
			}
			d := &dirInfo{}
			m[dir] = d
			parent := get(pathDir(dir))
			parent.subdirs = append(parent.subdirs, dir[strings.LastIndexByte(dir, '/')+1:])
			return d
		}
		last, lastDir := "", m[""]
		for i := range x.entries {
			dir := pathDir(x.entries[i].name)
			if dir != last {
				last, lastDir = dir, get(dir)
			}
			lastDir.files = append(lastDir.files, int32(i))
		}
		for _, d := range m {
			slices.Sort(d.subdirs)
		}
		x.dirs = m
	})
	return x.dirs
}
