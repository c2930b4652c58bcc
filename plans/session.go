package plans

import (
	"path/filepath"
	"strings"
)

// SessionOpener reports whether a command, given as its words, opens an
// interactive session elsewhere, after which the lines a runbook shows are
// typed into that session rather than into the operator's shell: "ssh
// HOST" without a command, "su - USER", "sudo -iu USER", "sudo su -",
// "docker exec -it C sh", "docker compose exec S bash", "docker run -it …
// bash", "kubectl exec -it P -- sh", an interactive psql or mysql. It
// returns where those lines run, for a note ("on HOST", "as USER", "in the
// container C", "at the psql prompt"), and "" when the command runs and
// returns.
func SessionOpener(words []string) string {
	if len(words) == 0 {
		return ""
	}
	// Leading VAR=value assignments do not change what runs.
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") && !strings.HasPrefix(words[0], "/") {
		words = words[1:]
	}
	if len(words) == 0 {
		return ""
	}
	prog := filepath.Base(words[0])
	args := words[1:]
	switch prog {
	case "sudo", "doas":
		user, interactive := "", false
		i := 0
		for ; i < len(args) && strings.HasPrefix(args[i], "-"); i++ {
			a := args[i]
			switch {
			case a == "-u" || a == "--user":
				if i+1 < len(args) {
					user = args[i+1]
					i++
				}
			case strings.HasPrefix(a, "--user="):
				user = strings.TrimPrefix(a, "--user=")
			case a == "--login" || a == "--shell":
				interactive = true
			case !strings.HasPrefix(a, "--"):
				flags := a[1:]
				if k := strings.IndexByte(flags, 'u'); k >= 0 {
					if k+1 < len(flags) {
						user = flags[k+1:]
					} else if i+1 < len(args) {
						user = args[i+1]
						i++
					}
					flags = flags[:k]
				}
				if strings.ContainsAny(flags, "is") {
					interactive = true
				}
			}
		}
		rest := args[i:]
		if interactive && len(rest) == 0 {
			if user == "" {
				user = "root"
			}
			return "as " + user + " (" + strings.Join(words, " ") + ")"
		}
		if s := SessionOpener(rest); s != "" {
			return s
		}
		return ""
	case "su":
		user := "root"
		for i := 0; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "-c" || a == "--command":
				return "" // su - postgres -c "…" runs one command
			case a == "-" || a == "-l" || a == "--login" || a == "-m" || a == "-p":
			case strings.HasPrefix(a, "-s") || a == "--shell":
				if a == "-s" || a == "--shell" {
					i++
				}
			case !strings.HasPrefix(a, "-"):
				user = a
			}
		}
		return "as " + user + " (" + strings.Join(words, " ") + ")"
	case "ssh", "mosh":
		host, pos := "", 0
		for i := 0; i < len(args); i++ {
			a := args[i]
			if strings.HasPrefix(a, "-") {
				if len(a) == 2 && strings.ContainsAny(a[1:], "bcDEeFIiJLlmOopQRSWw") {
					i++ // an option with a value
				}
				continue
			}
			if pos == 0 {
				host = a
			}
			pos++
		}
		if host == "" || pos > 1 {
			return "" // ssh HOST COMMAND runs the command and returns
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
		return "on " + host + " (" + strings.Join(words, " ") + ")"
	case "docker", "podman", "nerdctl":
		return containerSession(args, words)
	case "docker-compose":
		return containerSession(append([]string{"compose"}, args...), words)
	case "kubectl", "oc":
		if len(args) > 0 {
			for i, a := range args {
				if a == "exec" || a == "attach" {
					if shellAfterDashes(args[i+1:]) {
						return "in a pod (" + strings.Join(words, " ") + ")"
					}
					return ""
				}
			}
		}
	case "psql", "mysql", "mariadb", "sqlite3", "redis-cli", "mongosh", "mongo", "clickhouse-client":
		for i, a := range args {
			switch {
			case a == "-c" || a == "-f" || a == "-l" || a == "--command" || a == "--file" || a == "-e" || a == "--execute" || a == "--list":
				return ""
			case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(a) > 2 && strings.ContainsAny(a[1:], "cfle") && prog != "redis-cli":
				return "" // -Atc 'select 1'
			case prog == "sqlite3" && i > 0 && !strings.HasPrefix(a, "-"):
				return "" // sqlite3 FILE 'select …'
			case prog == "redis-cli" && !strings.HasPrefix(a, "-") && (i == 0 || !strings.HasPrefix(args[i-1], "-")):
				return "" // redis-cli -h h INFO
			}
		}
		return "at the " + prog + " prompt (" + strings.Join(words, " ") + ")"
	}
	return ""
}

// containerSession reads "docker exec -it C sh", "docker compose exec S
// bash", "docker run -it … IMAGE bash".
func containerSession(args, words []string) string {
	if len(args) > 0 && args[0] == "compose" {
		args = args[1:]
		if len(args) > 0 && (args[0] == "exec" || args[0] == "run") {
			if interactiveShellAt(args[1:], true) {
				return "in a container (" + strings.Join(words, " ") + ")"
			}
		}
		return ""
	}
	if len(args) > 0 && args[0] == "container" {
		args = args[1:]
	}
	if len(args) > 0 && (args[0] == "exec" || args[0] == "run" || args[0] == "attach") {
		if args[0] == "attach" || interactiveShellAt(args[1:], false) {
			return "in a container (" + strings.Join(words, " ") + ")"
		}
	}
	return ""
}

// interactiveShellAt reports whether the command a docker exec/run runs
// is a shell or a database prompt with no command of its own ("bash",
// "sh", "psql -U x"): the last words are a shell, with -it given (compose
// exec is interactive by default).
func interactiveShellAt(args []string, compose bool) bool {
	tty := compose
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if a == "-T" {
				tty = false
			}
			if !strings.HasPrefix(a, "--") && strings.ContainsAny(a, "it") && !strings.ContainsAny(a, "evwu") {
				tty = true
			}
			if a == "--interactive" || a == "--tty" {
				tty = true
			}
			if a == "-e" || a == "-v" || a == "-w" || a == "-u" || a == "--name" || a == "--network" || a == "--env" ||
				a == "--volume" || a == "--workdir" || a == "--user" || a == "-p" || a == "--entrypoint" || a == "--env-file" || a == "--mount" {
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	if !tty || len(pos) < 2 {
		return false
	}
	cmd := pos[1:]
	switch filepath.Base(cmd[0]) {
	case "sh", "bash", "zsh", "ash", "dash", "fish":
		return len(cmd) == 1 || cmd[1] == "-l" || cmd[1] == "-i" || cmd[1] == "--login"
	}
	return SessionOpener(cmd) != "" && !strings.HasPrefix(SessionOpener(cmd), "in a")
}

// shellAfterDashes: "kubectl exec -it P -- sh" runs an interactive shell.
func shellAfterDashes(args []string) bool {
	tty := false
	for i, a := range args {
		if a == "--" {
			rest := args[i+1:]
			if len(rest) == 0 || !tty {
				return false
			}
			switch filepath.Base(rest[0]) {
			case "sh", "bash", "zsh", "ash":
				return len(rest) == 1
			}
			s := SessionOpener(rest)
			return s != "" && strings.HasPrefix(s, "at the")
		}
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.ContainsAny(a, "it") {
			tty = true
		}
	}
	return false
}
