"""PyTorch definitions of the three inpainting networks of Shih et al.,
written from ALGORITHM.md 6.7 and specs/checkpoints/*.tsv (module names give
exactly the checkpoint keys), plus random weights that exercise every part
(spectral-norm u/v, BatchNorm statistics) and realistic random inputs
(ALGORITHM.md 6.2-6.4 channel layouts). Used by tests/test_nn_parity.py and
bench/nn_torch.py; the parity test checks the keys against the .tsv files."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm


class ResnetBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(2),
            spectral_norm(nn.Conv2d(dim, dim, 3, dilation=2, bias=False)),
            nn.InstanceNorm2d(dim, track_running_stats=False),
            nn.LeakyReLU(0.2),
            nn.ReflectionPad2d(1),
            spectral_norm(nn.Conv2d(dim, dim, 3, bias=False)),
            nn.InstanceNorm2d(dim, track_running_stats=False))

    def forward(self, x):
        return x + self.conv_block(x)


def _sn_block(conv):
    return [spectral_norm(conv), nn.InstanceNorm2d(conv.out_channels, track_running_stats=False),
            nn.ReLU(True)]


class EdgeNet(nn.Module):
    in_ch, out_ch = 7, 1

    def __init__(self):
        super().__init__()
        self.encoder_0 = nn.Sequential(nn.ReflectionPad2d(3), *_sn_block(nn.Conv2d(7, 64, 7)))
        self.encoder_1 = nn.Sequential(*_sn_block(nn.Conv2d(64, 128, 4, 2, 1)))
        self.encoder_2 = nn.Sequential(*_sn_block(nn.Conv2d(128, 256, 4, 2, 1)))
        self.middle = nn.Sequential(*[ResnetBlock(256) for _ in range(8)])
        self.decoder_0 = nn.Sequential(*_sn_block(nn.ConvTranspose2d(512, 128, 4, 2, 1)))
        self.decoder_1 = nn.Sequential(*_sn_block(nn.ConvTranspose2d(256, 64, 4, 2, 1)))
        self.decoder_2 = nn.Sequential(nn.ReflectionPad2d(3), nn.Conv2d(128, 1, 7))

    def forward(self, x):
        x1 = self.encoder_0(x)
        x2 = self.encoder_1(x1)
        x3 = self.encoder_2(x2)
        x4 = self.middle(x3)
        x5 = self.decoder_0(torch.cat([x4, x3], 1))
        x6 = self.decoder_1(torch.cat([x5, x2], 1))
        return torch.sigmoid(self.decoder_2(torch.cat([x6, x1], 1)))


class PartialConv(nn.Module):
    def __init__(self, cin, cout, k, stride, pad, bias):
        super().__init__()
        self.input_conv = nn.Conv2d(cin, cout, k, stride, pad, bias=bias)
        self.mask_conv = nn.Conv2d(cin, cout, k, stride, pad, bias=False)
        nn.init.constant_(self.mask_conv.weight, 1.0)
        self.window = cin * k * k

    def forward(self, x, mask):
        out = self.input_conv(x * mask)
        b = self.input_conv.bias
        b = b.view(1, -1, 1, 1).expand_as(out) if b is not None else torch.zeros_like(out)
        with torch.no_grad():
            out_mask = self.mask_conv(mask)
        holes = out_mask == 0
        mask_sum = out_mask.masked_fill(holes, 1.0)
        out = ((out - b) * self.window / mask_sum + b).masked_fill(holes, 0.0)
        return out, torch.ones_like(out).masked_fill(holes, 0.0)


class PCBActiv(nn.Module):
    def __init__(self, cin, cout, k, stride, bn, act, bias):
        super().__init__()
        self.conv = PartialConv(cin, cout, k, stride, k // 2, bias)
        if bn:
            self.bn = nn.BatchNorm2d(cout)
        self.act = act

    def forward(self, x, mask):
        h, m = self.conv(x, mask)
        if hasattr(self, 'bn'):
            h = self.bn(h)
        if self.act == 'relu':
            h = F.relu(h)
        elif self.act == 'leaky':
            h = F.leaky_relu(h, 0.2)
        return h, m


class PConvUNet(nn.Module):
    """Inpaint_Depth_Net (color=False) / Inpaint_Color_Net (color=True)."""

    def __init__(self, color):
        super().__init__()
        self.color = color
        self.in_ch, self.out_ch = (6, 3) if color else (4, 1)
        eb = not color
        enc = [(self.in_ch, 64, 7, False, eb), (64, 128, 5, True, eb), (128, 256, 5, True, False),
               (256, 512, 3, True, False)] + [(512, 512, 3, True, False)] * 3
        for i, (cin, cout, k, bn, bias) in enumerate(enc):
            setattr(self, 'enc_%d' % (i + 1), PCBActiv(cin, cout, k, 2, bn, 'relu', bias))
        dec = {7: (1024, 512), 6: (1024, 512), 5: (1024, 512), 4: (768, 256), 3: (384, 128),
               2: (192, 64)}
        # Definition order = state_dict order of the official files (see the .tsv).
        order = [7, 6, 5, 4, 3, 2] if color else [5, 6, 7, 4, 3, 2]
        for i in order:
            setattr(self, self.dec_name(i), PCBActiv(*dec[i], 3, 1, True, 'leaky', False))
        setattr(self, self.dec_name(1),
                PCBActiv(64 + self.in_ch, self.out_ch, 3, 1, False, None, True))

    def dec_name(self, i):
        return 'dec_%d%s' % (i, 'A' if self.color and i <= 5 else '')

    def forward(self, x):
        mask = torch.clamp(x[:, -2:-1] + x[:, -1:], 0, 1).repeat(1, x.shape[1], 1, 1)
        hs, ms = [x], [mask]
        for i in range(1, 8):
            h, m = getattr(self, 'enc_%d' % i)(hs[-1], ms[-1])
            hs.append(h)
            ms.append(m)
        h, m = hs[7], ms[7]
        for i in range(7, 0, -1):
            h = torch.cat([F.interpolate(h, scale_factor=2, mode='nearest'), hs[i - 1]], 1)
            m = torch.cat([F.interpolate(m, scale_factor=2, mode='nearest'), ms[i - 1]], 1)
            h, m = getattr(self, self.dec_name(i))(h, m)
        return torch.sigmoid(h) if self.color else h


class Bottleneck(nn.Module):
    """torchvision's ResNet-50 block (stride on the 3x3 conv)."""

    def __init__(self, cin, mid, stride):
        super().__init__()
        cout = 4 * mid
        self.conv1 = nn.Conv2d(cin, mid, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(mid)
        self.conv2 = nn.Conv2d(mid, mid, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(mid)
        self.conv3 = nn.Conv2d(mid, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (self.downsample(x) if self.downsample is not None else x))


def _stage(cin, mid, blocks, stride):
    return nn.Sequential(Bottleneck(cin, mid, stride),
                         *[Bottleneck(4 * mid, mid, 1) for _ in range(blocks - 1)])


class ResidualConvUnit(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.conv1 = nn.Conv2d(features, features, 3, 1, 1, bias=True)
        self.conv2 = nn.Conv2d(features, features, 3, 1, 1, bias=False)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        out = self.relu(x)  # in place: the sum below adds relu(x)
        out = self.conv2(self.relu(self.conv1(out)))
        return out + x


class FeatureFusionBlock(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.resConfUnit = ResidualConvUnit(features)

    def forward(self, *xs):
        output = xs[0]
        if len(xs) == 2:
            output += self.resConfUnit(xs[1])
        output = self.resConfUnit(output)
        return F.interpolate(output, scale_factor=2, mode='bilinear', align_corners=True)


class MidasNet(nn.Module):
    """MiDaS v1 MonoDepthNet (ALGORITHM.md 7), keys as in midas-model.tsv."""
    in_ch, out_ch = 3, 1

    def __init__(self):
        super().__init__()
        self.pretrained = nn.Module()
        self.pretrained.layer1 = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64),
                                               nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1),
                                               _stage(64, 64, 3, 1))
        self.pretrained.layer2 = _stage(256, 128, 4, 2)
        self.pretrained.layer3 = _stage(512, 256, 6, 2)
        self.pretrained.layer4 = _stage(1024, 512, 3, 2)
        self.scratch = nn.Module()
        for i in range(4):
            setattr(self.scratch, 'layer%d_rn' % (i + 1), nn.Conv2d(256 << i, 256, 3, 1, 1, bias=False))
        for i in (4, 3, 2, 1):
            setattr(self.scratch, 'refinenet%d' % i, FeatureFusionBlock(256))
        self.scratch.output_conv = nn.Sequential(nn.Conv2d(256, 128, 3, 1, 1), nn.Conv2d(128, 1, 3, 1, 1))

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
        return F.interpolate(s.output_conv(p1), scale_factor=2, mode='bilinear', align_corners=False)


def make_net(kind):
    if kind == 'midas':
        return MidasNet()
    return EdgeNet() if kind == 'edge' else PConvUNet(kind == 'color')


def randomise(net, seed):
    """Random BN statistics/affine terms and spectral-norm vectors (a few
    power iterations, then noise: u and v matter but sigma stays sane)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for mod in net.modules():
            if isinstance(mod, nn.BatchNorm2d):
                n = mod.num_features
                mod.weight.copy_(0.5 + torch.rand(n, generator=g))
                mod.bias.copy_(0.2 * torch.randn(n, generator=g))
                mod.running_mean.copy_(0.1 * torch.randn(n, generator=g))
                mod.running_var.copy_(0.5 + torch.rand(n, generator=g))
                mod.num_batches_tracked.fill_(1000)
            if isinstance(mod, PartialConv) and mod.input_conv.bias is not None:
                mod.input_conv.bias.copy_(0.1 * torch.randn(mod.input_conv.bias.shape, generator=g))
    if isinstance(net, MidasNet):  # no num_batches_tracked, as in the official file
        for mod in net.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.num_batches_tracked = None
    if isinstance(net, EdgeNet):
        net.train()
        with torch.no_grad():
            for _ in range(3):
                net(torch.rand(1, 7, 32, 32, generator=g))
            for name, buf in net.named_buffers():
                if name.endswith('weight_u') or name.endswith('weight_v'):
                    buf.add_(0.1 * buf.abs().mean() * torch.randn(buf.shape, generator=g))
    net.eval()
    return net


def random_input(kind, h, w, seed):
    """Hole (mask), context band around it, pixels outside both (also a
    large empty area so deep levels see zero masks), channel layouts of
    ALGORITHM.md 6.2-6.4."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cy, cx = h * rng.uniform(0.35, 0.55), w * rng.uniform(0.3, 0.45)
    r = np.hypot((yy - cy) / (0.22 * h), (xx - cx) / (0.18 * w))
    r += 0.15 * np.sin(xx / 5.0) * np.cos(yy / 7.0)
    mask = (r < 1.0).astype(np.float32)
    context = ((r >= 1.0) & (r < 2.2) & (xx < 0.8 * w)).astype(np.float32)
    rgb = rng.uniform(0, 1, (3, h, w)).astype(np.float32) * context
    depth = (1.0 + 3.0 * rng.uniform(0, 1, (h, w)) + 2.0 * (xx > cx)).astype(np.float32)
    edge = ((np.abs(xx - cx) < 1.0) & (context > 0) & (rng.uniform(0, 1, (h, w)) < 0.8))
    edge = edge.astype(np.float32)
    if kind == 'midas':
        return rng.uniform(0, 1, (1, 3, h, w)).astype(np.float32)
    if kind == 'edge':
        disp = context / depth
        chans = [*rgb, disp / disp.max(), edge, context, mask]
    elif kind == 'depth':
        logd = np.log(depth + 1e-8)
        mu = logd[context > 0].mean()
        chans = [(logd - mu) * context, edge, context, mask]
    else:
        chans = [*rgb, edge, context, mask]
    return np.stack(chans)[None].astype(np.float32)
