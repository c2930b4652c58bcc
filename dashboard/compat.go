package dashboard

import "github.com/gonogo-dev/gonogo/dashboard/model"

// CheckOptions are the options of Source.Check: an alias of
// model.CheckOptions, so that *model.Session satisfies Source as it is.
type CheckOptions = model.CheckOptions
