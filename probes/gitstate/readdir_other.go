//go:build !linux

package gitstate

import "os"

// eachName calls fn with every name in the open folder f.
func eachName(f *os.File, fn func(name string, dir bool) error) error {
	ents, err := f.ReadDir(-1)
	if err != nil {
		return err
	}
	for _, de := range ents {
		if err := fn(de.Name(), de.IsDir()); err != nil {
			return err
		}
	}
	return nil
}
