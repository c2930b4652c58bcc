package gonogotest

import (
	"runtime"
	"testing"
	"time"
)

// HangBound is how long one fuzz input may run before Bounded calls it a
// runaway. It only stops a run that would not end (super-linear work on
// a crafted input); nothing is asserted about how long a normal run takes.
const HangBound = 10 * time.Second

// Bounded runs f, the work of one fuzz input of inputLen bytes, and fails
// the test when it does not return within HangBound or allocates more
// than base + perByte×inputLen bytes: the time and memory one input may
// cost. A construct that makes the work grow faster than the input — the
// review's 500 "||" took 2.4 GB — is then a failure with the input that
// shows it, not an out-of-memory crash of the fuzzer.
func Bounded(t testing.TB, inputLen int, base, perByte uint64, f func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(HangBound):
		t.Fatalf("one input of %d bytes ran for more than %s", inputLen, HangBound)
	}
	runtime.ReadMemStats(&after)
	limit := base + perByte*uint64(inputLen)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > limit {
		t.Errorf("one input of %d bytes allocated %d bytes, more than the bound of %d", inputLen, alloc, limit)
	}
}
