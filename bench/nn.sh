#!/usr/bin/env bash
# Inpainting networks and MiDaS: photo3d's engine vs PyTorch (CPU, 2 threads) on a
# SIZE x SIZE input (default 512) with random weights. Per network: seconds
# of a warm forward pass (wall; process CPU in brackets, which is what to
# read on a machine shared with other jobs), speed ratio, peak RSS of the
# whole process (/usr/bin/time -v; loading included), convolution GFLOP per
# CPU second as a share of OpenBLAS sgemm's GFLOP per CPU second (robust to
# other jobs on the machine; x2 threads gives the wall-clock share), the max difference of the two outputs, and
# the optional bfloat16 path (photo3d net --bf16): seconds and max difference.
# usage: bench/nn.sh [PHOTO3D_BINARY] [SIZE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/photo3d}
size=${2:-512}
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2

cc -O2 "$here/sgemm_peak.c" -o "$tmp/sgemm_peak" -lopenblas
read -r peak_wall peak < <("$tmp/sgemm_peak")
echo "OpenBLAS sgemm, 2 threads, 2048^3: $peak_wall GFLOP/s wall, $peak GFLOP per CPU s;" \
    "input ${size}x${size}; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %16s %16s %7s %9s %9s %8s %8s %9s %16s %9s\n' net 'torch s (cpu)' 'photo3d s (cpu)' ratio \
    'torch MB' 'p3d MB' 'torch %' 'p3d %' 'max diff' 'bf16 s (cpu)' 'bf16 diff'
val() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%d", $2 / 1024}' "$1"; }
for kind in edge depth color midas; do
    "$py" "$here/nn_torch.py" prepare "$kind" "$size" "$tmp"
    /usr/bin/time -v "$py" "$here/nn_torch.py" run "$kind" "$tmp" >"$tmp/t.txt" 2>"$tmp/t.time"
    /usr/bin/time -v "$bin" net "$kind" --time --weights "$tmp/$kind.pth" "$tmp/${kind}_in.npy" \
        "$tmp/${kind}_out.npy" 2>"$tmp/p.time"
    warm() { awk '/forward \(warm\)/ {gsub(/,/, ""); print $(NF-4), $(NF-1)}' "$1"; }
    read -r p_s p_cpu < <(warm "$tmp/p.time")
    "$bin" net "$kind" --bf16 --time --weights "$tmp/$kind.pth" "$tmp/${kind}_in.npy" \
        "$tmp/${kind}_bf16.npy" 2>"$tmp/b.time"
    read -r b_s b_cpu < <(warm "$tmp/b.time")
    t_s=$(val torch_warm_s "$tmp/t.txt")
    t_cpu=$(val torch_warm_cpu_s "$tmp/t.txt")
    gf=$(val gflop "$tmp/t.txt")
    maxdiff() { "$py" -c "import numpy as n; print('%.2g' % abs(n.load('$1') - n.load('$tmp/${kind}_torch_out.npy')).max())"; }
    diff=$(maxdiff "$tmp/${kind}_out.npy")
    bdiff=$(maxdiff "$tmp/${kind}_bf16.npy")
    awk -v k="$kind" -v ts="$t_s" -v tc="$t_cpu" -v ps="$p_s" -v pc="$p_cpu" -v gf="$gf" -v pk="$peak" \
        -v tm="$(rss "$tmp/t.time")" -v pm="$(rss "$tmp/p.time")" -v d="$diff" -v bs="$b_s" \
        -v bc="$b_cpu" -v bd="$bdiff" 'BEGIN {
        printf "%-6s %7.2f (%6.2f) %7.2f (%6.2f) %7.2f %9d %9d %7.0f%% %7.0f%% %9s %7.2f (%6.2f) %9s\n", k, ts,
            tc, ps, pc, ts / ps, tm, pm, 100 * gf / tc / pk, 100 * gf / pc / pk, d, bs, bc, bd }'
done
echo "ratio = torch wall / photo3d wall; % = (feature-)convolution GFLOP per CPU second as a share of sgemm's"
