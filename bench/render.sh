#!/usr/bin/env bash
# Render benchmark and parity check against the reference's moon videos.
# Usage: bench/render.sh PATH/TO/photo3d   (tool_video_psnr is taken from the same build folder)
# 1. Speed: the 4 default videos (4 x 240 frames, 960 px) of a simple moon mesh
#    (bench/moon_mesh.py: single layer, no inpainting), render and encode times.
# 2. Parity: the reference's shipped videos have 241 frames and circle/swing used
#    older shifts (x, y -0.02, z -0.07); the same poses are rendered here (circle
#    and swing through --path files) and compared frame by frame (mean PSNR).
set -euo pipefail
BIN=$(realpath "${1:?usage: render.sh PATH/TO/photo3d}")
TOOLS=$(dirname "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${P3D_SHARED_DATA:-$HERE/../../shared/data}
[ -d "$DATA/moon" ] || { echo "render.sh: no moon data in $DATA; skipped"; exit 0; }
W=$(mktemp -d /tmp/p3dbench.XXXXXX)
trap 'rm -rf "$W"' EXIT
THREADS=${THREADS:-2}

MLD=$(/usr/bin/python3 "$HERE/moon_mesh.py" "$DATA" "$W/moon.ply")
echo "moon mesh: $(head -c 400 "$W/moon.ply" | grep -a 'element' | tr '\n' ' '), mean_loc_depth $MLD"

echo "== speed: 4 default videos, 240 frames each, $THREADS threads"
/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys" \
  "$BIN" render "$W/moon.ply" --out "$W/speed" --center-depth "$MLD" --threads "$THREADS" --stats --quiet

echo "== parity with the reference's videos (241 frames)"
"$BIN" render "$W/moon.ply" --out "$W/par" --video zoom-in,dolly-zoom-in --frames 241 \
  --center-depth "$MLD" --threads "$THREADS" --quiet
# circle/swing with the shifts the shipped videos were made with
awk 'BEGIN { pi = atan2(0, -1); for (k = 0; k < 241; k++) { th = -2 + k * (4 / 241);
     printf "%.17g %.17g %.17g\n", cos(th * pi) * -0.02, sin(th * pi) * -0.02, cos(th * pi / 2) * -0.07 } }' >"$W/circle.txt"
awk 'BEGIN { pi = atan2(0, -1); for (k = 0; k < 241; k++) { th = -2 + k * (4 / 241);
     printf "%.17g %.17g %.17g\n", cos(th * pi) * -0.02, 0, cos(th * pi / 2) * -0.07 } }' >"$W/swing.txt"
for v in circle swing; do
  "$BIN" render "$W/moon.ply" --out "$W/par" --path "$W/$v.txt" --threads "$THREADS" --quiet
  mv "$W/par/moon_path.mp4" "$W/par/moon_$v.mp4"
done
for v in zoom-in dolly-zoom-in circle swing; do
  echo "-- $v"
  "$TOOLS/tool_video_psnr" "$W/par/moon_$v.mp4" "$DATA/moon/moon_$v.mp4" | tail -1
done
