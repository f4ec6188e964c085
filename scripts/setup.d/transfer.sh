#!/usr/bin/env bash
# Export / import / backup (issue 5): the benchmark compares `shelf backup` with `zip -0 -r`
# and `cp -r`, measures peak memory with GNU time, and builds its photo corpus with Pillow.
# The core itself needs nothing beyond Rust crates. Idempotent; run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
command -v zip >/dev/null || need+=(zip)
command -v unzip >/dev/null || need+=(unzip)
[ -x /usr/bin/time ] || need+=(time)
command -v sqlite3 >/dev/null || need+=(sqlite3)
python3 -c 'import PIL, numpy' 2>/dev/null || need+=(python3-pil python3-numpy)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}"
fi
