"""PyTorch side of bench/nn.sh: for one network, builds random weights (as
tests/nn_torch_models.py), saves the checkpoint and a 512x512 input for
photo3d, then times a cold and a warm forward pass with 2 threads (wall
and process CPU seconds) and counts the convolution FLOPs (multiply-adds x
2; for the partial-convolution nets only the feature convolutions, i.e. the
work both implementations must do; PyTorch also runs the mask convolutions).
Usage: nn_torch.py KIND SIZE OUTDIR -> prints 'key value' lines."""
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


def main():
    kind, size, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    torch.set_num_threads(2)
    torch.manual_seed(1)
    net = M.randomise(M.make_net(kind), 2)
    x = torch.from_numpy(M.random_input(kind, size, size, 3))
    torch.save(net.state_dict(), os.path.join(outdir, kind + '.pth'))
    np.save(os.path.join(outdir, kind + '_in.npy'), x.numpy())
    with torch.no_grad():
        for run in ('cold', 'warm'):
            t, c = time.perf_counter(), time.process_time()
            y = net(x)
            print('torch_%s_s %.3f' % (run, time.perf_counter() - t))
            print('torch_%s_cpu_s %.3f' % (run, time.process_time() - c))
    np.save(os.path.join(outdir, kind + '_torch_out.npy'), y.numpy())
    print('gflop %.2f' % (conv_flops(net, x) / 1e9))


if __name__ == '__main__':
    main()
