#!/usr/bin/env bash
# Novel-view quality (docs/EVAL.md): PSNR/SSIM in the disoccluded pixels of
# stretch, holes, diffusion and ours over 3 synthetic seeds x 2 camera moves
# and the Middlebury scenes of ../shared/data. One table.
# Usage: bench/quality.sh [path/to/photo3d] [out_dir] [--size WxH] [--only NAME] [--set KEY=VALUE]...
set -euo pipefail
BIN=${1:-build/photo3d}
shift || true
exec /usr/bin/python3 "$(dirname "$0")/quality.py" "$BIN" "$@"
