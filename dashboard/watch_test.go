package dashboard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWatchFiles: an editor's save (write a temp file, rename it over the
// plan) and a plain write each reload once after the debounce; a file next
// to the plan does not.
func TestWatchFiles(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.md")
	other := filepath.Join(dir, "notes.txt")
	for _, f := range []string{plan, other} {
		if err := os.WriteFile(f, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var calls atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- watchFiles(ctx, []string{plan}, 50*time.Millisecond, func() { calls.Add(1) }) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	time.Sleep(100 * time.Millisecond) // let the watch start
	waitCalls := func(want int32) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for calls.Load() < want && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // a second call would come now
		if got := calls.Load(); got != want {
			t.Fatalf("reloads = %d, want %d", got, want)
		}
	}
	// Unrelated file: nothing.
	if err := os.WriteFile(other, []byte("y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if got := calls.Load(); got != 0 {
		t.Fatalf("a change next to the plan reloaded it %d times", got)
	}
	// Editor save: several events, one reload.
	tmp := filepath.Join(dir, ".plan.md.tmp")
	if err := os.WriteFile(tmp, []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, plan); err != nil {
		t.Fatal(err)
	}
	waitCalls(1)
	// A plain write, twice in a row: one more reload.
	for i := 0; i < 2; i++ {
		if err := os.WriteFile(plan, []byte("again\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	waitCalls(2)
}

// TestWatchMissingFolder: a folder that cannot be watched is an error that
// names it.
func TestWatchMissingFolder(t *testing.T) {
	err := watchFiles(context.Background(), []string{"/nonexistent/gonogo/plan.md"}, time.Millisecond, func() {})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/gonogo") {
		t.Fatalf("err = %v, want one naming the folder", err)
	}
}

// TestWatchFolderRecreated: the plan's folder removed and made again (a
// deploy, a checkout) reloads the plan, and later edits in the new folder
// reload it too — the watch follows the folder.
func TestWatchFolderRecreated(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "docs", "plans")
	plan := filepath.Join(dir, "plan.md")
	mk := func() {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(plan, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk()
	var calls atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- watchFiles(ctx, []string{plan}, 50*time.Millisecond, func() { calls.Add(1) }) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	time.Sleep(100 * time.Millisecond) // let the watch start
	// waitMore waits for a reload after n, polling; the bound only stops
	// a broken test.
	waitMore := func(n int32, what string) int32 {
		t.Helper()
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			if c := calls.Load(); c > n {
				time.Sleep(200 * time.Millisecond) // let the debounce settle
				return calls.Load()
			}
		}
		t.Fatalf("%s: no reload", what)
		return 0
	}
	n := calls.Load()
	for round := range 2 {
		if err := os.RemoveAll(filepath.Join(base, "docs")); err != nil {
			t.Fatal(err)
		}
		n = waitMore(n, fmt.Sprintf("round %d: folder removed", round))
		mk()
		n = waitMore(n, fmt.Sprintf("round %d: folder made again", round))
		if err := os.WriteFile(plan, []byte("edited\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		n = waitMore(n, fmt.Sprintf("round %d: edit in the new folder", round))
	}
}
