#!/usr/bin/env bash
# Cold start to first paint, release binary size, and idle memory of the desktop app (issue 2).
# Needs Xvfb and a release build (built here if missing). Results go into docs/benchmarks.md by hand.
#   bash tests/bench/startup.sh [runs]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
runs=${1:-7}
bin=target/release/handover-desk
if [ ! -x "$bin" ]; then
  (cd ui && npm run --silent build)
  cargo build --release -p src-tauri --quiet
fi
work=$(mktemp -d)
display=:$((60 + RANDOM % 20))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
export DISPLAY=$display
sleep 1

echo "binary: $(stat -c %s "$bin") bytes ($(du -h "$bin" | cut -f1))"

# The first run also creates and migrates the database; the others open an existing one.
for i in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  out=$(HANDOVER_DB="$work/bench.db" HANDOVER_STARTUP_PROBE=1 timeout 60 "$bin" 2>/dev/null || true)
  t1=$(date +%s%N)
  inner=$(echo "$out" | grep -oE 'first_paint_ms=[0-9]+' | cut -d= -f2)
  echo "run $i: first paint ${inner:-?} ms after start (process exited after $(( (t1 - t0) / 1000000 )) ms)"
done

# Idle memory: the app process plus the WebKit processes it starts, 8 s after start.
HANDOVER_DB="$work/bench.db" "$bin" >/dev/null 2>&1 &
app=$!
sleep 8
pids="$app $(pgrep -P "$app" | tr '\n' ' ')"
total=0
for p in $pids; do
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
  name=$(cat "/proc/$p/comm" 2>/dev/null || echo "?")
  echo "idle RSS $name ($p): ${rss} kB"
  total=$((total + rss))
done
echo "idle RSS total: $total kB"
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
