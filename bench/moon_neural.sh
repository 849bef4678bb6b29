#!/usr/bin/env bash
# The moon example end to end with --inpaint neural and random weights (the
# official checkpoints cannot be downloaded here; tests/nn_torch_models.py
# makes checkpoints of the right architecture): wall, CPU (user + sys; read
# this on a machine shared with other jobs), peak RSS and the per-stage times.
# usage: bench/moon_neural.sh [PHOTO3D_BINARY] [VIDEO_LIST]   (default: none = mesh only)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/photo3d}
videos=${2:-none}
data=${P3D_SHARED_DATA:-$here/../../shared/data}/moon
py=/usr/bin/python3
[ -f "$data/moon.jpg" ] || { echo "moon_neural: $data not found: skipped"; exit 0; }
"$py" -c 'import torch' 2>/dev/null || { echo "moon_neural: no torch: skipped"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" - "$here/../tests" "$tmp" <<'PY'
import sys, torch
sys.path.insert(0, sys.argv[1])
import nn_torch_models as M
for i, kind in enumerate(['edge', 'depth', 'color']):
    torch.manual_seed(10 + i)
    torch.save(M.randomise(M.make_net(kind), 20 + i).state_dict(), '%s/%s-model.pth' % (sys.argv[2], kind))
PY
/usr/bin/time -f "wall %e s, cpu %U s user + %S s sys, peak RSS %M KB, minor faults %R" "$bin" run "$data/moon.jpg" \
    --depth "$data/moon.npy" --inpaint neural --weights-dir "$tmp" --video "$videos" -o "$tmp/out" \
    2>&1 | grep -E '^  |wall'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
