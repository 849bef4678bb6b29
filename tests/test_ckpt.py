"""Checkpoint reader (src/nn/checkpoint*.c, pickle.c) against PyTorch itself.

State dicts saved by torch in the legacy format (what the official model files
use), the zip format and the zip format with pickle protocol 4 must come back
with the same names, order, shapes and bit-identical values (float64 rounded
to float32 as torch does); spectral-norm folding must match
torch.nn.utils.spectral_norm in eval mode; broken and hostile files must be
refused with a one-line error naming the file. Run by ctest; needs torch."""
import collections
import io
import os
import pickle
import subprocess
import sys
import tempfile
import time
import zipfile

import numpy as np

try:
    import torch
except ImportError:
    print("SKIPPED: python3-torch is not installed")
    sys.exit(77)

TOOL = os.path.join(os.environ.get("P3D_TOOL_DIR", "."), "tool_ckpt")
if not os.path.exists(TOOL):
    print("SKIPPED: %s not built" % TOOL)
    sys.exit(77)

failures = []
passes = 0


def check(cond, what):
    global passes
    if cond:
        passes += 1
    else:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    p = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr.strip()


def dump(path, tmp):
    """Returns {name: array} in file order (floats first, then ints), or (rc, error)."""
    out = os.path.join(tmp, "dump.bin")
    rc, text, err = run("dump", path, out)
    if rc:
        return rc, err
    raw = open(out, "rb").read()
    pos, tensors = 0, collections.OrderedDict()
    for line in text.splitlines():
        kind, name, shape = line.split("\t")
        dims = () if shape == "scalar" else tuple(int(d) for d in shape.split("x"))
        dtype = np.float32 if kind == "float" else np.int64
        n = int(np.prod(dims, dtype=np.int64))
        tensors[name] = np.frombuffer(raw, dtype, n, pos).reshape(dims)
        pos += n * np.dtype(dtype).itemsize
    check(pos == len(raw), "%s: dump has %d bytes, manifest says %d" % (path, len(raw), pos))
    return tensors


def expected(sd):
    """What the reader must return: float tensors as float32, then integer ones as int64."""
    floats = [(k, v.detach().to(torch.float32).contiguous().numpy()) for k, v in sd.items() if v.is_floating_point()]
    ints = [(k, v.detach().to(torch.int64).contiguous().numpy()) for k, v in sd.items() if not v.is_floating_point()]
    return collections.OrderedDict(floats + ints)


def compare(path, sd, tmp):
    got = dump(path, tmp)
    if isinstance(got, tuple):
        check(False, "%s: refused: %s" % (path, got[1]))
        return
    want = expected(sd)
    check(list(got) == list(want), "%s: names/order %s != %s" % (path, list(got), list(want)))
    for k in want:
        if k in got:
            same = got[k].shape == want[k].shape and np.array_equal(got[k], want[k])
            check(same, "%s: tensor %s differs (%s vs %s)" % (path, k, got[k].shape, want[k].shape))


def save_all(sd, tmp, stem):
    """The same state_dict in the three layouts torch writes."""
    paths = {}
    for fmt in ("legacy", "zip", "zip4"):
        p = os.path.join(tmp, "%s-%s.pth" % (stem, fmt))
        if fmt == "legacy":
            torch.save(sd, p, _use_new_zipfile_serialization=False)
        else:
            torch.save(sd, p, pickle_protocol=4 if fmt == "zip4" else 2)
        paths[fmt] = p
    return paths


def mixed_state_dict():
    torch.manual_seed(1)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    net[1].running_mean.uniform_(-1, 1)
    net[1].num_batches_tracked += 7
    sd = net.state_dict()  # an OrderedDict with _metadata (pickled with BUILD)
    base = torch.randn(5, 6)
    sd["view.transposed"] = base.t()        # non-contiguous, shares base's storage
    sd["view.row"] = base[2]                # offset view
    sd["view.column"] = base[:, 3]          # strided view
    sd["view.block"] = base[1:4, 2:5]       # offset + 2-D strides
    sd["view.whole"] = base
    sd["f64"] = torch.randn(3, 2, dtype=torch.float64) * 1e3
    sd["f16"] = torch.tensor([0.5, -2.0, 65504.0, 6e-8, 1e-5], dtype=torch.float16)
    sd["bf16"] = torch.randn(4).to(torch.bfloat16)
    sd["scalar"] = torch.tensor(3.25)
    sd["empty"] = torch.zeros(0, 3)
    sd["perm4d"] = torch.randn(2, 3, 4, 5).permute(3, 1, 0, 2)
    sd["i32"] = torch.arange(-3, 3, dtype=torch.int32)
    sd["u8"] = torch.tensor([0, 255, 7], dtype=torch.uint8)
    sd["mask"] = torch.tensor([True, False, True])
    return sd


def midas_like_state_dict():
    """No num_batches_tracked, like the official MiDaS file; a plain OrderedDict."""
    torch.manual_seed(2)
    return collections.OrderedDict([
        ("pretrained.layer1.0.weight", torch.randn(8, 3, 7, 7)),
        ("pretrained.layer1.1.weight", torch.rand(8)),
        ("pretrained.layer1.1.bias", torch.randn(8)),
        ("pretrained.layer1.1.running_mean", torch.randn(8)),
        ("pretrained.layer1.1.running_var", torch.rand(8) + 0.5),
    ])


def test_round_trip(tmp):
    for stem, sd in (("midas", midas_like_state_dict()), ("mixed", mixed_state_dict())):
        for fmt, path in save_all(sd, tmp, stem).items():
            compare(path, sd, tmp)
    # torch writes stored entries; deflated ones (re-zipped by a user) take libzip's other path
    deflated = os.path.join(tmp, "mixed-deflated.pth")
    rezip(os.path.join(tmp, "mixed-zip.pth"), deflated, compression=zipfile.ZIP_DEFLATED)
    check(torch.load(deflated).keys() == sd.keys(), "torch reads the deflated zip")
    compare(deflated, sd, tmp)
    rc, out, err = run("get", os.path.join(tmp, "mixed-legacy.pth"), "1.running_var", "4")
    check(rc == 0 and float(out) == 1.0, "get 1.running_var: %s %s" % (out, err))


def test_spectral(tmp):
    torch.manual_seed(3)
    cases = (("conv", torch.nn.Conv2d(5, 7, 3), 0), ("deconv", torch.nn.ConvTranspose2d(6, 4, 4, 2, 1), 1))
    for name, layer, transposed in cases:
        m = torch.nn.utils.spectral_norm(layer)
        x = torch.randn(1, layer.in_channels, 8, 8)
        for _ in range(3):  # power iterations in training mode move u and v
            m(x)
        m.eval()
        with torch.no_grad():
            m(x)  # eval mode: weight = weight_orig / (u . W_mat v), no iteration
        want = m.weight.detach().numpy()
        path = os.path.join(tmp, "sn-%s.pth" % name)
        torch.save(collections.OrderedDict([("layer." + k, v) for k, v in m.state_dict().items()]), path,
                   _use_new_zipfile_serialization=False)
        out = os.path.join(tmp, "sn.bin")
        rc, _, err = run("spectral", path, "layer", transposed, out)
        check(rc == 0, "spectral %s: %s" % (name, err))
        if rc == 0:
            got = np.fromfile(out, np.float32).reshape(want.shape)
            rel = np.abs(got - want).max() / np.abs(want).max()
            check(rel < 1e-6, "spectral %s: relative error %g" % (name, rel))
    rc, _, err = run("spectral", path, "nope", 1, out)
    check(rc == 1 and "missing tensor 'nope.weight_orig'" in err, "spectral missing: %s" % err)


def expect_refusal(path, needle, what, *args):
    rc, _, err = run(*(args or ("dump", path, path + ".bin")))
    ok = rc == 1 and err.startswith(path + ":") and "\n" not in err and needle in err
    check(ok, "%s: rc %d, error %r (wanted %r)" % (what, rc, err, needle))


def legacy_header():
    magic = 0x1950a86a20f9469cfc6c
    info = dict(protocol_version=1001, little_endian=True, type_sizes=dict(short=2, int=4, long=4))
    return b"".join(pickle.dumps(v, protocol=2) for v in (magic, 1001, info))


def rezip(src, dst, drop=None, replace=None, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info.filename)
            if replace and info.filename.endswith(replace[0]):
                data = replace[1](data)
            zout.writestr(info.filename, data)


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_refusals(tmp):
    legacy, zipped = os.path.join(tmp, "mixed-legacy.pth"), os.path.join(tmp, "mixed-zip.pth")
    expect_refusal(legacy, "tensor 'f64' has shape 3x2, expected 2x3", "wrong shape", "get", legacy, "f64", "2x3")
    expect_refusal(legacy, "tensor 'scalar' has shape scalar, expected 1", "wrong ndim", "get", legacy, "scalar", "1")
    expect_refusal(legacy, "missing tensor 'nope'", "missing key", "get", legacy, "nope", "1")
    expect_refusal(legacy, "expected a float, found an integer tensor 'i32'", "int as float", "get", legacy, "i32", "6")

    # Truncation anywhere must be refused cleanly (never a crash or a partial load).
    for src in (legacy, zipped):
        data = open(src, "rb").read()
        cut_path = src + ".cut"
        for cut in sorted(set([0, 1, 2, 5, 14, 20, 100, len(data) - 1, len(data) - 8] +
                              list(range(0, len(data), max(1, len(data) // 60))))):
            open(cut_path, "wb").write(data[:cut])
            rc, _, err = run("dump", cut_path, cut_path + ".bin")
            check(rc == 1 and err.startswith(cut_path + ":") and "\n" not in err,
                  "%s cut at %d: rc %d %r" % (os.path.basename(src), cut, rc, err))

    # Globals outside the allow-list, in both formats and as protocol 4 STACK_GLOBAL.
    evil = {"x": Evil()}
    p = os.path.join(tmp, "evil-legacy.pth")
    torch.save(evil, p, _use_new_zipfile_serialization=False)
    expect_refusal(p, "refuses pickle global 'posix system'", "evil legacy")
    p = os.path.join(tmp, "evil-zip.pth")
    torch.save(evil, p)
    expect_refusal(p, "data.pkl: refuses pickle global 'posix system'", "evil zip")
    p = os.path.join(tmp, "evil-zip4.pth")
    torch.save(evil, p, pickle_protocol=4)
    expect_refusal(p, "refuses pickle global 'posix system'", "evil zip protocol 4")
    p = os.path.join(tmp, "evil-builtins.pth")
    open(p, "wb").write(legacy_header() + b"\x80\x02cbuiltins\neval\nX\x01\x00\x00\x001\x85R.")
    expect_refusal(p, "refuses pickle global 'builtins eval'", "builtins.eval")

    # Resource bombs: each must be refused at once.
    bombs = {
        "marks": (b"\x80\x02" + b"(" * 100000 + b".", "MARKs nested deeper than 64 levels"),
        "lists": (b"\x80\x02" + b"]" * 100000 + b"a" * 99999 + b".", "values nested deeper than 64 levels"),
        "tuples": (b"\x80\x02N" + b"\x85" * 100000 + b".", "values nested deeper than 64 levels"),
        "memo-put": (b"\x80\x02}r\xff\xff\xff\x7f.", "memo index 2147483647 exceeds the limit"),
        "memo-get": (b"\x80\x02}q\x00j\x00\x00\x01\x00.", "memo index 65536 was never stored"),
        "string": (b"\x80\x02X\xff\xff\xff\xff", "string of 4294967295 bytes exceeds the limit"),
        "opcode": (b"\x80\x02}I1\n.", "unsupported pickle opcode 0x49"),
        "underflow": (b"\x80\x02s.", "pickle stack underflow"),
        "stack": (b"\x80\x02" + b"N" * 2000000 + b".", "more than 1048576 values on the pickle stack"),
    }
    # billion laughs: 40 levels of lists holding the previous level 10 times (10^40 leaves
    # when expanded); the reader shares values, and the tuple of levels is no tensor.
    levels = b"]q\x00"
    for level in range(1, 41):
        levels += b"](" + (b"h" + bytes([level - 1])) * 10 + b"eq" + bytes([level])
    bombs["laughs"] = (b"\x80\x02}X\x01\x00\x00\x00k(" + levels + b"ts.", "state_dict entry 'k': not a tensor")
    for name, (pkl, needle) in bombs.items():
        p = os.path.join(tmp, "bomb-%s.pth" % name)
        open(p, "wb").write(legacy_header() + pkl)
        t0 = time.time()
        expect_refusal(p, needle, "bomb " + name)
        check(time.time() - t0 < 2, "bomb %s took %.1f s" % (name, time.time() - t0))

    # A storage offset beyond the data (legacy: patch the first offset BININT1 0 after BINPERSID).
    data = open(legacy, "rb").read()
    p = os.path.join(tmp, "offset-legacy.pth")
    open(p, "wb").write(data.replace(b"QK\x00", b"QJ\x00\x00\x00\x10", 1))
    expect_refusal(p, "tensor lies outside its storage", "offset legacy")
    p = os.path.join(tmp, "offset-zip.pth")
    rezip(zipped, p, replace=("/data.pkl", lambda d: d.replace(b"QK\x00", b"QK\xff", 1)))
    expect_refusal(p, "tensor lies outside its storage", "offset zip")
    p = os.path.join(tmp, "duplicate-legacy.pth")
    open(p, "wb").write(data.replace(b"X\x03\x00\x00\x00f16", b"X\x03\x00\x00\x00f64"))
    expect_refusal(p, "state_dict entry 'f64': the key appears twice", "duplicate key")
    p = os.path.join(tmp, "count-legacy.pth")
    keys_end = data.rindex(b"e.") + 2
    open(p, "wb").write(data[:keys_end] + b"\x07" + data[keys_end + 1:])
    expect_refusal(p, "holds 7 elements, the pickle says", "legacy count")

    # Zip entries missing or short.
    with zipfile.ZipFile(zipped) as z:
        prefix = z.namelist()[0].split("/")[0]
    p = os.path.join(tmp, "missing-zip.pth")
    rezip(zipped, p, drop=prefix + "/data/0")
    expect_refusal(p, "zip entry %s/data/0 is missing" % prefix, "zip missing data")
    p = os.path.join(tmp, "nopkl-zip.pth")
    rezip(zipped, p, drop=prefix + "/data.pkl")
    expect_refusal(p, "no <name>/data.pkl entry", "zip missing data.pkl")
    p = os.path.join(tmp, "short-zip.pth")
    rezip(zipped, p, replace=("/data/0", lambda d: d[:-4]))
    expect_refusal(p, "zip entry %s/data/0 holds" % prefix, "zip short data")

    # Not checkpoints at all.
    p = os.path.join(tmp, "text.pth")
    open(p, "wb").write(b"hello world\n")
    expect_refusal(p, "not a PyTorch checkpoint", "text file")
    p = os.path.join(tmp, "list.pth")
    torch.save([torch.zeros(2)], p, _use_new_zipfile_serialization=False)
    expect_refusal(p, "not a state_dict", "a list")
    expect_refusal(os.path.join(tmp, "absent.pth"), "cannot open", "absent file")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_round_trip(tmp)
        test_spectral(tmp)
        test_refusals(tmp)
    print("%d passed, %d failed" % (passes, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
