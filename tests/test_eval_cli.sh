# photo3d eval on a small synthetic scene: all four methods scored, the
# JSON report complete, ours' disoccluded PSNR a finite number; bad input
# gives a one-line error, exit 1 (input) or 2 (usage), and no output files.
source "$(dirname "$0")/testlib.sh"

expect_exit 0 "$P3D_BIN" synth "$T/s" --size 160x120 --seed 3 --pose -0.15,0,0 --quiet
S=$T/s
expect_exit 0 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --target "$S/view_1.png" --pose -0.15,0,0 \
  --mask "$S/view_1_hidden.png" --json "$T/r.json" --png "$T/r.png" --mask-out "$T/m.png"
expect_out "^classical +[0-9.]+ / +[0-9.]+"
/usr/bin/python3 - "$T/r.json" "$T/r.png" "$T/m.png" "$S/view_1_hidden.png" <<'PY' && ok || bad "report content"
import json, math, sys, zlib, struct
r = json.load(open(sys.argv[1]))
for k in ("source", "depth", "target", "width", "height", "depth_kind", "scene_scale", "pose_scaled",
          "mask", "pixels", "ssim", "methods"):
    assert k in r, k
assert (r["width"], r["height"]) == (160, 120)
assert set(r["methods"]) == {"classical", "diffusion", "stretch", "holes"}, r["methods"].keys()
for name, m in r["methods"].items():
    for region in ("all", "seen", "disoccluded"):
        for f in ("psnr", "ssim", "pixels"):
            assert f in m[region], (name, region, f)
    assert m["disoccluded"]["pixels"] == r["pixels"]["disoccluded"] > 0
    assert m["all"]["pixels"] == 160 * 120
ours = r["methods"]["classical"]["disoccluded"]
assert isinstance(ours["psnr"], float) and math.isfinite(ours["psnr"]) and 5 < ours["psnr"] < 60, ours
assert -1 <= ours["ssim"] <= 1
# scale: the nearest depth becomes 1/3 (largest disparity 3.0), the pose scales alike
assert abs(r["pose_scaled"][0] / -0.15 - r["scene_scale"]) < 1e-6
# holes shows gray where nothing was synthesised: worse than ours in the disoccluded pixels
assert r["methods"]["holes"]["disoccluded"]["psnr"] < ours["psnr"] + 3
def png_size(p):
    b = open(p, "rb").read()
    return struct.unpack(">II", b[16:24])
assert png_size(sys.argv[2]) == (4 * 160 + 3 * 4, 4 * 120 + 3 * 4), png_size(sys.argv[2])
# --mask-out writes the mask it was given
assert open(sys.argv[3], "rb").read()[:8] == b"\x89PNG\r\n\x1a\n"
PY

# forward-warped mask from the target's depth: the same scene, all methods
expect_exit 0 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --target "$S/view_1.png" --pose -0.15,0,0 \
  --target-depth "$S/view_1_depth.npy" --backend stretch,holes --json "$T/w.json" --quiet
/usr/bin/python3 -c "
import json; r = json.load(open('$T/w.json'))
assert r['mask'].startswith('forward warp') and r['pixels']['disoccluded'] > 0
assert set(r['methods']) == {'stretch', 'holes'}" && ok || bad "forward-warp report"

# bad input: one line, exit 1, nothing written
"$P3D_BIN" synth "$T/small" --size 80x60 --quiet
expect_exit 1 "$P3D_BIN" eval "$S/nope.png" "$S/depth.npy" --target "$S/view_1.png" --pose 0,0,0 --json "$T/x.json"
expect_err "nope.png"
expect_exit 1 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --target "$T/small/image.png" --pose 0,0,0 --json "$T/x.json"
expect_err "image.png: 80x60, the source photo is 160x120"
printf 'not an image' >"$T/bad.png"
expect_exit 1 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --target "$T/bad.png" --pose 0,0,0 --json "$T/x.json"
expect_err "bad.png"
expect_exit 1 "$P3D_BIN" eval "$S/image.png" "$T/small/depth.npy" --target "$S/view_1.png" --pose 0,0,0 --json "$T/x.json"
expect_err "depth.npy: 80x60"
# bad usage: exit 2
expect_exit 2 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --target "$S/view_1.png" --pose 1,2
expect_err "--pose"
expect_exit 2 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --pose 0,0,0
expect_exit 2 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --target "$S/view_1.png" --pose 0,0,0 --backend magic
expect_err "magic"
expect_exit 2 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --target "$S/view_1.png" --pose 0,0,0 --depth-kind zz
expect_exit 2 "$P3D_BIN" eval "$S/image.png" "$S/depth.npy" --target "$S/view_1.png" --pose 0,0,0 --set nosuchkey=1
[ ! -e "$T/x.json" ] && ok || bad "an output file was left behind by a failed run"
finish
