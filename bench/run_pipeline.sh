#!/usr/bin/env bash
# Benchmark of the core pipeline: the reference's moon example (2100x2100 photo,
# 640x640 disparity, 960x960 working size) to a binary PLY with the classical
# backend. Prints wall seconds, peak RSS, mesh size and the time per stage.
# Usage: bench/run_pipeline.sh [path/to/photo3d] [threads]
set -euo pipefail
BIN=${1:-build/photo3d}
THREADS=${2:-2}
DATA=${P3D_SHARED_DATA:-$(dirname "$0")/../../shared/data}
[ -f "$DATA/moon/moon.jpg" ] || { echo "bench: $DATA/moon not found (set P3D_SHARED_DATA)"; exit 77; }
OUT=$(mktemp -d /tmp/p3dbench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
OMP_NUM_THREADS=$THREADS /usr/bin/time -v "$BIN" run "$DATA/moon/moon.jpg" --depth "$DATA/moon/moon.npy" --video none \
  -o "$OUT/mesh" --threads "$THREADS" 2>"$OUT/log.txt"
secs=$(grep "Elapsed (wall clock)" "$OUT/log.txt" | awk '{print $NF}')
rss=$(grep "Maximum resident set size" "$OUT/log.txt" | awk '{print $NF}')
echo "moon -> PLY: wall $secs (m:ss), peak RSS $((rss / 1024)) MiB, $THREADS threads"
grep -E "vertices, .* faces" "$OUT/log.txt" | sed 's/^photo3d run: [^:]*: /mesh: /'
grep -E "^  [a-z].* s$" "$OUT/log.txt"
