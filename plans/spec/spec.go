// Package spec holds the typed probe specifications that flow from a plan to
// the probes: what to check (kind, target, attributes), in which role for its
// step, where it was declared. It imports only gonogo's other leaves
// (plans/lazyre, plans/textfmt), so the probes package can check specs
// without linking the Markdown, YAML and shell parsers that produce them.
package spec

import (
	"os"
	"regexp"
	"strconv"
	"time"
)

// Role says what a probe means for its step.
type Role string

const (
	// Requires probes must hold before the step may run.
	Requires Role = "requires"
	// Done probes hold once the step has been carried out.
	Done Role = "done"
)

// Source records where a probe came from.
type Source string

const (
	Explicit Source = "explicit" // a ```gonogo block inside the step
	Sidecar  Source = "sidecar"  // the --probes YAML file
	Inferred Source = "inferred" // read off the step's shell commands
)

// Severity of a probe's failure.
type Severity string

const (
	Block Severity = ""     // a failure blocks the step (default)
	Warn  Severity = "warn" // a failure only warns
)

// DefaultTimeout bounds a probe that sets no timeout.
const DefaultTimeout = 5 * time.Second

// Kind names a probe kind: what a probe checks (git, file, backup, ...), or
// one of the two combinators any and all.
type Kind string

// The probe kinds the README's "Probe blocks" table defines, and the two
// combinators.
const (
	KindGit      Kind = "git"
	KindFile     Kind = "file"
	KindBackup   Kind = "backup"
	KindHost     Kind = "host"
	KindProcess  Kind = "process"
	KindSystemd  Kind = "systemd"
	KindPort     Kind = "port"
	KindHTTP     Kind = "http"
	KindCommand  Kind = "command"
	KindPostgres Kind = "postgres"
	KindAny      Kind = "any"
	KindAll      Kind = "all"
)

// Probe is one declared or inferred check. Exactly one of Params and
// Children is set: Params for a kind, Children for any/all.
type Probe struct {
	Role   Role
	Source Source
	Kind   Kind
	// Target as written, after ~ and $VAR expansion ("config_chromadb.py",
	// "127.0.0.1:5432", "cpu"). Shown to people and in JSON.
	Target   string
	Name     string
	Severity Severity
	// Timeout of this probe; 0 means DefaultTimeout.
	Timeout time.Duration
	// Params is the kind's typed attributes (*GitParams, *FileParams, ...).
	Params Params
	// Children of an any/all combinator.
	Children []*Probe
	// File and Line locate the probe's declaration; for inferred probes,
	// the command it was read from.
	File string
	Line int
	// Why, for inferred probes, is the command text it was read from.
	Why string
	// Capture names the number this probe takes when it holds (a
	// command's stdout, a postgres query's value, a file's line count),
	// for other probes' expect to read as captures.NAME; "" when it takes
	// none. Names are unique in a plan.
	Capture string
	// CaptureLine and ReadsLine are the lines in File of the capture:
	// attribute and of an expect: that reads captures, for the plan
	// reader's messages about them; 0 when absent.
	CaptureLine, ReadsLine int
}

// Label is what a person reads for the probe: its name, else kind and target.
func (s *Probe) Label() string {
	if s.Name != "" {
		return s.Name
	}
	if s.Kind == KindAny || s.Kind == KindAll {
		return string(s.Kind) + " of " + strconv.Itoa(len(s.Children))
	}
	return string(s.Kind) + " " + s.Target
}

// EffectiveTimeout is Timeout, or DefaultTimeout when unset.
func (s *Probe) EffectiveTimeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

// Params is a kind's typed attribute set.
type Params interface {
	// Kind is the kind key this attribute set belongs to.
	Kind() Kind
}

// Git states (README, "Probe blocks": the git kind).
const (
	GitTracked   = "tracked"   // in HEAD
	GitCommitted = "committed" // in HEAD, index and worktree unchanged
	GitUntracked = "untracked" // not in the index, not ignored
	GitIgnored   = "ignored"
	GitStaged    = "staged"   // index differs from HEAD
	GitModified  = "modified" // worktree differs from index, deletion included
	GitClean     = "clean"    // whole worktree clean; target "."
)

// GitParams: git: PATH, state: STATE, repo: DIR.
type GitParams struct {
	Path  string // absolute path of the target
	State string // one of the Git* states; default committed
	Repo  string // absolute path of the repository's work tree; "" = discover from Path
	// Rev is the revision to look the path up in, for inferred
	// "git checkout REV -- F" / "git show REV:F"; "" means HEAD.
	Rev string
}

func (*GitParams) Kind() Kind { return KindGit }

// FileParams: file: PATH.
type FileParams struct {
	Path     string
	Exists   bool           // default true
	MinSize  int64          // bytes; 0 = no bound
	MaxAge   time.Duration  // 0 = no bound
	Contains *regexp.Regexp // nil = no check
	Mode     *os.FileMode   // permission bits that must match exactly; nil = no check
	// Dir is true when the target must be a directory (inferred "cd D",
	// the folder of ">> F"); default false means a regular file or a
	// symlink to one. An explicit file probe may also name a folder.
	Dir bool
}

func (*FileParams) Kind() Kind { return KindFile }

// BackupParams: backup: PATH.
type BackupParams struct {
	Path    string
	Of      string // absolute source path whose SHA-256 must match; "" = none
	SHA256  string // lower-case hex digest that must match; "" = none
	MinSize int64
	MaxAge  time.Duration
}

func (*BackupParams) Kind() Kind { return KindBackup }

// Host targets.
const (
	HostCPU    = "cpu"
	HostMemory = "memory"
	HostDisk   = "disk"
	HostLoad   = "load"
	HostSwap   = "swap"
)

// HostParams: host: cpu|memory|disk|load|swap. Only the fields of the
// target are meaningful; zero values mean no bound.
type HostParams struct {
	Target         string
	Model          *regexp.Regexp // cpu
	MinCores       int            // cpu
	MaxPercent     float64        // cpu (0..100); swap: max used percent
	MinAvailable   int64          // memory, bytes
	Path           string         // disk: absolute path; default the root
	MinFree        int64          // disk, bytes
	MaxUsedPercent float64        // disk
	Max            float64        // load: 1-minute load average
}

func (*HostParams) Kind() Kind { return KindHost }

// ProcessParams: process: NAME-OR-CMDLINE-REGEX.
type ProcessParams struct {
	Pattern  *regexp.Regexp // matched against the process name, then the command line
	Running  bool           // default true
	MinCount int            // default 1 when Running
}

func (*ProcessParams) Kind() Kind { return KindProcess }

// SystemdParams: systemd: UNIT.
type SystemdParams struct {
	Unit   string
	Active bool // default true
	// Exists only, for inferred "systemctl start U" requirements: the unit
	// must be known to systemd, whatever its state.
	ExistsOnly bool
	// MustExist makes a unit systemd does not know fail an inactive check
	// instead of passing it: the done-probe of an inferred "systemctl stop
	// U" holds once U was stopped, not because there is no U to stop.
	MustExist bool
}

func (*SystemdParams) Kind() Kind { return KindSystemd }

// PortParams: port: HOST:PORT.
type PortParams struct {
	Address string
	Open    bool // default true
}

func (*PortParams) Kind() Kind { return KindPort }

// HTTPParams: http: URL.
type HTTPParams struct {
	URL string
	// Status is the accepted status: "2xx" (default), "200", "3xx", ...
	Status  string
	Body    *regexp.Regexp
	Headers map[string]string
	// Insecure turns TLS verification off (attribute insecure: true).
	Insecure bool
}

func (*HTTPParams) Kind() Kind { return KindHTTP }

// CommandParams: command: SHELL COMMAND LINE (run with sh -c).
type CommandParams struct {
	Command string
	Exit    int // expected exit code; default 0
	Stdout  *regexp.Regexp
	// Expect tests the trimmed stdout as one value ("== 0", ">=
	// captures.rows"); nil = no check.
	Expect *Expect
	// Dir is the working directory: the plan's root.
	Dir string
}

func (*CommandParams) Kind() Kind { return KindCommand }
