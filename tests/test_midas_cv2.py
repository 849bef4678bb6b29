"""MiDaS pre/post-processing (src/depth/midas_io.c) against OpenCV itself:
the reference's resize_image / resize_depth, written here from ALGORITHM.md 7,
on random inputs of awkward sizes. Runs tests/tool_midas_io.c."""
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import cv2
except ImportError:
    print("SKIPPED: python3 cv2 not available")
    sys.exit(77)

TOOL = os.path.join(os.environ.get("P3D_TOOL_DIR", "."), "tool_midas_io")
failures = 0
checks = 0


def check(name, got, want, tol):
    global failures, checks
    checks += 1
    if got.shape != want.shape:
        failures += 1
        print("FAIL %s: shape %s, expected %s" % (name, got.shape, want.shape))
        return
    err = float(np.max(np.abs(got.astype(np.float64) - want)))
    if err > tol:
        failures += 1
        print("FAIL %s: max error %g > %g" % (name, err, tol))
    else:
        print("ok %s: max error %.3g" % (name, err))


def ref_input(photo):
    img = photo / 255.0
    h0, w0 = img.shape[:2]
    scale = w0 / 384.0 if w0 > h0 else h0 / 384.0
    h = int(np.ceil(h0 / scale / 32) * 32)
    w = int(np.ceil(w0 / scale / 32) * 32)
    img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    return np.transpose(img, (2, 0, 1))[None].astype(np.float32)


def ref_disparity(out, w0, h0):
    scale = 640.0 / max(h0, w0)
    th, tw = int(round(h0 * scale)), int(round(w0 * scale))
    d = cv2.blur(out, (3, 3))
    return cv2.resize(d, (tw, th), interpolation=cv2.INTER_AREA)


def run(tmp, *args):
    subprocess.run([TOOL] + [str(a) for a in args], check=True, timeout=60)


def main():
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        p_in, p_out = os.path.join(tmp, "in.npy"), os.path.join(tmp, "out.npy")
        for h, w in [(61, 97), (400, 600), (30, 20), (333, 500), (5, 700)]:
            photo = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
            np.save(p_in, photo)
            run(tmp, "pre", p_in, p_out)
            check("input %dx%d" % (w, h), np.load(p_out), ref_input(photo), 2e-6)
        for h, w in [(7, 5), (1, 9), (64, 96), (2, 2)]:
            m = rng.standard_normal((h, w)).astype(np.float32)
            np.save(p_in, m)
            run(tmp, "blur", p_in, p_out)
            check("blur %dx%d" % (w, h), np.load(p_out), cv2.blur(m, (3, 3)), 1e-6)
        for (h0, w0) in [(800, 1200), (333, 250), (10, 1000), (480, 640)]:
            scale = w0 / 384.0 if w0 > h0 else h0 / 384.0
            h = int(np.ceil(h0 / scale / 32) * 32)
            w = int(np.ceil(w0 / scale / 32) * 32)
            out = (rng.random((h, w)) * 10).astype(np.float32)
            np.save(p_in, out)
            run(tmp, "post", p_in, w0, h0, p_out)
            check("disparity of %dx%d" % (w0, h0), np.load(p_out), ref_disparity(out, w0, h0), 2e-5)
    print("%d passed, %d failed" % (checks - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
