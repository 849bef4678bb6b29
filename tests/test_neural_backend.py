"""The neural inpainting backend (src/inpaint/neural.c) against the
reference's tensor conventions (ALGORITHM.md 6.1-6.4) written here
independently in PyTorch: channel order, crop-relative disparity, log-depth
normalisation, centred zero padding to multiples of 128, the 0.002 edge
threshold, open_small_mask (as max pooling: outside pixels never win), the
512-pixel colour limit with 'area' down and 'bicubic' up, gray photos.
Jobs: a small crop (no resize) and a large gray one (resized), random weights."""
import math
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError:
    print('numpy/torch missing: skipped')
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_torch_models as M  # noqa: E402

TOOL = os.path.join(os.environ.get('P3D_TOOL_DIR', 'build'), 'tool_neural')
failures = []


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)


def t(a):
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))[None, None]


def run_padded(net, x):
    h, w = x.shape[2:]
    rh, rw = -h % 128, -w % 128
    xp = F.pad(x, (rw // 2, rw - rw // 2, rh // 2, rh - rh // 2))
    with torch.no_grad():
        y = net(xp)
    return y[:, :, rh // 2:rh // 2 + h, rw // 2:rw // 2 + w]


def close_mask(mask, context):
    u = torch.clamp(mask + context, 0, 1)
    for _ in range(3):
        u = F.max_pool2d(u, 41, 1, 20)
        u = -F.max_pool2d(-u, 41, 1, 20)
    return ((mask > 0) | ((u > 0) & (context == 0))).float()


def smooth_gap(d, mask, context):
    """smooth_cntsyn_gap: two Jacobi steps over the mask, mean of the
    4-neighbours in context | mask as sum / (count + 1e-6); outside pixels
    do not count (np.roll would wrap around; the LDI crops never touch the
    canvas border)."""
    cm = np.pad((mask | context).astype(np.float64), 1)
    for _ in range(2):
        dp = np.pad(d, 1)
        s = sum(dp[1 + dy:dp.shape[0] - 1 + dy, 1 + dx:dp.shape[1] - 1 + dx] *
                cm[1 + dy:cm.shape[0] - 1 + dy, 1 + dx:cm.shape[1] - 1 + dx]
                for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)))
        c = sum(cm[1 + dy:cm.shape[0] - 1 + dy, 1 + dx:cm.shape[1] - 1 + dx]
                for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)))
        f = s / (c + 1e-6)
        d = np.where(mask & (f != 0), f, d)
    return d


def reference(nets, job, gray):
    context, mask, edge, depth = (t(job[k]) for k in ('context', 'mask', 'edge', 'depth'))
    rgb = torch.from_numpy(job['rgb'].astype(np.float32)).permute(2, 0, 1)[None] / 255.0
    h, w = job['mask'].shape
    # 6.2 edges
    disp = torch.where((context > 0) & (depth > 0), 1.0 / depth.clamp(min=1e-12), torch.zeros_like(depth))
    near = F.max_pool2d(mask, 3, 1, 1)
    E = edge.clone()
    if (near * edge).sum() > 0 and context.sum() > 0:
        x = torch.cat([rgb * context, disp / disp.max(), edge, context, mask], 1)
        out = run_padded(nets['edge'], x)
        E = torch.clamp((out > 0.002).float() * mask + edge, 0, 1)
    # 6.3 depth
    logd = torch.log(depth + 1e-8)
    mu = logd[context > 0].mean()
    x = torch.cat([(logd - mu) * context, E, context, close_mask(mask, context)], 1)
    out = run_padded(nets['depth'], x)
    D = torch.where(mask > 0, torch.exp(out + mu), torch.where(context > 0, depth, torch.zeros_like(depth)))
    D = smooth_gap(D[0, 0].double().numpy(), job['mask'] > 0, job['context'] > 0)
    D = torch.from_numpy(D.astype(np.float32))[None, None]
    # 6.4 colour
    ctxc = context * (1 - mask)
    rgbf = rgb * ctxc
    s = 512.0 / math.sqrt(h * w)
    frac = math.floor(max(h, w) * s / 128) * 128 / max(h, w)
    if frac < 1:
        size = (int(math.floor(h * frac)), int(math.floor(w * frac)))
        m = (F.interpolate(mask, size, mode='area') > 0).float()
        c = (F.interpolate(ctxc, size, mode='area') == 1).float() * (1 - m)
        r = F.interpolate(rgbf, size, mode='area') * c
        e = torch.zeros_like(m)
    else:
        m, c, r, e = mask, ctxc, rgbf, E
    out = run_padded(nets['color'], torch.cat([r, e, c, close_mask(m, c)], 1))
    if gray:
        out = out.mean(1, keepdim=True).repeat(1, 3, 1, 1)
    C = out * m + r
    if frac < 1:
        C = F.interpolate(C, (h, w), mode='bicubic', align_corners=False) * mask + rgbf
    C = torch.where(mask > 0, C, rgbf).clamp(0, 1)
    rgb_out = (C * 255.0).to(torch.uint8)[0].permute(1, 2, 0).numpy()
    return E[0, 0].numpy(), D[0, 0].numpy(), rgb_out


def make_job(h, w, seed, gray, edges):
    x = M.random_input('edge', h, w, seed)[0]
    rng = np.random.default_rng(seed)
    context, mask = x[5], x[6]
    depth = ((1.0 + 3.0 * rng.uniform(0, 1, (h, w))) * context).astype(np.float32)
    rgb = (x[0:3].transpose(1, 2, 0) * 255).astype(np.uint8)
    if gray:
        rgb[:] = rgb[:, :, :1]
    return {'context': context, 'mask': mask, 'edge': x[4] * edges, 'depth': depth, 'rgb': rgb}


def main():
    if not os.path.exists(TOOL):
        print('%s not built: skipped' % TOOL)
        return 77
    torch.set_num_threads(2)
    tmp = tempfile.mkdtemp(prefix='p3d_neural_')
    nets, paths = {}, []
    for i, kind in enumerate(['edge', 'depth', 'color']):
        torch.manual_seed(10 + i)
        nets[kind] = M.randomise(M.make_net(kind), 20 + i)
        paths.append(os.path.join(tmp, kind + '.pth'))
        torch.save(nets[kind].state_dict(), paths[-1])
    # The second job is large enough for the colour resize; without edges
    # near the hole (the edge net is then skipped) it stays quick.
    for (h, w, gray, edges) in [(100, 150, 0, 1), (500, 530, 1, 0)]:
        job = make_job(h, w, h, gray, edges)
        for k, v in job.items():
            np.save(os.path.join(tmp, k + '.npy'), v.astype(np.float32))
        r = subprocess.run([TOOL, *paths, tmp, str(gray)], capture_output=True, text=True)
        if r.returncode != 0:
            check(False, '%dx%d: tool_neural failed: %s' % (w, h, r.stderr.strip()))
            continue
        E, D, C = reference(nets, job, gray)
        e = np.load(os.path.join(tmp, 'edge_out.npy'))
        d = np.load(os.path.join(tmp, 'depth_out.npy'))
        c = np.load(os.path.join(tmp, 'rgb_out.npy'))
        grown = int(((E > 0) & (job['edge'] == 0)).sum())
        check(np.array_equal(e > 0, E > 0), '%dx%d: edge_out equal (%d synthesised edge pixels)' % (w, h, grown))
        rel = float(np.abs(d - D).max() / np.abs(D).max())
        check(rel <= 1e-4, '%dx%d: depth_out within 1e-4 (%.2g)' % (w, h, rel))
        diff = int(np.abs(c.astype(int) - C.astype(int)).max())
        check(diff <= 1, '%dx%d: rgb_out within 1 level (%d)' % (w, h, diff))
        if gray:
            m = job['mask'] > 0
            check(np.all(c[m, 0] == c[m, 1]) and np.all(c[m, 1] == c[m, 2]), 'gray: R == G == B in the mask')
    traced(paths, tmp)
    return 1 if failures else 0


def traced(paths, tmp):
    """A job with one end point (context edge pixel (29, 30) ending at the
    hole x >= 30, far node below it): the edge net runs 1 + REPEATS times,
    the edges in the hole are the traced near path, the far path runs beside
    it (4-adjacent, disjoint)."""
    h, w = 60, 80
    job = make_job(h, w, 7, 0, 0)
    yy, xx = np.mgrid[0:h, 0:w]
    job['context'] = (xx < 30).astype(np.float32)
    job['mask'] = (xx >= 30).astype(np.float32)
    job['edge'] = ((yy == 30) & (xx >= 20) & (xx < 30)).astype(np.float32)
    job['depth'] = np.where(xx < 30, np.where(yy <= 30, 1.0, 3.0), 0.0).astype(np.float32)
    job['end_depth'] = np.zeros((h, w), np.float32)
    job['end_depth'][30, 29] = 1.0
    job['far_dir'] = np.full((h, w), -1, np.float32)
    job['far_dir'][30, 29] = 2
    for k, v in job.items():
        np.save(os.path.join(tmp, k + '.npy'), v.astype(np.float32))
    outs = {}
    for repeats in ('2full', '2', '0'):
        r = subprocess.run([TOOL, *paths, tmp, '0', repeats], capture_output=True, text=True)
        if r.returncode != 0:
            check(False, 'traced: tool_neural failed: %s' % r.stderr.strip())
            return
        words = r.stdout.split()
        runs, passes = int(words[-3]), int(words[-1])
        want = 1 + int(repeats[0])
        outs[repeats] = [np.load(os.path.join(tmp, k + '.npy')) for k in ('edge_out', 'npath', 'fpath', 'depth_out')]
        if repeats == '2':
            # a pass fed what the previous one was fed is not run: same result
            check(passes == want and runs < want and all(np.array_equal(a, b) for a, b in zip(outs['2'], outs['2full'])),
                  'traced, 2 repeats: %d runs of %d passes, same result as all 3 runs' % (runs, passes))
        else:
            check(runs == want and passes == want, 'traced, %s repeats: %d edge-net runs (%d passes)' % (repeats, runs, passes))
    for k, v in zip(('edge_out', 'npath', 'fpath'), outs['2full']):
        np.save(os.path.join(tmp, k + '.npy'), v)
    e = np.load(os.path.join(tmp, 'edge_out.npy')) > 0
    npath = np.load(os.path.join(tmp, 'npath.npy'))
    fpath = np.load(os.path.join(tmp, 'fpath.npy'))
    m = job['mask'] > 0
    near = npath >= 0
    check(near[30, 29] and near[m].sum() > 0, 'traced: a near path from the end point into the hole (%d pixels)'
          % near[m].sum())
    check(np.array_equal(e[m], near[m]) and np.array_equal(e[~m], job['edge'][~m] > 0),
          'traced: edges = near path in the hole + input edges')
    far = fpath >= 0
    padded = np.pad(near, 1)
    beside = padded[:-2, 1:-1] | padded[2:, 1:-1] | padded[1:-1, :-2] | padded[1:-1, 2:]
    check(far[31, 29] and np.all(beside[far]) and not np.any(far & near),
          'traced: far path (%d pixels) 4-adjacent to the near path, disjoint' % far.sum())


if __name__ == '__main__':
    sys.exit(main())
