package dashboard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// rearmEvery is how often the watch makes sure it still watches the plan
// files' folders, in case the events that say one was removed or
// re-created were lost (an overflow, a folder swapped by rename).
const rearmEvery = 2 * time.Second

// watchFiles calls onChange once the given files have been quiet for
// quiet after a change. It watches their folders, not the files, because
// editors save by writing a new file and renaming it over the old one,
// which a watch on the file itself would lose.
//
// A folder can go too — removed and made again by a deploy, a checkout or
// an rsync --delete — and a watch does not survive its folder. So while a
// folder is missing its nearest existing ancestor is watched instead, and
// whenever a folder appears, is replaced or disappears the watch is moved
// (re-armed) and onChange called: the plan may have changed with it. It
// returns when ctx ends.
func watchFiles(ctx context.Context, files []string, quiet time.Duration, onChange func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching the plan files: %w", err)
	}
	defer w.Close()
	want := map[string]bool{}
	var dirs []string
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return fmt.Errorf("watching %s: %w", f, err)
		}
		want[abs] = true
		if d := filepath.Dir(abs); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	a := &armer{w: w, dirs: dirs, watched: map[string]uint64{}, present: map[string]uint64{}}
	if _, err := a.rearm(true); err != nil {
		return err
	}
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	changed := func() {
		if timer == nil {
			timer = time.AfterFunc(quiet, func() {
				select {
				case fire <- struct{}{}:
				default:
				}
			})
		} else {
			timer.Reset(quiet)
		}
	}
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	tick := time.NewTicker(rearmEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			name := filepath.Clean(ev.Name)
			if a.onPath(name) && ev.Op != fsnotify.Chmod {
				if moved, _ := a.rearm(false); moved {
					changed()
				}
			}
			if !want[name] || ev.Op == fsnotify.Chmod {
				continue
			}
			changed()
		case <-tick.C:
			if moved, _ := a.rearm(false); moved {
				changed()
			}
		case <-fire:
			onChange()
		case _, ok := <-w.Errors:
			if !ok {
				return nil
			}
		}
	}
}

// armer keeps a watch on each folder of the plan files, or on its nearest
// existing ancestor while the folder is missing.
type armer struct {
	w    *fsnotify.Watcher
	dirs []string
	// watched maps each path under watch to the inode it was armed on.
	watched map[string]uint64
	// present maps each folder of dirs that exists to its inode.
	present map[string]uint64
}

// onPath reports whether an event for name can concern a plan folder: it
// is one of the folders, or a folder on the way to one.
func (a *armer) onPath(name string) bool {
	for _, d := range a.dirs {
		if d == name || strings.HasPrefix(d, strings.TrimSuffix(name, "/")+"/") {
			return true
		}
	}
	return false
}

// rearm puts the watches where they belong now and reports whether a plan
// folder appeared, was replaced or went away since the last call. The
// first call (first) fails when nothing can be watched at all.
func (a *armer) rearm(first bool) (bool, error) {
	moved := false
	need := map[string]uint64{}
	for _, d := range a.dirs {
		ino, ok := inode(d)
		if old, was := a.present[d]; ok != was || (ok && old != ino) {
			moved = true
		}
		if ok {
			a.present[d] = ino
			need[d] = ino
			continue
		}
		delete(a.present, d)
		if first {
			return false, fmt.Errorf("watching folder %s for plan edits: %w", d, syscall.ENOENT)
		}
		// Missing: watch the nearest ancestor that exists, to see it
		// come back.
		for p := filepath.Dir(d); ; p = filepath.Dir(p) {
			if ino, ok := inode(p); ok {
				need[p] = ino
				break
			}
			if p == filepath.Dir(p) {
				break
			}
		}
	}
	for p, ino := range a.watched {
		if n, ok := need[p]; !ok || n != ino {
			_ = a.w.Remove(p) // gone with its folder, or on the old inode
			delete(a.watched, p)
		}
	}
	for p, ino := range need {
		if _, ok := a.watched[p]; ok {
			continue
		}
		if err := a.w.Add(p); err != nil {
			if first {
				return false, fmt.Errorf("watching folder %s for plan edits: %w", p, err)
			}
			continue // raced with a removal: the next event or tick retries
		}
		a.watched[p] = ino
	}
	return moved, nil
}

// inode is the inode of folder p, and whether p is a folder now.
func inode(p string) (uint64, bool) {
	fi, err := os.Stat(p)
	if err != nil || !fi.IsDir() {
		return 0, false
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino), true
	}
	return 1, true
}

// watch runs watchFiles for the Source's files; a plan edit reloads it.
func (r *runner) watch() {
	files := r.src.Files()
	if len(files) == 0 {
		return
	}
	err := watchFiles(r.ctx, files, debounce, r.reload)
	if err != nil {
		r.post(func() {
			msg := err.Error() + " — plan edits will not reload the board; restart gonogo after editing"
			r.b.log(event{At: r.b.now().In(r.b.loc), Step: "plan", Why: msg})
			r.b.setNote(msg)
		})
	}
}
