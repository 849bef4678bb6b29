#!/usr/bin/env bash
# Render benchmark and parity check against the reference's moon videos.
# Usage: bench/render.sh PATH/TO/photo3d   (tool_pipeline_mesh and tool_video_psnr are
# taken from the same build folder)
# 1. Speed: the 4 default videos (4 x 240 frames, 960 px) of the moon's 3D photo mesh
#    (photo3d's pipeline with the classical inpainting backend): render and encode times;
#    then rendering alone (tool_render_bench: CPU time per stage, frames per second).
# 2. Parity: the reference's shipped videos have 241 frames, the 240 poses of the default
#    trajectories plus a copy of the last frame (frames 239 and 240 agree to 61 dB), and
#    circle/swing used older shifts (x, y -0.02, z -0.07); the same poses are rendered
#    (circle and swing through --path files) and the first 240 frames compared (mean PSNR). zoom-in is also rendered from
#    a single-layer mesh without inpainting (bench/moon_mesh.py) for comparison.
set -euo pipefail
BIN=$(realpath "${1:?usage: render.sh PATH/TO/photo3d}")
TOOLS=$(dirname "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${P3D_SHARED_DATA:-$HERE/../../shared/data}
[ -d "$DATA/moon" ] || { echo "render.sh: no moon data in $DATA; skipped"; exit 0; }
W=$(mktemp -d /tmp/p3dbench.XXXXXX)
trap 'rm -rf "$W"' EXIT
THREADS=${THREADS:-2}

MLD=$("$TOOLS/tool_pipeline_mesh" "$DATA/moon/moon.jpg" "$DATA/moon/moon.npy" "$W/moon.ply")
"$BIN" info "$W/moon.ply"
echo "mean_loc_depth $MLD"

echo "== speed: 4 default videos, 240 frames each, $THREADS threads"
/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys" \
  "$BIN" render "$W/moon.ply" -o "$W/speed" --center-depth "$MLD" --threads "$THREADS" --stats --quiet
echo "== the same again: the videos must come out byte for byte the same (wall time: a second sample)"
/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys" \
  "$BIN" render "$W/moon.ply" -o "$W/again" --center-depth "$MLD" --threads "$THREADS" --quiet
for f in "$W"/speed/*.mp4; do
  cmp -s "$f" "$W/again/$(basename "$f")" && echo "  $(basename "$f"): same bytes" ||
    echo "  $(basename "$f"): DIFFERS between two runs"
done
echo "== the same from the mesh as it is (--simplify 0: no flat blocks drawn as fans)"
/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys" \
  "$BIN" render "$W/moon.ply" -o "$W/speed0" --center-depth "$MLD" --threads "$THREADS" --stats \
  --simplify 0 --quiet
echo "== the same with the reference's exact 3x3 anti-flickering (--supersample 3)"
/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys" \
  "$BIN" render "$W/moon.ply" -o "$W/speed3" --center-depth "$MLD" --threads "$THREADS" --stats \
  --supersample 3 --quiet

echo "== rendering alone (no encoder), 4 x 24 frames, $THREADS threads; CPU ms per stage"
# passive waiting as photo3d render has it (src/cli/start_env.c)
for ss in 2 3; do
  for px in 0.25 0; do
    echo "-- supersample $ss, simplify $px px"
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} "$TOOLS/tool_render_bench" "$W/moon.ply" 24 "$THREADS" $ss $px |
      grep -v hash
    # the same frames also drawn from the mesh as it is (untimed): PSNR of the simplified ones
    [ $px = 0 ] || OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} P3D_COMPARE=1 \
      "$TOOLS/tool_render_bench" "$W/moon.ply" 24 "$THREADS" $ss $px | grep "against exact"
  done
done

echo "== encoding alone: the default run's circle video decoded, then encoded again as photo3d render does"
"$TOOLS/tool_encode_bench" "$W/speed/moon_circle.mp4" "$W/encode.mp4"

echo "== parity with the reference's videos (first 240 frames)"
"$BIN" render "$W/moon.ply" -o "$W/par" --video zoom-in,dolly-zoom-in \
  --center-depth "$MLD" --threads "$THREADS" --quiet
# circle/swing with the shifts the shipped videos were made with
for v in circle swing; do
  ys=-0.02
  [ $v = swing ] && ys=0
  awk -v ys=$ys 'BEGIN { pi = atan2(0, -1); for (k = 0; k < 240; k++) { th = -2 + k * (4 / 240);
       printf "%.17g %.17g %.17g\n", cos(th * pi) * -0.02, sin(th * pi) * ys, cos(th * pi / 2) * -0.07 } }' >"$W/$v.txt"
  "$BIN" render "$W/moon.ply" -o "$W/par" --path "$W/$v.txt" --threads "$THREADS" --quiet
  mv "$W/par/moon_path.mp4" "$W/par/moon_$v.mp4"
done
for v in zoom-in dolly-zoom-in circle swing; do
  echo "-- $v"
  "$TOOLS/tool_video_psnr" "$W/par/moon_$v.mp4" "$DATA/moon/moon_$v.mp4" | tail -1
done
echo "-- zoom-in with --supersample 3: against the reference's, then against the default's"
mkdir -p "$W/par3"
"$BIN" render "$W/moon.ply" -o "$W/par3" --video zoom-in --center-depth "$MLD" --threads "$THREADS" \
  --supersample 3 --quiet
"$TOOLS/tool_video_psnr" "$W/par3/moon_zoom-in.mp4" "$DATA/moon/moon_zoom-in.mp4" | tail -1
"$TOOLS/tool_video_psnr" "$W/par3/moon_zoom-in.mp4" "$W/par/moon_zoom-in.mp4" | tail -1
if /usr/bin/python3 -c "import cv2" 2>/dev/null; then
  echo "-- zoom-in from a single-layer mesh without inpainting"
  mkdir -p "$W/single"
  /usr/bin/python3 "$HERE/moon_mesh.py" "$DATA" "$W/single/moon.ply" >/dev/null
  "$BIN" render "$W/single/moon.ply" -o "$W/single" --video zoom-in --threads "$THREADS" --quiet
  "$TOOLS/tool_video_psnr" "$W/single/moon_zoom-in.mp4" "$DATA/moon/moon_zoom-in.mp4" | tail -1
fi
