#!/usr/bin/env bash
# The image library's system packages. Idempotent; run as root on Debian 12.
#  - libturbojpeg0-dev + pkg-config: BUILD dependency of shelf-core (the `turbojpeg` crate
#    links Debian's libjpeg-turbo 2.1 for fast scaled JPEG decoding);
#  - libheif-dev: BUILD dependency of shelf-core (libheif-rs links Debian's libheif 1.15,
#    which decodes HEIC with libde265 and AVIF with dav1d); the app needs libheif1 at run time;
#  - libheif-examples: heif-enc, which the HEIC tests and benchmarks make their files with;
#  - libjpeg-turbo-progs: djpeg, the 1/8-scale decode floor scripts/bench-images reports;
#  - libvips-tools: vipsthumbnail, the peer that scripts/bench-images measures against;
#  - time: /usr/bin/time -v for CPU seconds and peak memory;
#  - Pillow + numpy: ../shared/bench/make_corpus.py generates the benchmark corpus;
#  - pillow-heif: the HEIC tests make turned (irot/imir) files with it, as phones write them
#    (its libheif is newer than Debian's, whose encoder writes no rotation boxes).
set -euo pipefail
need=()
dpkg -s libturbojpeg0-dev >/dev/null 2>&1 || need+=(libturbojpeg0-dev)
dpkg -s libheif-dev >/dev/null 2>&1 || need+=(libheif-dev)
command -v heif-enc >/dev/null 2>&1 || need+=(libheif-examples)
command -v djpeg >/dev/null 2>&1 || need+=(libjpeg-turbo-progs)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v vipsthumbnail >/dev/null 2>&1 || need+=(libvips-tools)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
if ! python3 -c 'import PIL, numpy, pillow_heif' >/dev/null 2>&1; then
  python3 -m pip install --quiet Pillow numpy pillow-heif \
    || python3 -m pip install --quiet --break-system-packages Pillow numpy pillow-heif
fi
