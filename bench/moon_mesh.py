#!/usr/bin/python3
"""Builds a simple single-layer mesh of the reference's moon example for the
render benchmark and the video comparison: the reference's depth read path
(ALGORITHM.md 2.4, with OpenCV's bilinear resize for skimage's), the photo
resized with INTER_AREA to the 960 working size, one vertex per pixel of the
image plus a 60-pixel band that repeats the edge pixels (a stand-in for the
reference's extrapolated border), two triangles per grid cell, no tearing.
Usage: moon_mesh.py SHARED_DATA OUT.ply  (prints mean_loc_depth)."""
import math
import sys

import cv2
import numpy as np

data, out = sys.argv[1], sys.argv[2]
d = np.load(f"{data}/moon/moon.npy").astype(np.float32)
H0, W0 = cv2.imread(f"{data}/moon/moon.jpg").shape[:2]
frac = 960 / max(d.shape)
H, W = int(d.shape[0] * frac), int(d.shape[1] * frac)
d = d - d.min()
d = cv2.blur(d / d.max(), (3, 3)) * d.max()
d = d / d.max() * 3.0
d = cv2.resize(d / d.max(), (W, H), interpolation=cv2.INTER_LINEAR) * d.max()
depth = 1.0 / np.maximum(d, 0.05)
mean_loc_depth = float(depth[H // 2, W // 2])
img = cv2.cvtColor(cv2.imread(f"{data}/moon/moon.jpg"), cv2.COLOR_BGR2RGB)
img = cv2.resize(img, (W, H), interpolation=cv2.INTER_AREA)

P = 60
depth = np.pad(depth, P, mode="edge")
img = np.pad(img, ((P, P), (P, P), (0, 0)), mode="edge")
fx, fy = max(H0, W0) / W0 * W, max(H0, W0) / H0 * H
cx, cy = (W0 // 2) / W0 * W, (H0 // 2) / H0 * H
rows, cols = np.mgrid[0 : H + 2 * P, 0 : W + 2 * P]
X = depth * (cols - P + 0.5 - cx) / fx
Y = depth * (rows - P + 0.5 - cy) / fy
alpha = np.ones(depth.shape, np.uint8)
alpha[:P, :] = alpha[-P:, :] = alpha[:, :P] = alpha[:, -P:] = 5

vert = np.zeros(depth.size, dtype=[("x", "<f4"), ("y", "<f4"), ("z", "<f4"), ("c", "u1", 4)])
vert["x"], vert["y"], vert["z"] = X.ravel(), Y.ravel(), depth.ravel()
vert["c"] = np.concatenate([img.reshape(-1, 3), alpha.reshape(-1, 1)], axis=1)
h, w = depth.shape
idx = np.arange(h * w).reshape(h, w)
a, b, c, e = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel(), idx[1:, :-1].ravel(), idx[1:, 1:].ravel()
tri = np.concatenate([np.stack([a, c, b], 1), np.stack([b, c, e], 1)])
face = np.zeros(len(tri), dtype=[("n", "u1"), ("i", "<i4", 3)])
face["n"], face["i"] = 3, tri
hfov, vfov = 2 * math.atan(1 / (2 * (fx / W))), 2 * math.atan(1 / (2 * (fy / H)))
with open(out, "wb") as f:
    f.write(
        (
            f"ply\nformat binary_little_endian 1.0\ncomment H {H}\ncomment W {W}\n"
            f"comment hFov {hfov!r}\ncomment vFov {vfov!r}\nelement vertex {len(vert)}\n"
            "property float x\nproperty float y\nproperty float z\nproperty uchar red\n"
            "property uchar green\nproperty uchar blue\nproperty uchar alpha\n"
            f"element face {len(face)}\nproperty list uchar int vertex_index\nend_header\n"
        ).encode()
    )
    f.write(vert.tobytes())
    f.write(face.tobytes())
print(mean_loc_depth)
