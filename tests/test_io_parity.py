"""Parity of photo3d's resizing and depth normalisation with the libraries the
reference uses: OpenCV cv2.resize (INTER_AREA / INTER_LINEAR / INTER_CUBIC) and
scikit-image resize inside the reference's read_MiDaS_depth (ALGORITHM.md 2.3,
2.4). Drives tests/tool_io.c (built into P3D_BUILD_DIR) on temporary files.
Skips (77) when python3-opencv or python3-skimage is missing."""
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import cv2
    from skimage.transform import resize as sk_resize
except ImportError as e:
    print(f"SKIPPED: {e} (apt-get install python3-opencv python3-skimage)")
    sys.exit(77)

TOOL = os.path.join(os.environ["P3D_BUILD_DIR"], "tool_io")
TMP = tempfile.mkdtemp(prefix="p3d_parity_")
FAILS = []
MODES = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC}


def tool(*args):
    subprocess.run([TOOL, *map(str, args)], check=True)


def check(what, ok, detail):
    print(f"{'ok  ' if ok else 'FAIL'} {what}: {detail}")
    if not ok:
        FAILS.append(what)


def read_midas_depth(disp, h, w):
    """utils.py read_MiDaS_depth(path, 3.0, h, w) of the reference, on an array."""
    disp = disp - disp.min()
    disp = cv2.blur(disp / disp.max(), ksize=(3, 3)) * disp.max()
    disp = (disp / disp.max()) * 3.0
    disp = sk_resize(disp / disp.max(), (h, w), order=1) * disp.max()
    return 1.0 / np.maximum(disp, 0.05)


rng = np.random.default_rng(7)
# (source w, h) -> (destination w, h): non-integer and integer shrinks, enlargements, mixed.
SIZES = [((37, 23), (16, 10)), ((40, 30), (20, 15)), ((45, 30), (15, 10)), ((37, 23), (55, 34)),
         ((16, 16), (24, 24)), ((37, 23), (20, 40)), ((64, 48), (61, 47)), ((7, 5), (3, 2)),
         ((2, 2), (3, 3)), ((1, 1), (4, 3)), ((5, 1), (2, 1))]
SIZES += [((int(a), int(b)), (int(c), int(d))) for a, b, c, d in rng.integers(1, 70, (12, 4))]

for (sw, sh), (dw, dh) in SIZES:
    img = rng.integers(0, 256, (sh, sw, 3), dtype=np.uint8)
    # smooth content as well as noise: photos are mostly smooth
    img[: sh // 2] = np.clip(np.linspace(0, 255, sw)[None, :, None] + rng.normal(0, 3, (sh // 2, sw, 3)), 0, 255).astype(np.uint8)
    src = os.path.join(TMP, "in.png")
    cv2.imwrite(src, img[:, :, ::-1])
    for name, flag in MODES.items():
        out = os.path.join(TMP, "out.png")
        tool("resize-image", name, src, dw, dh, out)
        ours = cv2.imread(out, cv2.IMREAD_UNCHANGED)[:, :, ::-1].astype(int)
        ref = cv2.resize(img, (dw, dh), interpolation=flag).astype(int)
        diff = np.abs(ours - ref)
        check(f"uint8 {name} {sw}x{sh}->{dw}x{dh}", diff.max() == 0,
              f"max diff {diff.max()}, {np.count_nonzero(diff)}/{diff.size} differ")
    m = rng.normal(0, 1, (sh, sw)).astype(np.float32)
    src = os.path.join(TMP, "in.npy")
    np.save(src, m)
    for name, flag in MODES.items():
        out = os.path.join(TMP, "out.npy")
        tool("resize-map", name, src, dw, dh, out)
        ours = np.load(out)
        ref = cv2.resize(m, (dw, dh), interpolation=flag)
        err = np.abs(ours - ref).max()
        check(f"float {name} {sw}x{sh}->{dw}x{dh}", err <= 1e-6, f"max abs err {err:.3g}")

# The reference depth path: enlarging (MiDaS 640 -> 960 is 1.5x) and shrinking (anti-aliased).
for (sw, sh), (dw, dh) in [((40, 30), (60, 45)), ((50, 40), (23, 17)), ((33, 20), (20, 30))]:
    m = (rng.normal(0, 1, (sh, sw)) + np.linspace(-1, 2, sw)[None, :]).astype(np.float32)
    src = os.path.join(TMP, "d.npy")
    np.save(src, m)
    out = os.path.join(TMP, "depth.npy")
    tool("depth", "disparity", src, dw, dh, out)
    ours, ref = np.load(out), read_midas_depth(m, dh, dw)
    rel = (np.abs(ours - ref) / ref).max()
    check(f"read_MiDaS_depth {sw}x{sh}->{dw}x{dh}", rel < 1e-5, f"max rel err {rel:.3g}")

data = os.environ.get("P3D_SHARED_DATA", "")
moon = os.path.join(data, "moon", "moon.npy")
if os.path.exists(moon):
    out = os.path.join(TMP, "moon_depth.npy")
    tool("depth", "disparity", moon, 960, 960, out)
    ours, ref = np.load(out), read_midas_depth(np.load(moon), 960, 960)
    rel = (np.abs(ours - ref) / ref).max()
    check("moon.npy read_MiDaS_depth 640->960", rel < 1e-4,
          f"max rel err {rel:.3g}, max abs err {np.abs(ours - ref).max():.3g}")
    photo = os.path.join(data, "moon", "moon.jpg")
    out = os.path.join(TMP, "moon960.png")
    tool("resize-image", "area", photo, 960, 960, out)
    ours = cv2.imread(out)[:, :, ::-1].astype(int)
    ref = cv2.resize(cv2.imread(photo)[:, :, ::-1], (960, 960), interpolation=cv2.INTER_AREA).astype(int)
    diff = np.abs(ours - ref)
    check("moon.jpg INTER_AREA 2100->960", diff.max() == 0,
          f"max diff {diff.max()}, {np.count_nonzero(diff)}/{diff.size} differ")
else:
    print("moon data not found; skipping the moon checks")

print(f"{len(FAILS)} failed")
sys.exit(1 if FAILS else 0)
