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
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    print("SKIPPED: torch or cv2 not available")
    sys.exit(77)

BIN = os.environ.get("P3D_BIN", "photo3d")
H, W = 256, 384


class Bottleneck(nn.Module):
    """torchvision ResNet-50 bottleneck: the stride sits on the 3x3 conv."""

    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride != 1 or cin != planes * 4:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes * 4, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes * 4))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


def res_layer(cin, planes, blocks, stride):
    layers = [Bottleneck(cin, planes, stride)]
    layers += [Bottleneck(planes * 4, planes, 1) for _ in range(blocks - 1)]
    return nn.Sequential(*layers)


class ResidualConvUnit(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.conv1 = nn.Conv2d(features, features, 3, 1, 1, bias=True)
        self.conv2 = nn.Conv2d(features, features, 3, 1, 1, bias=False)

    def forward(self, x):
        x = F.relu(x)  # the reference's in-place ReLU: the skip adds relu(x)
        return self.conv2(F.relu(self.conv1(x))) + x


class FeatureFusionBlock(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.resConfUnit = ResidualConvUnit(features)

    def forward(self, x, skip=None):
        if skip is not None:
            x = x + self.resConfUnit(skip)
        x = self.resConfUnit(x)
        return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)


class Interpolate(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)


class MonoDepthNet(nn.Module):
    def __init__(self, features=256):
        super().__init__()
        self.pretrained = nn.Module()
        self.pretrained.layer1 = nn.Sequential(
            nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(3, 2, 1), res_layer(64, 64, 3, 1))
        self.pretrained.layer2 = res_layer(256, 128, 4, 2)
        self.pretrained.layer3 = res_layer(512, 256, 6, 2)
        self.pretrained.layer4 = res_layer(1024, 512, 3, 2)
        self.scratch = nn.Module()
        for i, c in enumerate([256, 512, 1024, 2048]):
            setattr(self.scratch, "layer%d_rn" % (i + 1), nn.Conv2d(c, features, 3, 1, 1, bias=False))
        for i in range(1, 5):
            setattr(self.scratch, "refinenet%d" % i, FeatureFusionBlock(features))
        self.scratch.output_conv = nn.Sequential(
            nn.Conv2d(features, 128, 3, 1, 1), nn.Conv2d(128, 1, 3, 1, 1), Interpolate())

    def forward(self, x):
        p, s = self.pretrained, self.scratch
        l1 = p.layer1(x)
        l2 = p.layer2(l1)
        l3 = p.layer3(l2)
        l4 = p.layer4(l3)
        p4 = s.refinenet4(s.layer4_rn(l4))
        p3 = s.refinenet3(p4, s.layer3_rn(l3))
        p2 = s.refinenet2(p3, s.layer2_rn(l2))
        p1 = s.refinenet1(p2, s.layer1_rn(l1))
        return s.output_conv(p1)


def random_model():
    torch.manual_seed(3)
    net = MonoDepthNet()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.weight[0].numel()
                m.weight.normal_(0, (1.0 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    return net.eval()


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
    state = net.state_dict()
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
        no_nbt = {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}
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
