#!/usr/bin/env python3
"""Novel-view quality benchmark (docs/EVAL.md): runs `photo3d eval` over
synthetic scenes (seeds x camera moves) and every Middlebury scene in
shared/data, then prints one table of PSNR/SSIM in the disoccluded pixels for
stretch, holes, diffusion and ours (classical), with the mean.

Usage: bench/quality.py PHOTO3D_BINARY [OUT_DIR] [--size WxH] [--only NAME] [--set KEY=VALUE]...
OUT_DIR keeps every JSON report, side-by-side PNG and the pixel classes scored
(NAME_mask.png, as eval --mask-out) (default /tmp/p3d_quality).
"""
import json
import math
import os
import subprocess
import sys

METHODS = ["stretch", "holes", "diffusion", "classical"]
SYNTH_SEEDS = [1, 2, 3]
SYNTH_MOVES = {"left": (-0.15, 0.0, 0.0), "up-right-in": (0.12, -0.1, 0.15)}
# (scene, source, source disparity, target, target disparity or None, pose in baselines, scale)
MIDDLEBURY = [
    ("teddy", "im2", "disp2", "im6", "disp6", 1.0, 0.25),
    ("teddy", "im2", "disp2", "im4", None, 0.5, 0.25),
    ("cones", "im2", "disp2", "im6", "disp6", 1.0, 0.25),
    ("moebius", "view1", "disp1", "view5", "disp5", 1.0, 0.5),
    ("moebius", "view1", "disp1", "view3", None, 0.5, 0.5),
    ("bowling2", "view1", "disp1", "view5", "disp5", 1.0, 0.5),
    ("bowling2", "view1", "disp1", "view3", None, 0.5, 0.5),
]


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("quality: %s failed: %s" % (" ".join(cmd), r.stderr.strip()[-500:]))


EXTRA = []  # --set KEY=VALUE options passed on to every eval


def evaluate(binary, out, name, args):
    report = os.path.join(out, name + ".json")
    run([binary, "eval", *args, *EXTRA, "--json", report, "--png", os.path.join(out, name + ".png"),
         "--mask-out", os.path.join(out, name + "_mask.png"), "--quiet"])
    return json.load(open(report))


def cases(binary, out, data, size, only):
    for seed in SYNTH_SEEDS:
        scene = os.path.join(out, "synth%d" % seed)
        poses = []
        for move in SYNTH_MOVES.values():
            poses += ["--pose", ",".join(str(v) for v in move)]
        run([binary, "synth", scene, "--size", size, "--seed", str(seed), "--quiet", *poses])
        for k, (move, pose) in enumerate(SYNTH_MOVES.items(), 1):
            name = "synth%d-%s" % (seed, move)
            if only and only not in name:
                continue
            yield name, evaluate(binary, out, name, [
                os.path.join(scene, "image.png"), os.path.join(scene, "depth.npy"),
                "--target", os.path.join(scene, "view_%d.png" % k),
                "--pose", ",".join(str(v) for v in pose),
                "--mask", os.path.join(scene, "view_%d_hidden.png" % k)])
    mb = os.path.join(data, "middlebury")
    for scene, src, disp, tgt, tdisp, steps, scale in MIDDLEBURY:
        folder = os.path.join(mb, scene)
        name = "%s-%s-%s" % (scene, src, tgt)
        if not os.path.isdir(folder) or (only and only not in name):
            continue
        args = [os.path.join(folder, src + ".png"), os.path.join(folder, disp + ".png"),
                "--target", os.path.join(folder, tgt + ".png"), "--pose", "%g,0,0" % steps,
                "--depth-kind", "disparity", "--disparity-scale", str(scale)]
        if tdisp:
            args += ["--target-depth", os.path.join(folder, tdisp + ".png")]
        yield name, evaluate(binary, out, name, args)


def fmt(v, digits):
    return "   -  " if v is None or (isinstance(v, float) and math.isnan(v)) else "%.*f" % (digits, v)


def main():
    args = sys.argv[1:]
    size, only = "640x480", None
    if "--size" in args:
        i = args.index("--size")
        size = args[i + 1]
        del args[i:i + 2]
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1]
        del args[i:i + 2]
    while "--set" in args:
        i = args.index("--set")
        EXTRA.extend(["--set", args[i + 1]])
        del args[i:i + 2]
    if not args:
        sys.exit(__doc__)
    binary = args[0]
    out = args[1] if len(args) > 1 else "/tmp/p3d_quality"
    os.makedirs(out, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.environ.get("P3D_SHARED_DATA", os.path.join(here, "..", "..", "shared", "data"))
    rows = []
    head = "%-26s %7s" % ("scene (disoccluded pixels)", "pixels") + "".join(
        " %15s" % m for m in METHODS) + " %9s" % "ours-best"
    print("PSNR dB / SSIM in the disoccluded pixels (ours = classical)%s" %
          (" with " + " ".join(EXTRA[1::2]) if EXTRA else ""))
    print(head)
    for name, r in cases(binary, out, data, size, only):
        ms = r["methods"]
        psnr = {m: ms[m]["disoccluded"]["psnr"] for m in METHODS}
        ssim = {m: ms[m]["disoccluded"]["ssim"] for m in METHODS}
        best = max(psnr[m] for m in METHODS if m != "classical")
        rows.append((psnr, ssim, psnr["classical"] - best,
                     {m: ms[m]["seen"]["psnr"] for m in METHODS},
                     {m: ms[m]["all"]["psnr"] for m in METHODS}))
        print("%-26s %7d" % (name, r["pixels"]["disoccluded"]) + "".join(
            " %6s / %6s" % (fmt(psnr[m], 2), fmt(ssim[m], 3)) for m in METHODS) +
            " %+8.2f" % (psnr["classical"] - best), flush=True)
    if rows:
        mean = lambda key, m: sum(r[key][m] for r in rows) / len(rows)
        print("%-26s %7s" % ("mean", "") + "".join(
            " %6s / %6s" % (fmt(mean(0, m), 2), fmt(mean(1, m), 3)) for m in METHODS) +
            " %+8.2f" % (sum(r[2] for r in rows) / len(rows)))
        for key, what in ((3, "seen pixels"), (4, "all pixels")):
            print("%-34s" % ("mean PSNR, " + what) + "".join(
                " %6s %8s" % (fmt(mean(key, m), 2), "") for m in METHODS))
        print("ours - best baseline: mean %+.2f dB, worst scene %+.2f dB; "
              "reports, PNGs and pixel classes (_mask.png) in %s"
              % (sum(r[2] for r in rows) / len(rows), min(r[2] for r in rows), out))


if __name__ == "__main__":
    main()
