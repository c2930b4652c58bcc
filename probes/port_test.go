package probes

import (
	"net"
	"testing"
)

func TestPort(t *testing.T) {
	open := acceptingListener(t)
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln2.Addr().String()
	ln2.Close()

	tests := []struct {
		name string
		addr string
		open bool
		want Status
		msg  string
	}{
		{"open wanted open", open, true, OK, "accepts connections"},
		{"open wanted closed", open, false, Fail, "expected closed"},
		{"closed wanted open", closed, true, Fail, closed + " refuses connections"},
		{"closed wanted closed", closed, false, OK, "is closed (connection refused), as required"},
		{"not host:port", "localhost", true, Error, "is not host:port"},
		{"unresolvable", "no-such-host.invalid:80", true, Error, "cannot resolve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, runSpec(t, portSpec(tt.addr, tt.open)), tt.want, tt.msg)
		})
	}
}

// acceptingListener is a loopback TCP server that accepts and closes every
// connection until the test or benchmark ends; it returns its address.
func acceptingListener(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}
