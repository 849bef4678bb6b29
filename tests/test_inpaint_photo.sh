#!/usr/bin/env bash
# Inpainting on real texture (tests/tool_inpaint_bench.c on Middlebury teddy
# crops shaped like pipeline jobs): the classical backend keeps the photo's
# texture in the hole, the diffusion baseline smooths it away. Measured
# (2026-12): texture energy relative to the truth 0.36 classical (its blend
# with the membrane, docs/EVAL.md; 0.7 for the synthesis alone), 0.07
# diffusion. Also checks the PNG views are written and bad options fail.
source "$(dirname "$0")/testlib.sh"
need_data
tool="$P3D_TOOL_DIR/tool_inpaint_bench"
photo="$P3D_SHARED_DATA/middlebury/teddy/im2.png"

expect_exit 0 "$tool" --crops 6 --size 128 --photo "$photo" --png "$T"
energy() { grep "inpaint $1 " "$T/out" | sed 's/.*texture energy \([0-9.]*\).*/\1/'; }
classical=$(energy classical)
diffusion=$(energy diffusion)
echo "texture energy: classical $classical, diffusion $diffusion"
awk -v c="$classical" 'BEGIN { exit !(c > 0.35 && c < 1.5) }' && ok || bad "classical texture energy $classical"
awk -v d="$diffusion" 'BEGIN { exit !(d < 0.15) }' && ok || bad "diffusion texture energy $diffusion"
[ -s "$T/crop0_classical.png" ] && [ -s "$T/crop2_diffusion_depth.png" ] && ok || bad "PNG views missing"

expect_exit 2 "$tool" --bogus 1
expect_exit 1 "$tool" --photo "$T/missing.png"
expect_err "missing.png"
finish
