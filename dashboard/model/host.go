package model

import (
	"context"
	"path/filepath"
	"time"

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
	h := s.runner.Host(ctx, s.diskPaths(p))
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

// diskCache is DiskPaths of one plan, and when it was worked out.
type diskCache struct {
	plan  *plans.Plan
	paths []string
	at    time.Time
}

// diskPathsEvery is how long the plan's filesystems are taken as known: a
// plan's paths change only when it is reloaded, and the folder a missing
// backup will land in (or a mount) seldom appears during a window, so the
// board looks again this often rather than on every check.
const diskPathsEvery = time.Minute

// diskPaths is DiskPaths(p), worked out once per plan and again after
// diskPathsEvery.
func (s *Session) diskPaths(p *plans.Plan) []string {
	s.mu.Lock()
	c := s.disks
	s.mu.Unlock()
	if c.plan == p && time.Since(c.at) < diskPathsEvery {
		return c.paths
	}
	c = diskCache{plan: p, paths: DiskPaths(p), at: time.Now()}
	s.mu.Lock()
	s.disks = c
	s.mu.Unlock()
	return c.paths
}

// DiskPaths lists the filesystems the plan's host-disk, file and backup
// probes name, each by its mount point, the plan root's first, then in plan
// order. A path that does not exist yet (a backup still to be made) counts
// by its nearest existing parent.
//
// Each path and folder is looked at once, however many probes name it, and
// the paths under a folder that does not exist are known missing without a
// look: a plan of 10,000 steps names about as many paths, mostly under a
// few folders, and stat calls are not free.
func DiskPaths(p *plans.Plan) []string {
	var (
		out  []string
		seen = map[uint64]bool{}
		f    = diskFinder{near: map[string]nearest{}, mount: map[string]string{}}
		walk func(sp *spec.Probe)
	)
	add := func(path string) {
		if path == "" || !filepath.IsAbs(path) {
			return
		}
		n := f.existing(filepath.Clean(path))
		if !n.ok || seen[n.dev] {
			return
		}
		seen[n.dev] = true
		out = append(out, f.mountPoint(n.dir, n.dev))
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

// diskFinder remembers, for one DiskPaths call, what it learnt about each
// path and folder.
type diskFinder struct {
	near  map[string]nearest // path → its nearest existing self or parent
	mount map[string]string  // folder → the mount point above it
}

// nearest is the nearest existing folder (or file) at or above a path,
// and the filesystem it is on; ok is false when there is none.
type nearest struct {
	dir string
	dev uint64
	ok  bool
}

// existing is path's nearest existing self or parent. A path whose parent
// does not exist does not exist either, so it takes its parent's answer
// without a stat.
func (f *diskFinder) existing(path string) nearest {
	if n, ok := f.near[path]; ok {
		return n
	}
	parent := filepath.Dir(path)
	var n nearest
	switch {
	case parent == path:
		if dev, ok := statDevice(path); ok {
			n = nearest{path, dev, true}
		}
	default:
		pn := f.existing(parent)
		if pn.ok && pn.dir != parent {
			n = pn // under a missing folder
		} else if dev, ok := statDevice(path); ok {
			n = nearest{path, dev, true}
		} else {
			n = pn
		}
	}
	f.near[path] = n
	return n
}

// mountPoint is the topmost folder above dir (an existing path) still on
// filesystem dev.
func (f *diskFinder) mountPoint(dir string, dev uint64) string {
	if m, ok := f.mount[dir]; ok {
		return m
	}
	m := dir
	if parent := filepath.Dir(dir); parent != dir {
		if pn := f.existing(parent); pn.ok && pn.dir == parent && pn.dev == dev {
			m = f.mountPoint(parent, dev)
		}
	}
	f.mount[dir] = m
	return m
}
