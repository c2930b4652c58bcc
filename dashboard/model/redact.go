package model

import "github.com/gonogo-dev/gonogo/probes"

// redact hides secrets (DSN and URL passwords, tokens, auth headers) in
// every string a snapshot carries — messages, targets, names, commands,
// findings, warnings — so that no view can print one. It is probes.Redact,
// named here so that every use in this package is easy to find.
func redact(s string) string {
	if s == "" {
		return s
	}
	return probes.Redact(s)
}
