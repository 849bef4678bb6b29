#!/usr/bin/env bash
# Installs every Debian package that building, testing and the demo need,
# non-interactively; does nothing when all are present.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config clang
  libjpeg62-turbo-dev libpng-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg
  libyaml-dev libzip-dev libcurl4-openssl-dev libssl-dev
  libdnnl-dev libopenblas-dev
  python3 python3-numpy python3-torch python3-opencv python3-skimage
)
# Node.js + npm only run the optional glTF validator test; a machine may already
# have them from another source (nodesource's nodejs bundles npm), so only a
# machine without npm gets Debian's.
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
