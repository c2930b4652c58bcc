#!/usr/bin/env bash
# speed.sh BINARY [FILES] — the git probe against the git CLI, from a fresh
# process each time (issue 14): 50 per-path probes against
# `git ls-files --error-unmatch` on the same paths, and `state: clean`
# against `git status`, on a generated repository of FILES files (100000)
# in 100 folders. Needs hyperfine; prints medians and peak RSS.
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
hf() { hyperfine -N --style basic -w "$1" -r "$2" --export-json "$3" "${@:4}" >/dev/null; }
hf 3 "${RUNS:-30}" "$work/paths.json" \
  -n gonogo-50-paths "$bin --once --no-infer --root $repo $plan" \
  -n git-ls-files "git -C $repo ls-files --error-unmatch -- ${paths[*]}" \
  -n gonogo-no-probes "$bin --once --no-infer --root $repo $empty"
hf 2 "${RUNS:-15}" "$work/clean.json" \
  -n gonogo-clean "$bin --once --no-infer --root $repo $clean" \
  -n git-status "git -C $repo status --porcelain"
python3 - "$work/paths.json" "$work/clean.json" <<'PY'
import json, sys
rows = {}
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        rows[r["command"]] = r
def show(a, b):
    x, y = rows[a], rows[b]
    cpu = lambda r: r["user"] + r["system"]
    print(f"{a:18} median {x['median']*1000:7.1f} ms  cpu {cpu(x)*1000:7.1f} ms | {b:14} median {y['median']*1000:7.1f} ms  cpu {cpu(y)*1000:7.1f} ms | ratio wall {x['median']/y['median']:.2f}x cpu {cpu(x)/cpu(y):.2f}x")
show("gonogo-50-paths", "git-ls-files")
show("gonogo-clean", "git-status")
show("gonogo-no-probes", "git-ls-files")
PY
for f in "$bin --once --no-infer --root $repo $plan" "$bin --once --no-infer --root $repo $clean" "git -C $repo status --porcelain"; do
  /usr/bin/time -f "peak RSS %M KiB: $f" $f >/dev/null 2>/tmp/speed-time.$$ || true
  tail -1 /tmp/speed-time.$$
done
rm -f /tmp/speed-time.$$
