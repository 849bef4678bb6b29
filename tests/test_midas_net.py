"""MiDaS v1 (src/nn/net_midas.c, src/depth/midas_*.c) against PyTorch and
OpenCV. The MonoDepthNet architecture is written here from ALGORITHM.md 7 and
the tensor names of specs/checkpoints/midas-model.tsv, given random weights
(and random batch-norm statistics), saved as a legacy checkpoint without
num_batches_tracked (as the official file), with it, and as a zip
checkpoint. For each, `photo3d net midas` on a raw 256x384 tensor must match
torch within 1e-4 of the output range; for the first, `photo3d depth` on a
600x400 photo (network input 384x256) must match the reference's run_depth
(cv2 pre-processing, the torch network, cv2.blur + INTER_AREA to 640x427,
write_depth's 16-bit PNG) too."""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

try:
    import cv2
    import torch
except ImportError:
    print("SKIPPED: torch or cv2 not available")
    sys.exit(77)

BIN = os.environ.get("P3D_BIN", "photo3d")
H, W = 256, 384


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nn_torch_models import make_net, randomise  # noqa: E402 (the shared PyTorch MonoDepthNet)


def random_model():
    """Random weights and batch-norm statistics; like the official file, the
    state_dict has no num_batches_tracked."""
    return randomise(make_net("midas"), 3)


def with_batches_tracked(state):
    """The same state_dict as a current PyTorch saves it."""
    out = {}
    for k, v in state.items():
        out[k] = v
        if k.endswith("running_var"):
            out[k[:-len("running_var")] + "num_batches_tracked"] = torch.tensor(1000)
    return out


def check_tsv(state):
    """The state_dict keys and shapes are those of the official checkpoint."""
    tsv = os.path.join(os.environ.get("P3D_SOURCE_DIR", "."), "..", "shared", "specs",
                       "checkpoints", "midas-model.tsv")
    if not os.path.exists(tsv):
        return True
    want = {}
    for line in open(tsv).read().splitlines()[1:]:
        key, _, shape, _ = line.split("\t")
        want[key] = shape
    got = {k: "x".join(str(d) for d in v.shape) or "scalar" for k, v in state.items()}
    if got != want:
        print("FAIL: the test's MonoDepthNet does not match midas-model.tsv:",
              sorted(set(got.items()) ^ set(want.items()))[:5])
        return False
    return True


def reference_depth(net, photo_path):
    """The reference's run_depth, from ALGORITHM.md 7: (network input, disparity)."""
    img = cv2.cvtColor(cv2.imread(photo_path), cv2.COLOR_BGR2RGB) / 255.0
    h0, w0 = img.shape[:2]
    scale = w0 / 384.0 if w0 > h0 else h0 / 384.0
    h, w = int(np.ceil(h0 / scale / 32) * 32), int(np.ceil(w0 / scale / 32) * 32)
    x = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    x = torch.from_numpy(np.transpose(x, (2, 0, 1))).float()[None]
    with torch.no_grad():
        out = net(x)[0, 0].numpy()
    s = 640.0 / max(h0, w0)
    th, tw = int(round(h0 * s)), int(round(w0 * s))
    d = cv2.resize(cv2.blur(out, (3, 3)), (tw, th), interpolation=cv2.INTER_AREA)
    return x.numpy(), d


def write_depth_png(d):
    lo, hi = d.min(), d.max()
    return (65535 * (d - lo) / (hi - lo)).astype("uint16")


class Checks:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def near(self, what, got, want, tol):
        if got.shape != want.shape:
            print("FAIL %s: shape %s, expected %s" % (what, got.shape, want.shape))
            self.failed += 1
            return
        rng = max(float(want.max() - want.min()), 1e-12)
        err = float(np.abs(got.astype(np.float64) - want).max()) / rng
        ok = err <= tol
        print("%s %s: max error / range %.3g" % ("ok" if ok else "FAIL", what, err))
        self.passed += ok
        self.failed += not ok

    def run(self, what, args, **kw):
        t0 = time.time()
        r = subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)
        print("   %s: %.2f s" % (what, time.time() - t0))
        if r.returncode != 0:
            print("FAIL %s: exit %d: %s" % (what, r.returncode, r.stderr.strip()))
            self.failed += 1
        return r.returncode == 0


def main():
    torch.set_num_threads(2)
    net = random_model()
    no_nbt = net.state_dict()
    state = with_batches_tracked(no_nbt)
    c = Checks()
    if not check_tsv(state):
        c.failed += 1
    rng = np.random.default_rng(5)
    has_net = subprocess.run([BIN, "net", "--help"], capture_output=True).returncode == 0
    with tempfile.TemporaryDirectory() as tmp:
        # A smooth random 600x400 photo: low-frequency noise, upsampled.
        small = rng.integers(0, 256, size=(10, 15, 3)).astype(np.float32)
        photo = np.clip(cv2.resize(small, (600, 400), interpolation=cv2.INTER_CUBIC), 0, 255)
        photo_path = os.path.join(tmp, "photo.png")
        cv2.imwrite(photo_path, photo.astype(np.uint8))
        t0 = time.time()
        ref_in, ref_disp = reference_depth(net, photo_path)
        print("   torch reference depth: %.2f s, input %s" % (time.time() - t0, ref_in.shape))
        x = rng.random((1, 3, H, W), dtype=np.float32)
        if has_net:
            with torch.no_grad():
                ref_raw = net(torch.from_numpy(x)).numpy()
        raw_in = os.path.join(tmp, "in.npy")
        np.save(raw_in, x)
        variants = [("legacy, no num_batches_tracked", no_nbt, False),
                    ("legacy", state, False), ("zip", state, True)]
        for name, sd, use_zip in variants:
            ckpt = os.path.join(tmp, "model.pt")
            torch.save(sd, ckpt, _use_new_zipfile_serialization=use_zip)
            npy, png = os.path.join(tmp, "d.npy"), os.path.join(tmp, "d.png")
            # The whole depth command once, on the official file's format.
            if sd is no_nbt and c.run("photo3d depth (%s)" % name, [BIN, "depth", photo_path, "--weights", ckpt,
                                                   "--out", npy, "--out", png, "--quiet"]):
                c.near("depth .npy (%s)" % name, np.load(npy), ref_disp, 1e-4)
                got_png = cv2.imread(png, cv2.IMREAD_UNCHANGED).astype(np.float64)
                c.near("depth .png (%s)" % name, got_png, write_depth_png(ref_disp), 3e-5)
            if not has_net:
                continue
            out = os.path.join(tmp, "out.npy")
            if c.run("photo3d net midas (%s)" % name, [BIN, "net", "midas", "--weights", ckpt,
                                                       raw_in, out, "--quiet"]):
                c.near("net midas %dx%d (%s)" % (W, H, name), np.load(out), ref_raw, 1e-4)
        # A checkpoint that lacks a tensor: one line naming the file and the key, no output.
        broken = os.path.join(tmp, "broken.pt")
        torch.save({k: v for k, v in state.items() if k != "scratch.output_conv.1.bias"}, broken)
        npy = os.path.join(tmp, "broken.npy")
        r = subprocess.run([BIN, "depth", photo_path, "--weights", broken, "--out", npy, "--quiet"],
                           capture_output=True, text=True, timeout=300)
        ok = (r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and broken in r.stderr
              and "scratch.output_conv.1.bias" in r.stderr and not os.path.exists(npy))
        print("%s depth refuses a checkpoint without a tensor: %s" % ("ok" if ok else "FAIL",
                                                                      r.stderr.strip()))
        c.passed += ok
        c.failed += not ok
        if has_net:
            bad = os.path.join(tmp, "bad.npy")
            np.save(bad, np.zeros((1, 3, 64, 100), np.float32))
            r = subprocess.run([BIN, "net", "midas", "--weights", ckpt, bad, out, "--quiet"],
                               capture_output=True, text=True, timeout=300)
            ok = r.returncode == 1 and "multiple of 32" in r.stderr
            print("%s net midas refuses width 100: %s" % ("ok" if ok else "FAIL", r.stderr.strip()))
            c.passed += ok
            c.failed += not ok
        else:
            print("note: photo3d has no net command: raw network check skipped")
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
