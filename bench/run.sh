#!/usr/bin/env bash
# Runs every benchmark script bench/*.sh (except this one) with the path of the
# built photo3d binary; each script finds its own programs next to it.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in bench/*.sh; do
  [ "$script" = bench/run.sh ] && continue
  bash "$script" "$1"
done
