#!/usr/bin/env bash
# Run the end-to-end tests against the built app: Xvfb + tauri-driver + node's test runner.
# Expects target/debug/handover-desk (built with the UI embedded) and tauri-driver on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export APP="${APP:-$root/target/debug/handover-desk}"
export SAMPLE="${SAMPLE:-$root/tests/fixtures/sample-房源表.xlsx}"
work=$(mktemp -d)
export HANDOVER_DB="$work/e2e.db"   # a fresh database: the app starts at "create the administrator"
export XDG_DATA_HOME="$work/data"
export WEBKIT_DISABLE_COMPOSITING_MODE=1
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1440x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
export DISPLAY=$display
port=$((4444 + RANDOM % 500))
tauri-driver --port "$port" --native-port $((port + 1000)) >"$work/driver.log" 2>&1 &
driver=$!
trap 'kill $driver $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do
  (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
  sleep 0.2
done
export WEBDRIVER_URL="http://127.0.0.1:$port"
status=0
node --test --test-reporter=spec tests/e2e/ || status=$?
if [ $status -ne 0 ]; then
  echo "--- tauri-driver log ---"; tail -n 40 "$work/driver.log" || true
fi
exit $status
