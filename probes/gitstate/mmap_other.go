//go:build !linux && !darwin

package gitstate

import "context"

// mapFile reads the file (no mapping here).
func mapFile(ctx context.Context, path string, limit int64) ([]byte, func(), error) {
	b, err := readBounded(ctx, path, limit, true)
	return b, func() {}, err
}
