"""Parity of `photo3d net` with PyTorch for the three inpainting networks
(ALGORITHM.md 6.7) and MiDaS v1 (ALGORITHM.md 7): random weights (BatchNorm statistics and spectral-norm
vectors randomised), checkpoints in the legacy and the zip format, realistic
masked inputs at 128x128 and 256x384; max |error| / output range <= 1e-4.
Also checks the PyTorch definitions against specs/checkpoints/*.tsv (keys,
order, shapes) when ../shared is present, and bad-input errors."""
import os
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import torch
except ImportError:
    print('numpy/torch missing: skipped')
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nn_torch_models as M  # noqa: E402

BIN = os.environ.get('P3D_BIN', 'build/photo3d')
SRC = os.environ.get('P3D_SOURCE_DIR', os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOL = 1e-4
failures = []


def check(cond, what):
    print(('ok    ' if cond else 'FAIL  ') + what)
    if not cond:
        failures.append(what)


def check_spec(kind, net):
    tsv = os.path.join(SRC, '..', 'shared', 'specs', 'checkpoints', '%s-model.tsv' % kind)
    if not os.path.exists(tsv):
        print('note  %s not found: key check skipped' % tsv)
        return
    rows = [line.rstrip('\n').split('\t') for line in open(tsv)][1:]
    # The official MiDaS file predates num_batches_tracked (see the specs README).
    want = [(r[0], r[2]) for r in rows if not (kind == 'midas' and r[0].endswith('num_batches_tracked'))]
    got = [(k, 'x'.join(str(s) for s in v.shape) or 'scalar') for k, v in net.state_dict().items()]
    check(got == want, '%s: state_dict keys, order and shapes match %s-model.tsv' % (kind, kind))


def run_net(kind, ckpt, inp, outp, *opts):
    t = time.time()
    r = subprocess.run([BIN, 'net', kind, *opts, '--weights', ckpt, inp, outp], capture_output=True,
                       text=True)
    return r, time.time() - t


def main():
    if subprocess.run([BIN, 'net', '--help'], capture_output=True).returncode != 0:
        print('photo3d has no net command: skipped')
        return 77
    torch.set_num_threads(2)
    tmp = tempfile.mkdtemp(prefix='p3d_nn_')
    print('%-6s %-6s %-8s %-12s %-8s' % ('net', 'format', 'size', 'max err/range', 'seconds'))
    for seed, kind in enumerate(['edge', 'depth', 'color', 'midas']):
        torch.manual_seed(100 + seed)
        net = M.randomise(M.make_net(kind), 200 + seed)
        check_spec(kind, net)
        sd = net.state_dict()
        paths = {'legacy': os.path.join(tmp, kind + '-legacy.pth'),
                 'zip': os.path.join(tmp, kind + '-zip.pth')}
        torch.save(sd, paths['legacy'], _use_new_zipfile_serialization=False)
        torch.save(sd, paths['zip'])
        for h, w in [(128, 128), (256, 384)]:
            x = M.random_input(kind, h, w, 300 + h + seed)
            inp = os.path.join(tmp, 'in.npy')
            np.save(inp, x)
            with torch.no_grad():
                ref = net(torch.from_numpy(x)).numpy()
            for fmt, ck in paths.items():
                outp = os.path.join(tmp, 'out.npy')
                r, secs = run_net(kind, ck, inp, outp)
                if r.returncode != 0:
                    check(False, '%s %s %dx%d: photo3d failed: %s' % (kind, fmt, h, w, r.stderr.strip()))
                    continue
                out = np.load(outp)
                ok_shape = out.shape == ref.shape and out.dtype == np.float32
                err = float(np.abs(out - ref).max() / max(np.ptp(ref), 1e-6)) if ok_shape else 1.0
                print('%-6s %-6s %-8s %-12.3g %-8.2f' % (kind, fmt, '%dx%d' % (h, w), err, secs))
                check(ok_shape and err <= TOL, '%s %s %dx%d within %g' % (kind, fmt, h, w, TOL))
                os.remove(outp)
            if h == 128:  # the optional bfloat16 path: about 1e-2 of the range
                r, secs = run_net(kind, paths['zip'], inp, outp, '--bf16')
                err = float(np.abs(np.load(outp) - ref).max() / max(np.ptp(ref), 1e-6)) if r.returncode == 0 else 1.0
                print('%-6s %-6s %-8s %-12.3g %-8.2f' % (kind, 'bf16', '%dx%d' % (h, w), err, secs))
                check(err <= 5e-2, '%s bf16 %dx%d within 5e-2' % (kind, h, w))
        # Bad inputs: wrong channel count, size not a multiple of 128, wrong network for the weights.
        bad = os.path.join(tmp, 'bad.npy')
        np.save(bad, np.zeros((1, net.in_ch + 1, 128, 128), np.float32))
        r, _ = run_net(kind, paths['zip'], bad, os.path.join(tmp, 'o.npy'))
        check(r.returncode == 1 and 'channel' in r.stderr and not os.path.exists(os.path.join(tmp, 'o.npy')),
              '%s: wrong channel count refused (%s)' % (kind, r.stderr.strip()))
        np.save(bad, np.zeros((1, net.in_ch, 128, 100), np.float32))
        r, _ = run_net(kind, paths['zip'], bad, os.path.join(tmp, 'o.npy'))
        check(r.returncode == 1 and 'multiple' in r.stderr, '%s: width 100 refused (%s)' % (kind, r.stderr.strip()))
        other = 'depth' if kind == 'edge' else 'edge'
        r, _ = run_net(other, paths['zip'], inp, os.path.join(tmp, 'o.npy'))
        check(r.returncode == 1 and 'weight' in r.stderr,
              '%s weights given to %s refused, key named (%s)' % (kind, other, r.stderr.strip()))
        for p in paths.values():
            os.remove(p)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
