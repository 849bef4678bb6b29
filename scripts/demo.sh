#!/usr/bin/env bash
# The bundled example: `make demo` runs `bash scripts/demo.sh build/photo3d`.
# 1. writes the synthetic RGB-D scene (photo + depth + ground-truth views) into
#    out/demo/scene;
# 2. runs the whole job on it: 3D photo mesh (PLY, GLB) and the four parallax
#    videos into out/demo/photo3d;
# 3. measures the novel view against the scene's exact ground truth.
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

three_d_photo() {
  step "3D photo: photo3d run -> $OUT/photo3d"
  "$BIN" run "$SCENE/image.png" --depth "$SCENE/depth.npy" --depth-kind depth -o "$OUT/photo3d" \
    --glb --debug-dir "$OUT/photo3d/debug"
  echo
  echo "files:"
  for f in "$OUT/photo3d"/*.*; do
    printf '  %-28s %10d bytes
' "$(basename "$f")" "$(stat -c %s "$f")"
  done
}

novel_view() {
  step "novel view vs ground truth: photo3d eval (camera 0.15 to the left)"
  "$BIN" eval "$SCENE/image.png" "$SCENE/depth.npy" --depth-kind depth --target "$SCENE/view_1.png" \
    --pose -0.15,0,0 --mask "$SCENE/view_1_hidden.png" --json "$OUT/eval.json" --png "$OUT/eval.png" --quiet
  echo "side by side (source | rendered | truth | error): $OUT/eval.png"
}

mkdir -p "$OUT"
synth_scene
three_d_photo
novel_view
