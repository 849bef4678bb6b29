#!/usr/bin/env bash
# Runs every bench/*.sh except this one with the photo3d binary as $1.
set -u
BIN=${1:?usage: bench/run.sh PATH/TO/photo3d}
status=0
for b in "$(dirname "$0")"/*.sh; do
  [ "$(basename "$b")" = run.sh ] && continue
  echo "=== $(basename "$b")"
  bash "$b" "$BIN" || status=1
done
exit $status
