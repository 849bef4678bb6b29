"""Checkpoint load time: a random state_dict with the depth model's tensor
shapes (../shared/specs/checkpoints/depth-model.tsv, ~206 MB) saved by torch
in the legacy and the zip format under /tmp, then loaded by tool_ckpt (best
of 5, the file in the page cache) and by torch.load for comparison.
Usage: /usr/bin/python3 bench/ckpt_load.py BUILD_DIR"""
import collections
import os
import subprocess
import sys
import time

import torch

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
spec = os.path.join(root, "..", "shared", "specs", "checkpoints", "depth-model.tsv")
sd = collections.OrderedDict()
for line in open(spec).read().splitlines()[1:]:
    key, dtype, shape, _ = line.split("\t")
    dims = [] if shape == "scalar" else [int(d) for d in shape.split("x")]
    sd[key] = torch.zeros(dims, dtype=torch.int64) if dtype == "int64" else torch.randn(dims)
for fmt in ("legacy", "zip"):
    path = "/tmp/p3d-bench-depth-%s.pth" % fmt
    torch.save(sd, path, _use_new_zipfile_serialization=fmt == "zip")
    best = subprocess.run([os.path.join(build, "tool_ckpt"), "time", path, "5"], capture_output=True,
                          text=True, check=True).stdout.strip()
    t0 = time.time()
    torch.load(path)
    print("%-6s %6.1f MB  photo3d %s s  torch.load %.3f s" % (fmt, os.path.getsize(path) / 1e6, best,
                                                              time.time() - t0))
    os.remove(path)
