# photo3d info: output for good files, and one-line errors (exit 1) for bad
# ones, each naming the file; other files are still described.
. "$(dirname "$0")/testlib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] && "$PY" -c "import numpy" 2>/dev/null || { echo "SKIPPED: /usr/bin/python3 with numpy needed"; exit 77; }

# Inputs made with numpy and zlib (exact bytes, no image library involved).
"$PY" - "$T" <<'PYEOF'
import struct, sys, zlib
import numpy as np
t = sys.argv[1]

def png(path, w, h, ctype, depth, rows, idat=True):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + r for r in rows)
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0))
    if idat:
        body += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + body)

png(f"{t}/rgb.png", 2, 1, 2, 8, [bytes([10, 20, 30, 50, 60, 70])])
png(f"{t}/one.png", 1, 1, 0, 8, [bytes([77])])
png(f"{t}/gray16.png", 2, 1, 0, 16, [struct.pack(">HH", 0, 1000)])
png(f"{t}/huge.png", 20000, 20000, 2, 8, [], idat=False)
good = open(f"{t}/rgb.png", "rb").read()
png(f"{t}/big.png", 64, 64, 2, 8, [bytes((x * 7 + y) % 256 for x in range(192)) for y in range(64)])
open(f"{t}/trunc.png", "wb").write(open(f"{t}/big.png", "rb").read()[:200])

def npy(path, descr, shape, data):
    d = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    d += " " * ((64 - (len(d) + 11) % 64) % 64) + "\n"
    open(path, "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(d)) + d.encode() + data)

np.save(f"{t}/d.npy", np.array([[np.nan, np.inf, 0.0], [-1.0, 2.0, 4.0]], dtype=np.float32))
np.save(f"{t}/f64.npy", np.arange(6, dtype=">f8").reshape(2, 3))
np.save(f"{t}/u16f.npy", np.asfortranarray(np.arange(6, dtype=np.uint16).reshape(2, 3)))
npy(f"{t}/lies.npy", "<f4", "(3, 3)", b"\0" * 24)
npy(f"{t}/huge.npy", "<f4", "(1048576, 1048576)", b"\0" * 24)
npy(f"{t}/dtype.npy", "<c8", "(3,)", b"\0" * 24)
npy(f"{t}/dims.npy", "<f4", "(1, 1, 1, 2, 3)", b"\0" * 24)
# 3 x 1 PFM, little-endian: one row holding -inf, 0.5, nan.
open(f"{t}/d.pfm", "wb").write(b"Pf\n3 1\n-1.0\n" + struct.pack("<fff", -np.inf, 0.5, np.nan))
open(f"{t}/color.pfm", "wb").write(b"PF\n1 1\n-1.0\n" + struct.pack("<fff", 1, 2, 3))
PYEOF

expect_exit 0 "$P3D_BIN" info "$T/rgb.png"
expect_out "^$T/rgb.png: PNG image 2x1, 3 channels, 8-bit$"
expect_out "^  gray: no$"
expect_out "^  R: min 10 max 50 mean 30.000$"
expect_out "^  B: min 30 max 70 mean 50.000$"

expect_exit 0 "$P3D_BIN" info "$T/one.png"
expect_out "^$T/one.png: PNG image 1x1, 1 channel, 8-bit$"
expect_out "^  gray: yes$"
expect_out "^  map 1x1: 1 values, 1 finite \(min 77 max 77 mean 77\), nan 0, inf 0, <=0 0$"

# A 16-bit gray PNG is an image (rounded to 8 bits) and a map with raw values.
expect_exit 0 "$P3D_BIN" info "$T/gray16.png"
expect_out "^  R: min 0 max 4 mean 2.000$"
expect_out "^  map 2x1: 2 values, 2 finite \(min 0 max 1000 mean 500\), nan 0, inf 0, <=0 1$"

expect_exit 0 "$P3D_BIN" info "$T/d.npy" "$T/f64.npy" "$T/u16f.npy"
expect_out "^$T/d.npy: NPY array <f4 shape \(2, 3\), C order$"
expect_out "^  map: 6 values, 4 finite \(min -1 max 4 mean 1.25\), nan 1, inf 1, <=0 2$"
expect_out "^$T/f64.npy: NPY array >f8 shape \(2, 3\), C order$"
expect_out "^  map: 6 values, 6 finite \(min 0 max 5 mean 2.5\)"
expect_out "^$T/u16f.npy: NPY array <u2 shape \(2, 3\), Fortran order$"

expect_exit 0 "$P3D_BIN" info "$T/d.pfm"
expect_out "^$T/d.pfm: PFM map 3x1, 1 channel, 32-bit$"
expect_out "^  map 3x1: 3 values, 1 finite \(min 0.5 max 0.5 mean 0.5\), nan 1, inf 1, <=0 1$"

# Bad files: one line naming the file, exit 1; good files around them still described.
check_bad() { # FILE PATTERN
  expect_exit 1 "$P3D_BIN" info "$1"
  expect_err "^photo3d info: $1: $2"
  [ ! -s "$T/out" ] && ok || bad "output for bad file $1: $(cat "$T/out")"
}
check_bad "$T/missing.png" "cannot open: No such file"
check_bad "$T" "cannot open|is a directory"
check_bad "$T/trunc.png" "bad PNG"
check_bad "$T/huge.png" "20000x20000 is over the limit of 100000000 pixels"
check_bad "$T/lies.npy" "the header's shape needs 36 data bytes, the file has 24"
check_bad "$T/huge.npy" "shape has more than"
check_bad "$T/dtype.npy" "unsupported .npy dtype '<c8'"
check_bad "$T/dims.npy" "array has 5 dimensions, at most 4"
check_bad "$T/color.pfm" "colour PFM"
printf 'hello' >"$T/text.txt"
check_bad "$T/text.txt" "unknown file format"
if [ "$(id -u)" -ne 0 ]; then
  cp "$T/rgb.png" "$T/locked.png" && chmod 000 "$T/locked.png"
  check_bad "$T/locked.png" "cannot open: Permission denied"
fi

expect_exit 1 "$P3D_BIN" info "$T/rgb.png" "$T/lies.npy" "$T/one.png"
expect_out "rgb.png: PNG image"
expect_out "one.png: PNG image"
expect_err "lies.npy"

# --max-pixels: the limit is configurable.
expect_exit 1 "$P3D_BIN" info --max-pixels 1 "$T/rgb.png"
expect_err "^photo3d info: $T/rgb.png: 2x1 is over the limit of 1 pixels$"
expect_exit 0 "$P3D_BIN" info --max-pixels 2 "$T/rgb.png"

# Bad usage: exit 2.
expect_exit 2 "$P3D_BIN" info
expect_exit 2 "$P3D_BIN" info --max-pixels lots "$T/rgb.png"
expect_err "max-pixels"
expect_exit 0 "$P3D_BIN" info --help
expect_out "^usage: photo3d info"

# Real data when present: the moon's JPEG and its depth map with negative values.
if [ -d "${P3D_SHARED_DATA:-/nonexistent}/moon" ]; then
  M="$P3D_SHARED_DATA/moon"
  expect_exit 0 "$P3D_BIN" info "$M/moon.jpg" "$M/moon.npy"
  expect_out "moon.jpg: JPEG image 2100x2100, 3 channels, 8-bit"
  expect_out "^  map: 409600 values, 409600 finite \(min -0.516833 max 1.38759"
  head -c 100000 "$M/moon.jpg" >"$T/trunc.jpg"
  check_bad "$T/trunc.jpg" "bad JPEG"
fi
finish
