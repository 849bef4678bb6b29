"""PyTorch side of bench/nn.sh.
  nn_torch.py prepare KIND SIZE DIR: random weights (tests/nn_torch_models.py)
      saved as DIR/KIND.pth, a SIZE x SIZE input as DIR/KIND_in.npy.
  nn_torch.py run KIND DIR: loads DIR/KIND.pth like a user would, times a
      cold and a warm forward pass with 2 threads (wall and process CPU
      seconds), writes DIR/KIND_torch_out.npy, and counts the convolution
      FLOPs (2 x multiply-adds; for the partial-convolution nets only the
      feature convolutions, the work both implementations must do: PyTorch
      also runs the mask convolutions). Prints 'key value' lines."""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests'))
import nn_torch_models as M  # noqa: E402


def conv_flops(net, x):
    total = [0]

    def hook(mod, inp, out):
        if 'mask_conv' in getattr(mod, '_p3d_name', ''):
            return
        k = mod.weight.shape[2] * mod.weight.shape[3]
        if isinstance(mod, torch.nn.ConvTranspose2d):
            total[0] += 2 * inp[0].numel() * mod.out_channels * k
        else:
            total[0] += 2 * out.numel() * mod.in_channels * k

    hooks = []
    for name, mod in net.named_modules():
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
            mod._p3d_name = name
            hooks.append(mod.register_forward_hook(hook))
    with torch.no_grad():
        net(x)
    for h in hooks:
        h.remove()
    return total[0]


def prepare(kind, size, outdir):
    torch.manual_seed(1)
    net = M.randomise(M.make_net(kind), 2)
    torch.save(net.state_dict(), os.path.join(outdir, kind + '.pth'),
               _use_new_zipfile_serialization=False)
    np.save(os.path.join(outdir, kind + '_in.npy'), M.random_input(kind, size, size, 3))


def run(kind, outdir):
    torch.set_num_threads(2)
    net = M.make_net(kind)
    # MiDaS files have no num_batches_tracked (like the official one).
    net.load_state_dict(torch.load(os.path.join(outdir, kind + '.pth')), strict=kind != 'midas')
    net.eval()
    x = torch.from_numpy(np.load(os.path.join(outdir, kind + '_in.npy')))
    with torch.no_grad():
        for run in ('cold', 'warm'):
            t, c = time.perf_counter(), time.process_time()
            y = net(x)
            print('torch_%s_s %.3f' % (run, time.perf_counter() - t))
            print('torch_%s_cpu_s %.3f' % (run, time.process_time() - c))
    np.save(os.path.join(outdir, kind + '_torch_out.npy'), y.numpy())
    print('gflop %.2f' % (conv_flops(net, x) / 1e9))


if __name__ == '__main__':
    if sys.argv[1] == 'prepare':
        prepare(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        run(sys.argv[2], sys.argv[3])
