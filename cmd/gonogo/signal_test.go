package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stuckChild, in a child process (TestMain calls it), is a gonogo whose
// work never ends (a board whose UI is stuck, a checker that ignores its
// context): it listens for signals with the given grace, says "ready"
// and blocks.
func stuckChild() {
	grace, err := time.ParseDuration(os.Getenv("GONOGO_STUCK_GRACE"))
	if err != nil {
		panic(err)
	}
	stopOnSignalAfter(context.Background(), grace, forceExit)
	fmt.Println("ready")
	select {}
}

// TestStopGrace: a gonogo that does not end after a signal is ended when
// the grace runs out, and at once on a second signal, with 128+N and a
// line saying why. Each case is a real child process sent real signals.
func TestStopGrace(t *testing.T) {
	for _, tt := range []struct {
		name    string
		grace   string
		signals []syscall.Signal
		code    int
		says    string
	}{
		{"grace runs out", "300ms", []syscall.Signal{syscall.SIGTERM}, 143, "still running 300ms after SIGTERM; exiting now"},
		{"hang-up", "300ms", []syscall.Signal{syscall.SIGHUP}, 129, "still running 300ms after SIGHUP"},
		{"second signal", "1h", []syscall.Signal{syscall.SIGTERM, syscall.SIGINT}, 130, "SIGINT after SIGTERM; exiting now"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0])
			cmd.Env = append(os.Environ(), "GONOGO_STUCK_GRACE="+tt.grace)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
				t.Fatalf("child said %q, %v", line, err)
			}
			for i, sig := range tt.signals {
				if i > 0 {
					time.Sleep(100 * time.Millisecond) // the first is taken
				}
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.code {
				t.Fatalf("child ended with %v (stderr %q), want exit %d", err, stderr.String(), tt.code)
			}
			if !strings.Contains(stderr.String(), tt.says) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tt.says)
			}
		})
	}
}

// TestStopWithinGrace: a run that ends within the grace after a signal is
// not cut short, and reports the signal.
func TestStopWithinGrace(t *testing.T) {
	forced := make(chan string, 1)
	ctx, stopped := stopOnSignalAfter(context.Background(), 200*time.Millisecond, func(_ syscall.Signal, why string) { forced <- why })
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the signal did not end the context")
	}
	if sig := stopped(); sig != syscall.SIGHUP {
		t.Errorf("stopped() = %v, want SIGHUP", sig)
	}
	select {
	case why := <-forced:
		t.Errorf("forced after a stop within the grace: %s", why)
	case <-time.After(500 * time.Millisecond):
	}
}
