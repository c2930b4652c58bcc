package dashboard

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchFiles calls onChange once the given files have been quiet for
// quiet after a change. It watches their folders, not the files, because
// editors save by writing a new file and renaming it over the old one,
// which a watch on the file itself would lose. It returns when ctx ends.
func watchFiles(ctx context.Context, files []string, quiet time.Duration, onChange func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching the plan files: %w", err)
	}
	defer w.Close()
	want := map[string]bool{}
	dirs := map[string]bool{}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return fmt.Errorf("watching %s: %w", f, err)
		}
		want[abs] = true
		dirs[filepath.Dir(abs)] = true
	}
	for d := range dirs {
		if err := w.Add(d); err != nil {
			return fmt.Errorf("watching folder %s for plan edits: %w", d, err)
		}
	}
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if !want[filepath.Clean(ev.Name)] || ev.Op == fsnotify.Chmod {
				continue
			}
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
		case <-fire:
			onChange()
		case _, ok := <-w.Errors:
			if !ok {
				return nil
			}
		}
	}
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
