#!/usr/bin/env bash
# speed.sh BINARY [FILES] — the git probe against the git CLI, from a fresh
# process each time (issue 14): 50 per-path probes against
# `git ls-files --error-unmatch` on the same paths, and `state: clean`
# against `git status`, on a generated repository of FILES files (100000)
# in 100 folders. Prints medians of paired runs, their ratios and peak RSS.
set -euo pipefail
bin=$(realpath "$1")
n=${2:-100000}
work=${TMPDIR:-/tmp}/gonogo-speed-$n
export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home GIT_OPTIONAL_LOCKS=0
repo=$work/repo
if [ ! -e "$repo/.git/speed-fixture-complete" ]; then
  rm -rf "$work"; mkdir -p "$repo" "$HOME"
  git -C "$repo" init -q -b main
  per=$((n / 100))
  {
    printf 'commit refs/heads/main\ncommitter bench <bench@example.invalid> 1700000000 +0000\ndata 8\nfixture\n'
    for ((i = 0; i < n; i++)); do
      c="file $i of $n"
      printf 'M 100644 inline d%03d/f%06d.txt\ndata %d\n%s\n' $((i / per)) "$i" ${#c} "$c"
    done
  } | git -C "$repo" fast-import --quiet
  git -C "$repo" reset -q --hard main
  sleep 1.1 # let the index be older than every file, as on a real machine
  touch "$repo/.git/speed-fixture-complete"
fi
per=$((n / 100))
paths=()
plan=$work/plan50.md
clean=$work/clean.md
{
  printf '# Speed\n\n## 1. Check\n\n```gonogo\nrequires:\n'
  for ((k = 0; k < 50; k++)); do
    i=$(((k * 7919) % n))
    p=$(printf 'd%03d/f%06d.txt' $((i / per)) "$i")
    paths+=("$p")
    printf '  - git: %s\n' "$p"
  done
  printf '```\n'
} >"$plan"
printf '# Speed\n\n## 1. Check\n\n```gonogo\nrequires:\n  - git: .\n    state: clean\n    timeout: 60s\n```\n' >"$clean"
empty=$work/empty.md
printf '# Speed\n\n## 1. Nothing to check\n\nprose only\n' >"$empty"
"$bin" --once --no-infer --root "$repo" "$plan" >/dev/null
"$bin" --once --no-infer --root "$repo" "$clean" >/dev/null
# Paired, interleaved runs: each gonogo run is followed by its git peer,
# so both see the same load on a shared machine; the ratio is the median
# of the pairs' ratios (wall and CPU = user + system, from wait4).
python3 - "${RUNS:-21}" "$bin" "$repo" "$plan" "$clean" "$empty" "${paths[@]}" <<'PY'
import os, statistics, subprocess, sys, time
runs, bin, repo, plan, clean, empty, paths = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7:]
def run(argv):
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime, ru.ru_maxrss
cases = [
    ("50 path probes", [bin, "--once", "--no-infer", "--root", repo, plan], "git ls-files --error-unmatch", ["git", "-C", repo, "ls-files", "--error-unmatch", "--"] + paths),
    ("state: clean", [bin, "--once", "--no-infer", "--root", repo, clean], "git status --porcelain", ["git", "-C", repo, "status", "--porcelain"]),
    ("no probes (startup)", [bin, "--once", "--no-infer", "--root", repo, empty], "git ls-files --error-unmatch", ["git", "-C", repo, "ls-files", "--error-unmatch", "--"] + paths),
]
for name, a, peer, b in cases:
    for _ in range(2):
        run(a), run(b)  # warm up the page cache
    ra, rb = [], []
    for i in range(runs):
        pair = (run(a), run(b)) if i % 2 == 0 else tuple(reversed((run(b), run(a))))
        ra.append(pair[0]); rb.append(pair[1])
    med = lambda xs, k: statistics.median(x[k] for x in xs)
    wr = statistics.median(x[0] / y[0] for x, y in zip(ra, rb))
    cr = statistics.median(x[1] / y[1] for x, y in zip(ra, rb))
    print(f"{name:20} gonogo {med(ra,0)*1000:6.0f} ms wall {med(ra,1)*1000:6.0f} ms cpu {max(x[2] for x in ra)/1024:5.1f} MiB | "
          f"{peer:28} {med(rb,0)*1000:6.0f} ms wall {med(rb,1)*1000:6.0f} ms cpu {max(x[2] for x in rb)/1024:5.1f} MiB | ratio wall {wr:.2f}x cpu {cr:.2f}x")
PY
