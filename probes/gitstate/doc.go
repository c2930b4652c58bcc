// Package gitstate reads what git knows about the files of a work tree —
// in HEAD (or another revision), in the index, changed in the work tree,
// untracked, ignored — without ever writing to the repository, not even
// .git/index (git status would refresh it; this package never does).
//
// It answers facts, not verdicts: Repo.Facts describes one path, and
// Repo.Clean lists what keeps a folder from being clean. What a person
// reads (the probe's message, OK or Fail) is decided by the caller, the
// git probe in package probes. The git CLI is the oracle of the tests.
//
// A Cache keeps one Repo per work tree across checks; a Repo reloads its
// HEAD tree and index only when a stat of the files they come from
// changes, so a check after the first costs a few stats and lookups
// whatever the size of the repository.
package gitstate
