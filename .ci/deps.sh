#!/usr/bin/env bash
# Install what HandoverDesk needs on Debian 12, skipping what is already there.
#   .ci/deps.sh app    — build and run the app (WebKitGTK dev files, build tools, node packages)
#   .ci/deps.sh test   — also Xvfb, WebKitWebDriver, tauri-driver, poppler-utils
set -euo pipefail
mode=${1:-app}
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

pkgs=(libwebkit2gtk-4.1-dev build-essential pkg-config curl file)
if [ "$mode" = test ]; then
  pkgs+=(xvfb webkit2gtk-driver poppler-utils)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs) first" >&2; exit 1; }
command -v npm >/dev/null || { echo "node/npm not found: install Node.js 20 first" >&2; exit 1; }

if [ "$mode" = test ] && ! command -v tauri-driver >/dev/null; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0 --quiet
fi

cd "$root/ui"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` from the committed lock file, not `npm ci`: npm 11 writes lock files without the
  # other platforms' optional packages (rollup, esbuild, tauri-cli binaries), which `npm ci` then
  # rejects as "out of sync" on a clean checkout. `npm install` installs exactly the locked versions.
  echo "==> npm install (from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
fi
