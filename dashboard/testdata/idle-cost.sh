#!/usr/bin/env bash
# Measures the idle cost of the live board: the real binary in a tmux pane on
# the example plan at a 5 s interval, nobody touching it. Reports the CPU time
# (utime+stime from /proc/PID/stat) used during a minute after start-up, and
# the resident memory (VmRSS, VmHWM from /proc/PID/status).
#
#   dashboard/testdata/idle-cost.sh [SECONDS] [INTERVAL]     (defaults: 60 5s)
#
# Needs tmux and Go; run from anywhere inside the repository.
set -euo pipefail
secs=${1:-60}
interval=${2:-5s}
root=$(cd "$(dirname "$0")/../.." && pwd)
plan=$root/plans/examples/migrate-chromadb-to-pgvector.md
work=$(mktemp -d)
sock=$work/tmux.sock
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$root" && go build -o "$work/gonogo" ./cmd/gonogo)
tmux -S "$sock" -f /dev/null new-session -d -s idle -x 120 -y 40 \
  "$work/gonogo --interval $interval $plan"

pid=
for _ in $(seq 50); do
  pid=$(pgrep -n -f "^$work/gonogo" || true)
  [ -n "$pid" ] && break
  sleep 0.1
done
[ -n "$pid" ] || { echo "gonogo did not start" >&2; tmux -S "$sock" capture-pane -p -t idle >&2; exit 1; }

hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

sleep 5 # start-up: plan parse, first check of every probe
t0=$(cpu_ticks "$pid"); s0=$(date +%s.%N)
sleep "$secs"
t1=$(cpu_ticks "$pid"); s1=$(date +%s.%N)
rss=$(kb "$pid" VmRSS); hwm=$(kb "$pid" VmHWM)
tmux -S "$sock" capture-pane -p -t idle | head -4 | sed 's/^/  screen: /'

awk -v t0="$t0" -v t1="$t1" -v hz="$hz" -v s0="$s0" -v s1="$s1" -v rss="$rss" -v hwm="$hwm" \
    -v iv="$interval" 'BEGIN {
  cpu = (t1 - t0) / hz; wall = s1 - s0
  printf "interval %s, idle for %.0f s after a 5 s start-up\n", iv, wall
  printf "CPU time: %.2f s (%.2f s per minute, %.2f%% of one core)\n", cpu, cpu * 60 / wall, 100 * cpu / wall
  printf "resident memory: %.1f MiB now, %.1f MiB peak\n", rss / 1024, hwm / 1024
}'
