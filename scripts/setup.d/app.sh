#!/usr/bin/env bash
# System setup for the desktop app (Tauri v2 on WebKitGTK), its UI build and its end-to-end
# tests, on a fresh Debian 12. Idempotent; run as root (the top-level setup runs every file in
# scripts/setup.d/).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

packages=(libwebkit2gtk-4.1-dev build-essential file libxdo-dev libssl-dev librsvg2-dev
  pkg-config xvfb xauth webkit2gtk-driver imagemagick sqlite3 python3-pip xdotool)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# WebDriver front for WebKitWebDriver (end-to-end tests).
if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --locked
fi

# Python client for the end-to-end tests.
if ! python3 -c 'import selenium' 2>/dev/null; then
  python3 -m pip install --quiet -r "$root/tests/e2e/requirements.txt" \
    || python3 -m pip install --quiet --break-system-packages -r "$root/tests/e2e/requirements.txt"
fi

# The web UI's dependencies, at the locked versions. `npm ci` refuses a lock file written
# with omit-lockfile-registry-resolved (this machine kind's npm setting), which leaves out
# other platforms' optional packages; `npm install` then installs the same locked versions.
if [[ -f "$root/ui/package.json" ]]; then
  (cd "$root/ui" && { npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund; })
fi
