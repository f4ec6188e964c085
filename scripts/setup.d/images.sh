#!/usr/bin/env bash
# The image library's system packages. Idempotent; run as root on Debian 12.
#  - libturbojpeg0-dev + pkg-config: BUILD dependency of shelf-core (the `turbojpeg` crate
#    links Debian's libjpeg-turbo 2.1 for fast scaled JPEG decoding);
#  - libvips-tools: vipsthumbnail, the peer that scripts/bench-images measures against;
#  - time: /usr/bin/time -v for CPU seconds and peak memory;
#  - Pillow + numpy: ../shared/bench/make_corpus.py generates the benchmark corpus.
set -euo pipefail
need=()
dpkg -s libturbojpeg0-dev >/dev/null 2>&1 || need+=(libturbojpeg0-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v vipsthumbnail >/dev/null 2>&1 || need+=(libvips-tools)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
if ! python3 -c 'import PIL, numpy' >/dev/null 2>&1; then
  python3 -m pip install --quiet Pillow numpy
fi
