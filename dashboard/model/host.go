package model

import (
	"context"
	"os"
	"path/filepath"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// host reads the host facts strip: CPU, load, memory and the free space of
// every filesystem the plan's disk, file and backup probes name. It returns
// nil when the check's deadline has already passed.
func (s *Session) host(ctx context.Context, p *plans.Plan) *HostFacts {
	if ctx.Err() != nil {
		return nil
	}
	h := s.runner.Host(ctx, DiskPaths(p))
	out := &HostFacts{
		CPUModel:     h.CPUModel,
		Cores:        h.Cores,
		CPUPercent:   h.CPUPercent,
		Load1:        h.Load1,
		MemAvailable: h.MemAvailable,
	}
	for _, d := range h.Disks {
		out.Disks = append(out.Disks, Disk{Path: d.Path, Free: d.Free})
	}
	return out
}

// DiskPaths lists the filesystems the plan's host-disk, file and backup
// probes name, each by its mount point, the plan root's first, then in plan
// order. A path that does not exist yet (a backup still to be made) counts
// by its nearest existing parent.
func DiskPaths(p *plans.Plan) []string {
	var (
		out  []string
		seen = map[uint64]bool{}
		walk func(sp *spec.Probe)
	)
	add := func(path string) {
		if path == "" || !filepath.IsAbs(path) {
			return
		}
		dir := existingParent(path)
		dev, ok := deviceOf(dir)
		if !ok || seen[dev] {
			return
		}
		seen[dev] = true
		out = append(out, mountPoint(dir, dev))
	}
	add(p.Root)
	walk = func(sp *spec.Probe) {
		switch pp := sp.Params.(type) {
		case *spec.FileParams:
			add(pp.Path)
		case *spec.BackupParams:
			add(pp.Path)
		case *spec.HostParams:
			if pp.Target == spec.HostDisk {
				path := pp.Path
				if path == "" {
					path = p.Root
				}
				add(path)
			}
		}
		for _, c := range sp.Children {
			walk(c)
		}
	}
	for _, st := range p.Steps {
		for _, sp := range st.Probes {
			walk(sp)
		}
	}
	return out
}

// mountPoint is the topmost folder above path still on filesystem dev.
func mountPoint(path string, dev uint64) string {
	for {
		parent := filepath.Dir(path)
		if parent == path {
			return path
		}
		if d, ok := deviceOf(parent); !ok || d != dev {
			return path
		}
		path = parent
	}
}

// existingParent is path, or its nearest ancestor that exists.
func existingParent(path string) string {
	for {
		if _, err := os.Stat(path); err == nil {
			return path
		}
		parent := filepath.Dir(path)
		if parent == path {
			return path
		}
		path = parent
	}
}
