package dashboard

import (
	"context"
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
