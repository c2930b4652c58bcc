package probes

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func init() { register(spec.KindPort, checkPort) }

// checkPort answers a port probe by connecting over TCP (never binding):
// a completed handshake is open, a refused connection is closed. A
// connection that neither completes nor is refused runs into the probe's
// timeout and reads as Error, since a firewall dropping packets says
// nothing about the service.
func checkPort(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.PortParams) (Status, string) {
	if _, _, err := net.SplitHostPort(p.Address); err != nil {
		return Error, fmt.Sprintf("port target %q is not host:port (%v)", p.Address, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.Address)
	if err == nil {
		conn.Close()
		if p.Open {
			return OK, fmt.Sprintf("%s accepts connections", p.Address)
		}
		return Fail, fmt.Sprintf("%s accepts connections, expected closed: stop the service listening there", p.Address)
	}
	if ctx.Err() != nil {
		return Error, ctx.Err().Error()
	}
	closed := errors.Is(err, syscall.ECONNREFUSED)
	if !closed {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			return Error, fmt.Sprintf("cannot resolve the host of %s: %v: check the name (getent hosts)", p.Address, dnsErr)
		}
		if errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
			return Error, fmt.Sprintf("cannot reach %s: %v: check the network and firewall from this host", p.Address, err)
		}
		return Error, fmt.Sprintf("cannot tell whether %s is open: %v", p.Address, err)
	}
	if p.Open {
		return Fail, fmt.Sprintf("%s refuses connections: start the service that listens there (ss -ltnp shows what listens)", p.Address)
	}
	return OK, fmt.Sprintf("%s is closed (connection refused), as required", p.Address)
}
