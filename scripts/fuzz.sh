#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR (default build-fuzz) for
# FUZZ_SECONDS each (default 20), starting from fuzz/seeds/<target>/ and
# keeping the grown corpus in BUILD_DIR/corpus/<target>/. Crashes are written
# to BUILD_DIR/crashes/. Exits non-zero when a target finds a crash.
set -euo pipefail
BUILD_DIR=${1:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$BUILD_DIR/crashes"
status=0
for fuzzer in "$BUILD_DIR"/fuzz_*; do
  [ -x "$fuzzer" ] || continue
  name=$(basename "$fuzzer")
  corpus="$BUILD_DIR/corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$ROOT/fuzz/seeds/$name" ] && seeds=("$ROOT/fuzz/seeds/$name")
  echo "fuzz: $name for ${SECONDS_EACH}s"
  if ! "$fuzzer" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$BUILD_DIR/crashes/$name-" "$corpus" "${seeds[@]}" 2>"$BUILD_DIR/$name.log"; then
    echo "fuzz: $name FAILED (see $BUILD_DIR/$name.log)"
    tail -30 "$BUILD_DIR/$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$BUILD_DIR/$name.log" | tail -2
  fi
done
exit $status
