package dashboard

import (
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
)

// CheckOptions mirrors model.CheckOptions until that type lands; it becomes
// an alias of it then, so *model.Session satisfies Source unchanged.
type CheckOptions struct {
	Force           bool
	DefaultInterval time.Duration
	OnPartial       func(*model.Snapshot)
}
