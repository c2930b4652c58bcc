//go:build !linux

package gitstate

import "path/filepath"

// statAt is lstat of name in the folder dirPath.
func statAt(_ int, dirPath, name string, _ bool) (fileStat, error) {
	return lstat(filepath.Join(dirPath, name))
}
