#!/usr/bin/env bash
# Team-server passwords live in the system keyring (the Secret Service over D-Bus), so the
# core links libdbus (libdbus-1-dev), and the login tests start GNOME Keyring on a private
# session bus of their own (dbus-daemon, gnome-keyring-daemon). Idempotent; run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in libdbus-1-dev dbus gnome-keyring; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
