#!/usr/bin/env bash
# Inpainting backends: ms per 256x256 crop with a 30 % hole (tests/tool_inpaint_bench.c),
# textured from a Middlebury photo when ../shared/data is there.
set -euo pipefail
build=$(dirname "$1")
photo=../shared/data/middlebury/teddy/im2.png
if [ -f "$photo" ]; then
  "$build/tool_inpaint_bench" --crops 100 --size 256 --photo "$photo"
else
  "$build/tool_inpaint_bench" --crops 100 --size 256
fi
