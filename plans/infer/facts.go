package infer

import "github.com/gonogo-dev/gonogo/plans/spec"

// The findings pass reasons over three kinds of facts read off commands:
// what a command needs (need), what it makes or destroys (event), and
// which copies are backups of what (backupFact). Facts are keyed by an
// absolute path, "git:"+path for a path committed in git, or "db:NAME" /
// "table:NAME" for database objects.

type needKind int

const (
	needFile needKind = iota // a file (or folder) must exist
	needDir                  // a folder must exist
	needGit                  // a path must be in a git revision
)

// need is one thing a command requires before it can work.
type need struct {
	kind needKind
	key  string // fact key
	path string // absolute path
	rev  string // needGit: the revision ("" = HEAD)
	// spec is the inferred probe whose state says whether the need holds.
	sp   *spec.Probe
	line int
	cmd  string // the command text, redacted
	prog string // "cp", "git checkout", ...
	// restoreTo is where a restoring copy puts the file, for hints.
	restoreTo string
	// checkout is set for "git checkout/restore HEAD -- F".
	checkout bool
	alt      *alt
	// optional needs sit under an if, a loop, or "|| true": the plan
	// copes when they do not hold.
	optional bool
	seq      int // order within the step
}

// alt places a need in one branch of an "a || b" group.
type alt struct {
	group  *altGroup
	branch int
}

// altGroup is a set of alternative ways to do one thing: the two sides of
// "a || b", or a step's block and the blocks its prose offers as fallbacks
// ("If you made a backup before starting:").
type altGroup struct {
	line int
	cmd  string
	// ways are the branches' command texts.
	ways []string
	// empty marks branches that need nothing (always workable).
	empty []bool
}

type eventKind int

const (
	evProduce   eventKind = iota // creates the thing
	evOverwrite                  // replaces the thing's original content
	evDestroy                    // removes the thing (rm, mv away, DROP)
)

// event is a command making, replacing or removing something.
type event struct {
	kind eventKind
	key  string
	path string // for files: the absolute path; "" otherwise
	dir  bool   // the thing is a folder
	// empty marks a folder made empty (mkdir): it holds no file a later
	// step could need.
	empty bool
	line  int
	cmd   string
	how   string // "rm", "mv", "DROP TABLE", ...
	seq   int    // order within the step
}

// backupFact is a command copying src (a fact key) to dst as a backup.
type backupFact struct {
	src  string
	dst  string
	line int
	cmd  string
	prog string
	seq  int // order within the step
}
