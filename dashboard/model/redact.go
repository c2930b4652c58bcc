package model

import (
	"sync"

	"github.com/gonogo-dev/gonogo/probes"
)

// redactCache remembers the redacted form of recent strings: targets,
// names, commands and most messages repeat on every evaluation, and the
// board evaluates several times a second while a check runs.
var redactCache struct {
	sync.Mutex
	m map[string]string
}

// maxRedactCache bounds redactCache; when full it starts over, so strings
// that no longer occur (a message with an age in it) do not pile up.
const maxRedactCache = 1 << 13

// redact hides secrets (DSN and URL passwords, tokens, auth headers) in
// every string a snapshot carries — messages, targets, names, commands,
// findings, warnings — so that no view can print one. It is probes.Redact
// with a cache; every use in this package goes through it.
func redact(s string) string {
	if s == "" {
		return s
	}
	redactCache.Lock()
	r, ok := redactCache.m[s]
	redactCache.Unlock()
	if ok {
		return r
	}
	r = probes.Redact(s)
	redactCache.Lock()
	if redactCache.m == nil || len(redactCache.m) >= maxRedactCache {
		redactCache.m = make(map[string]string, 256)
	}
	redactCache.m[s] = r
	redactCache.Unlock()
	return r
}
