#!/usr/bin/env bash
# Runs every fuzzer built in BUILD_DIR (default build-fuzz) for FUZZ_SECONDS
# seconds each (default 60), starting from fuzz/corpus/<name>/ when present.
# New corpus entries and crashes go to BUILD_DIR/fuzz-out/<name>/.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for fuzzer in "$build"/fuzz_*; do
  [ -x "$fuzzer" ] || continue
  name=$(basename "$fuzzer")
  out="$build/fuzz-out/$name"
  mkdir -p "$out/corpus" "$out/crashes"
  seeds=()
  [ -d "$root/fuzz/corpus/$name" ] && seeds=("$root/fuzz/corpus/$name")
  echo "fuzz: $name for ${seconds}s"
  "$fuzzer" -max_total_time="$seconds" -artifact_prefix="$out/crashes/" -print_final_stats=1 \
    "$out/corpus" "${seeds[@]}" || status=1
done
exit $status
