"""Parity of the sparse bilateral median filter (src/depth/bilateral_median.c)
with a literal numpy transcription of the method as ALGORITHM.md 3 describes
the reference's sparse_bilateral_filtering: discontinuity map, border ring
replacement, edge padding, per-pixel weighted median with float32 weights
and np.digitize(0.5, cumsum) selection, passes 0..num_iter-2 kept.
Drives tests/tool_depth_filter.c on random depth maps with steps."""
import os
import subprocess
import sys
import tempfile

import numpy as np

TOOL = os.path.join(os.environ["P3D_BUILD_DIR"], "tool_depth_filter")
TMP = tempfile.mkdtemp(prefix="p3d_filter_")


def replace_ring(a):
    a[0], a[-1] = a[1], a[-2]
    a[:, 0], a[:, -1] = a[:, 1], a[:, -2]


def one_pass(depth, threshold, window):
    d = depth.copy()
    q = 1.0 / d
    c = q[1:-1, 1:-1]
    flag = np.zeros(d.shape, bool)
    flag[1:-1, 1:-1] = ((np.abs(c - q[:-2, 1:-1]) > threshold) | (np.abs(c - q[2:, 1:-1]) > threshold)
                        | (np.abs(c - q[1:-1, :-2]) > threshold) | (np.abs(c - q[1:-1, 2:]) > threshold))
    replace_ring(d)
    replace_ring(flag)
    m = window // 2
    dp, fp = np.pad(d, m, "edge"), np.pad(flag, m, "edge")
    out = d.copy()
    for y in range(d.shape[0]):
        for x in range(d.shape[1]):
            win = fp[y:y + window, x:x + window]
            if not win.any():
                continue
            vals = dp[y:y + window, x:x + window].ravel()
            w = (~win).ravel().astype(np.float32)
            if w.sum() == 0:
                continue
            w = w / w.sum()
            order = np.argsort(vals, kind="stable")
            cum = np.cumsum(w[order])
            out[y, x] = vals[order][np.digitize(0.5, cum)]
    return out


def reference(depth, threshold=0.04, sizes=(7, 7, 5, 5, 5), num_iter=5):
    d = depth.astype(np.float64)
    kept = []
    for i in range(num_iter):
        kept.append(d)
        d = one_pass(d, threshold, sizes[i])
    return kept[-1]


def scene(rng, h, w):
    d = np.full((h, w), 4.0) + rng.random((h, w)) * 0.05
    d[h // 4:3 * h // 4, w // 5:w // 2] = 1.0 + rng.random((3 * h // 4 - h // 4, w // 2 - w // 5)) * 0.02
    d[rng.random((h, w)) < 0.03] = 2.0  # flying pixels
    yy, xx = np.mgrid[0:h, 0:w]
    d[(yy - h * 0.6) ** 2 + (xx - w * 0.75) ** 2 < (h * 0.15) ** 2] = 0.6
    return d.astype(np.float32)


def main():
    rng = np.random.default_rng(11)
    fails = 0
    for k, (h, w) in enumerate([(37, 53), (24, 24), (5, 9)]):
        d = scene(rng, h, w)
        src, dst = f"{TMP}/in{k}.npy", f"{TMP}/out{k}.npy"
        np.save(src, d)
        subprocess.run([TOOL, src, dst], check=True)
        got = np.load(dst)
        want = reference(d).astype(np.float32)
        bad = int(np.sum(got != want))
        print(f"{h}x{w}: {bad} of {h * w} pixels differ; changed by the filter: {int(np.sum(want != d))}")
        fails += bad > 0
    print(f"{3 - fails} passed, {fails} failed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
