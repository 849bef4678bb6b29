# photo3d synth: byte-identical output for a seed, file formats (checked with
# numpy when /usr/bin/python3 has it), usage errors exit 2 with one line and
# write nothing.
. "$(dirname "$0")/testlib.sh"

expect_exit 0 "$P3D_BIN" synth --help
expect_out "^usage: photo3d synth"
expect_out "--pose tx,ty,tz"

expect_exit 0 "$P3D_BIN" synth --quiet --size 96x64 --seed 3 "$T/a"
expect_exit 0 "$P3D_BIN" synth --quiet --size 96x64 --seed 3 "$T/b"
expect_exit 0 "$P3D_BIN" synth --quiet --size 96x64 --seed 4 "$T/c"
for f in image.png depth.npy disparity.pfm scene.json view_1.png view_1_depth.npy view_1_hidden.png \
         view_2.png view_2_depth.npy view_2_hidden.png view_3.png view_3_depth.npy view_3_hidden.png; do
  if cmp -s "$T/a/$f" "$T/b/$f"; then ok; else bad "$f differs between two runs with seed 3"; fi
done
[ "$(ls "$T/a" | wc -l)" -eq 13 ] && ok || bad "expected 13 files, got: $(ls "$T/a")"
if cmp -s "$T/a/image.png" "$T/c/image.png"; then bad "seeds 3 and 4 give the same image"; else ok; fi
grep -q '"seed": 3' "$T/a/scene.json" && ok || bad "scene.json lacks the seed"

# Explicit poses replace the defaults; progress goes to stderr, the summary to stdout.
expect_exit 0 "$P3D_BIN" synth --size 64x64 --pose 0.1,0,0 --pose=0,-0.05,0.2 "$T/d"
expect_out "64x64 scene \(seed 1\) with 2 ground-truth views written"
[ -f "$T/d/view_2.png" ] && [ ! -e "$T/d/view_3.png" ] && ok || bad "poses: $(ls "$T/d")"

if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  /usr/bin/python3 - "$T/a" "$T/d" <<'PY' && ok || bad "file format checks (python)"
import json, sys
import numpy as np
a, d = sys.argv[1], sys.argv[2]
depth = np.load(f"{a}/depth.npy")
assert depth.dtype == np.float32 and depth.shape == (64, 96), (depth.dtype, depth.shape)
assert 1.5 < depth.min() < 3 and abs(depth.max() - 8) < 1e-5, (depth.min(), depth.max())
with open(f"{a}/disparity.pfm", "rb") as f:
    assert f.readline() == b"Pf\n" and f.readline() == b"96 64\n" and float(f.readline()) < 0
    disp = np.frombuffer(f.read(), "<f4").reshape(64, 96)[::-1]
assert np.allclose(disp, 1 / depth, rtol=1e-6)
scene = json.load(open(f"{a}/scene.json"))
assert scene["size"] == [96, 64] and scene["camera"]["fx"] == 96 and scene["camera"]["cy"] == 32
assert [v["centre"] for v in scene["views"]] == [[-0.15, 0, 0], [0.15, 0, 0], [0, 0, 0.3]]
assert len(scene["objects"]) >= 6
# The forward view (tz = 0.3): the wall is 0.3 nearer.
assert abs(np.load(f"{a}/view_3_depth.npy").max() - 7.7) < 1e-5
assert json.load(open(f"{d}/scene.json"))["views"][1]["centre"] == [0, -0.05, 0.2]
assert scene["views"][0]["hidden"] == "view_1_hidden.png" and "255" in scene["hidden_mask"]
try:
    from PIL import Image
    mask = np.asarray(Image.open(f"{a}/view_1_hidden.png"))
    assert mask.shape == (64, 96) and set(np.unique(mask)) <= {0, 128, 255}, np.unique(mask)
    assert (mask == 255).sum() > 20 and (mask == 0).sum() > 64 * 96 / 2
except ImportError:
    pass
PY
fi

# Usage errors: exit 2, one line naming the problem, nothing written.
for size in 8x8 640x 640x480x3 abc 9000x100 100x0 -5x100; do
  expect_exit 2 "$P3D_BIN" synth --size "$size" "$T/bad"
  expect_err "--size: '$size' is not WxH"
done
for pose in 1,2 a,b,c 1,2,3,4 0,0,inf "0.1 0 0" 0,0,; do
  expect_exit 2 "$P3D_BIN" synth --pose "$pose" "$T/bad"
  expect_err "--pose: '$pose' is not tx,ty,tz"
done
expect_exit 2 "$P3D_BIN" synth --pose 0,0,9 "$T/bad"
expect_err "pose 1: camera centre \(0,0,9\) is outside the room"
expect_exit 2 "$P3D_BIN" synth --pose 0.1,0,0 --pose -0.45,0.1,2.6 "$T/bad"
expect_err "pose 2: camera centre .* is inside the ball"
expect_exit 2 "$P3D_BIN" synth --seed -1 "$T/bad"
expect_err "--seed"
expect_exit 2 "$P3D_BIN" synth
expect_exit 2 "$P3D_BIN" synth --quiet --size 32x32 ""
expect_err "output directory name is empty"
expect_exit 2 "$P3D_BIN" synth "$T/bad" "$T/bad2"
[ ! -e "$T/bad" ] && [ ! -e "$T/bad2" ] && ok || bad "a usage error left $T/bad behind"

# An output path blocked by a file: exit 1, one line.
touch "$T/file"
expect_exit 1 "$P3D_BIN" synth --quiet --size 32x32 "$T/file/x"
expect_err "cannot create directory"
finish
