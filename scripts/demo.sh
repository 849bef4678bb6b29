#!/usr/bin/env bash
# The bundled example: `make demo` runs `bash scripts/demo.sh build/photo3d`.
# Step 1 writes the synthetic RGB-D scene (photo + depth + ground-truth views)
# into out/demo/scene; later steps run the pipeline on it.
set -euo pipefail

BIN=${1:?usage: scripts/demo.sh PATH/TO/photo3d}
OUT=${DEMO_OUT:-out/demo}
SCENE="$OUT/scene"

step() { printf '\n== %s\n' "$*"; }

synth_scene() {
  step "synthetic scene -> $SCENE"
  "$BIN" synth --quiet --size 640x480 --seed 1 "$SCENE"
  sed -n 's/^  "description": "\(.*\)",$/\1/p' "$SCENE/scene.json" | fold -s -w 100
  echo
  echo "files:"
  for f in "$SCENE"/*; do
    printf '  %-20s %9d bytes\n' "$(basename "$f")" "$(stat -c %s "$f")"
  done
}

mkdir -p "$OUT"
synth_scene
