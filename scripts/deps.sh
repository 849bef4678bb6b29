#!/usr/bin/env bash
# Installs every Debian package that building, testing and the demo need,
# non-interactively; does nothing when all are present.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config clang
  libjpeg62-turbo-dev libpng-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg
  libyaml-dev libzip-dev libcurl4-openssl-dev
  libdnnl-dev libopenblas-dev
  python3 python3-numpy python3-torch python3-opencv python3-skimage
  nodejs npm
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
