# photo3d run: photo + depth -> PLY, debug maps, options, bad input
# (src/cli/cmd_run.c). Small working sizes keep it fast.
. "$(dirname "$0")/testlib.sh"
need_data
M=$P3D_SHARED_DATA/moon
SMALL=(--video none --set longer_side_len=160 --set extrapolation_thickness=16 --set context_thickness=40
       --set background_thickness=20 --set background_thickness_2=20 --set context_thickness_2=20)

expect_exit 0 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/mesh" --debug-dir "$T/dbg" "${SMALL[@]}"
[ -s "$T/mesh/moon.ply" ] && ok || bad "no moon.ply"
head -c 200 "$T/mesh/moon.ply" | grep -aq "format binary_little_endian" && ok || bad "PLY is not binary"
grep -q "differ: both resized to 160x160" "$T/err" && ok || bad "no resize note: $(cat "$T/err")"
for f in depth_filtered.npy edges.png regions_iter0.png inpaint_depth_iter0.png inpaint_rgb_iter0.png \
         regions_iter1.png ldi.json; do
  [ -s "$T/dbg/$f" ] && ok || bad "debug file $f missing"
done
/usr/bin/python3 - "$T/dbg" <<'PY' && ok || bad "debug contents"
import json, sys, numpy as np
d = np.load(sys.argv[1] + "/depth_filtered.npy")
assert d.shape == (160, 160) and d.dtype == np.float32, d.shape
assert 1 / 3 - 1e-4 <= d.min() and d.max() <= 20 + 1e-4, (d.min(), d.max())
j = json.load(open(sys.argv[1] + "/ldi.json"))
# every working pixel has a front vertex, plus the 16-pixel band, plus synthesised layers
assert j["vertices"] > 192 * 192, j
assert j["pixels"] == 160 * 160 and j["max_layers"] >= 2, j
assert j["faces"] > 0 and "inpaint iteration 0" in j["seconds"], j
PY

# The reference's ascii layout
expect_exit 0 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.png" -o "$T/ascii" --ply-ascii --quiet "${SMALL[@]}"
head -n 5 "$T/ascii/moon.ply" | grep -q "^comment H 160$" && ok || bad "ascii PLY header"

# Deterministic: the same bytes with 1 and 2 threads
expect_exit 0 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/t1" --threads 1 --quiet "${SMALL[@]}"
expect_exit 0 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/t2" --threads 2 --quiet "${SMALL[@]}"
cmp -s "$T/t1/moon.ply" "$T/t2/moon.ply" && ok || bad "PLY differs between 1 and 2 threads"

# Configuration: argument.yml keys, ignored ones noted; unknown ones refused
printf 'fps: 40\ndepth_threshold: 0.05\nlonger_side_len: 120\n' >"$T/argument.yml"
expect_exit 0 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/cfg" --config "$T/argument.yml" \
  --set extrapolate_border=false
grep -q "option 'fps' ignored" "$T/err" && ok || bad "no note for fps: $(cat "$T/err")"
grep -q "resized to 120x120" "$T/err" && ok || bad "config not applied"
expect_exit 2 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/x" --set depth_treshold=1
expect_err "unknown option 'depth_treshold'"
printf 'depth_threshold: 0.05\nbogus: 1\n' >"$T/bad.yml"
expect_exit 1 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/x" --config "$T/bad.yml"
expect_err "bad.yml.*bogus"

# Bad input: one line naming the file, no output
expect_exit 1 "$P3D_BIN" run "$M/moon.jpg" --depth "$T/missing.npy" -o "$T/none"
expect_err "missing.npy"
[ ! -e "$T/none/moon.ply" ] && ok || bad "partial output"
# No depth map: MiDaS, whose weights are not installed here
PHOTO3D_MODELS="$T/nomodels" expect_exit 1 "$P3D_BIN" run "$M/moon.jpg" -o "$T/none"
expect_err "nomodels/model.pt: .*not installed; run 'photo3d models fetch model.pt'"
[ ! -e "$T/none" ] && ok || bad "output folder made without depth"
PHOTO3D_MODELS="$T/nomodels" expect_exit 1 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/none" --inpaint neural
expect_err "edge-model.pth: .*not installed"
expect_exit 1 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/none" --inpaint neural --weights-dir "$T"
expect_err "edge-model.pth: not found"
expect_exit 2 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/none" --video sideways
# Videos after the mesh (two short ones) and the GLB
expect_exit 0 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/vid" --glb --frames 6 \
  --video zoom-in,circle --quiet "${SMALL[@]:2}"
for f in moon.ply moon.glb moon_zoom-in.mp4 moon_circle.mp4; do
  [ -s "$T/vid/$f" ] && ok || bad "no $f"
done
[ ! -e "$T/vid/moon_swing.mp4" ] && ok || bad "swing rendered though not asked"
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$T/vid/moon_zoom-in.mp4" 2>/dev/null)
[ "$frames" = 6 ] && ok || bad "zoom-in has '$frames' frames, expected 6"
# The reference's video keys given with --set reach the videos
expect_exit 0 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/vset" --video zoom-in \
  --set num_frames=3 --set fps=30 --quiet "${SMALL[@]:2}"
got=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames,r_frame_rate -of csv=p=0 "$T/vset/moon_zoom-in.mp4" 2>/dev/null)
[ "$got" = "30/1,3" ] && ok || bad "video keys: got '$got', expected 30/1,3"
expect_exit 2 "$P3D_BIN" run --depth "$M/moon.npy" -o "$T/none"
expect_exit 0 "$P3D_BIN" run --help-options
expect_out "^  depth_threshold +0.04 "
expect_exit 2 "$P3D_BIN" run "$M/moon.jpg" --depth "$M/moon.npy" -o "$T/none" --inpaint magic

# Degenerate inputs: flat, NaN holes, noise, tiny photos
/usr/bin/python3 - "$T" <<'PY'
import sys, numpy as np
from PIL import Image
t = sys.argv[1]
rng = np.random.default_rng(3)
Image.fromarray(rng.integers(0, 255, (30, 40, 3), dtype=np.uint8)).save(t + "/photo.png")
np.save(t + "/flat.npy", np.full((30, 40), 2.0, np.float32))
holes = np.linspace(0.1, 1, 30 * 40, dtype=np.float32).reshape(30, 40)
holes[5:9, 5:20] = np.nan
np.save(t + "/holes.npy", holes)
np.save(t + "/noise.npy", rng.random((30, 40)).astype(np.float32))
for w, h in [(1, 1), (3, 5)]:
    Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).save("%s/tiny%dx%d.png" % (t, w, h))
    np.save("%s/tiny%dx%d.npy" % (t, w, h), rng.random((h, w)).astype(np.float32))
PY
for d in flat holes noise; do
  expect_exit 0 "$P3D_BIN" run "$T/photo.png" --depth "$T/$d.npy" -o "$T/$d" --set longer_side_len=40 --quiet --video none
  [ -s "$T/$d/photo.ply" ] && ok || bad "$d: no PLY"
done
for s in 1x1 3x5; do
  expect_exit 0 "$P3D_BIN" run "$T/tiny$s.png" --depth "$T/tiny$s.npy" -o "$T/t$s" --set longer_side_len=5 --quiet --video none
  [ -s "$T/t$s/tiny$s.ply" ] && ok || bad "tiny $s: no PLY"
done
finish
