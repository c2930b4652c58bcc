//go:build !linux

package probes

// enableSubreaper does nothing where there is no child subreaper: a
// helper's process group is still killed whole (killGroup).
func enableSubreaper() {}

// sweep does nothing where gonogo cannot be a subreaper.
func sweep(token string, sid int) {}
