# photo3d render: outputs, GLB (checked by the official glTF validator when
# node and the npm package gltf-validator are available), and bad input.
. "$(dirname "$0")/testlib.sh"

# A tiny 3D photo: a 16x12 "image" as two triangles at depth 2 (+ a third at 1).
cat >"$T/tiny.ply" <<'PLY'
ply
format ascii 1.0
comment H 12
comment W 16
comment hFov 0.9272952180016122
comment vFov 0.7188299996216245
element vertex 7
property float x
property float y
property float z
property uchar red
property uchar green
property uchar blue
property uchar alpha
element face 3
property list uchar int vertex_index
end_header
-2 -1.5 2 255 0 0 1
2 -1.5 2 0 255 0 1
-2 1.5 2 0 0 255 1
2 1.5 2 255 255 255 1
-0.1 -0.1 1 10 20 30 4
0.1 -0.1 1 10 20 30 4
0 0.1 1 10 20 30 4
3 0 2 1
3 1 2 3
3 4 5 6
PLY

expect_exit 0 "$P3D_BIN" render "$T/tiny.ply" -o "$T/res" --frames 4 --format png --glb --quiet
[ "$(ls "$T/res"/tiny_zoom-in/*.png | wc -l)" -eq 4 ] && ok || bad "expected 4 png frames"
[ -f "$T/res/tiny_swing/frame_00003.png" ] && ok || bad "swing frames missing"
ls "$T/res" | grep -q tmp && bad "temporary files left" || ok

# GLB structure: magic, version, length, JSON chunk with counts, camera and flipped axes.
/usr/bin/python3 - "$T/res/tiny.glb" <<'PY' && ok || bad "GLB structure"
import json, struct, sys
b = open(sys.argv[1], "rb").read()
magic, version, length = struct.unpack_from("<III", b, 0)
assert magic == 0x46546C67 and version == 2 and length == len(b), (magic, version, length)
jlen, jtype = struct.unpack_from("<II", b, 12)
assert jtype == 0x4E4F534A
g = json.loads(b[20:20 + jlen])
acc = g["accessors"]
assert acc[0]["count"] == 7 and acc[2]["count"] == 9, acc
cam = g["cameras"][0]["perspective"]
assert abs(cam["yfov"] - 0.7188299996216245) < 1e-7 and abs(cam["aspectRatio"] - 16 / 12) < 1e-7, cam
blen, btype = struct.unpack_from("<II", b, 20 + jlen)
x, y, z = struct.unpack_from("<fff", b, 28 + jlen)
assert (x, y, z) == (-2.0, 1.5, -2.0), (x, y, z)  # (-2, -1.5, 2) with y and z negated
assert acc[0]["min"] == [-2, -1.5, -2] and acc[0]["max"] == [2, 1.5, -1], acc[0]
PY

# The official validator (npm gltf-validator) when available.
VAL_DIR="${P3D_BUILD_DIR:-/tmp}/gltf"
if command -v node >/dev/null && { [ -d "$VAL_DIR/node_modules/gltf-validator" ] ||
   (mkdir -p "$VAL_DIR" && cd "$VAL_DIR" && timeout 60 npm install --silent --no-audit --no-fund --prefix . gltf-validator >/dev/null 2>&1); }; then
  node -e '
    const v = require(process.argv[1] + "/node_modules/gltf-validator");
    const b = new Uint8Array(require("fs").readFileSync(process.argv[2]));
    v.validateBytes(b).then(r => {
      const n = r.issues.numErrors + r.issues.numWarnings;
      if (n) { console.error(JSON.stringify(r.issues.messages)); process.exit(1); }
    }).catch(e => { console.error(e); process.exit(1); });' "$VAL_DIR" "$T/res/tiny.glb" && ok || bad "glTF validator reports problems"
else
  echo "note: node or npm package gltf-validator unavailable; validator check skipped"
fi

# photo3d info describes meshes.
printf 'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_index\nend_header\n0 0 1\n1 0 1\n0 1 1\n4 0 1 2 0\n' >"$T/quad.ply"
expect_exit 0 "$P3D_BIN" info "$T/tiny.ply"
expect_out "tiny.ply: PLY mesh, 7 vertices, 3 faces"
expect_out "photo: 16x12, hFov 53.1301 deg, vFov 41.1859 deg"
expect_out "provenance 1 \(original\): 4 vertices"
expect_out "provenance 4 \(synthesised at an edge\): 3 vertices"
expect_exit 1 "$P3D_BIN" info "$T/quad.ply"
expect_err "quad.ply: face 0 has 4 vertices"

# argument.yml keys through --set: 2 videos of 3 frames at 10 fps, names from video_postfix.
expect_exit 0 "$P3D_BIN" render "$T/tiny.ply" -o "$T/set" --format png --quiet \
  --set "video_postfix=[left, up]" --set "traj_types=[straight-line, straight-line]" \
  --set "x_shift_range=[0.1, 0]" --set "y_shift_range=[0, 0.1]" --set "z_shift_range=[0, 0]" \
  --set num_frames=3
[ "$(ls "$T/set")" = "$(printf 'tiny_left\ntiny_up')" ] && ok || bad "videos from --set: $(ls "$T/set")"
[ "$(ls "$T/set/tiny_up" | wc -l)" -eq 3 ] && ok || bad "3 frames expected"
expect_exit 2 "$P3D_BIN" render "$T/tiny.ply" --set fps
expect_err "--set: 'fps' is not KEY=VALUE"
expect_exit 2 "$P3D_BIN" render "$T/tiny.ply" --set traj_types=[zigzag]
expect_err "traj_types: 'zigzag' is not"

# Custom path, mp4 default.
printf '0 0 0\n0.01 0 0 50\n' >"$T/path.txt"
expect_exit 0 "$P3D_BIN" render "$T/tiny.ply" -o "$T/res" --path "$T/path.txt" --quiet
[ -s "$T/res/tiny_path.mp4" ] && ok || bad "path video missing"
# A nested output folder is created with its parents (mkdir -p).
expect_exit 0 "$P3D_BIN" render "$T/tiny.ply" -o "$T/deep/er/out" --path "$T/path.txt" --quiet
[ -s "$T/deep/er/out/tiny_path.mp4" ] && ok || bad "nested output folder not created"

# Bad input: one line naming the file, exit 1, nothing written.
expect_exit 1 "$P3D_BIN" render "$T/quad.ply" -o "$T/bad"
expect_err "quad.ply: face 0 has 4 vertices"
[ ! -e "$T/bad" ] || [ -z "$(ls "$T/bad")" ] && ok || bad "output left after bad input"
expect_exit 1 "$P3D_BIN" render "$T/missing.ply"
expect_err "missing.ply: cannot open"
expect_exit 2 "$P3D_BIN" render "$T/tiny.ply" --video zoom-out
expect_err "unknown video 'zoom-out'"
expect_exit 2 "$P3D_BIN" render "$T/tiny.ply" --format avi
expect_err "--format"
expect_exit 2 "$P3D_BIN" render "$T/tiny.ply" --simplify -0.5
expect_err "--simplify: -0.5 is not a distance in pixels"
expect_exit 1 "$P3D_BIN" render "$T/tiny.ply" --path "$T/nopath.txt"
expect_err "nopath.txt: cannot open"

# render runs with passive OpenMP waiting (libgomp's spin count 0) unless the
# user chose a policy; other commands keep libgomp's default.
spin() { OMP_DISPLAY_ENV=verbose "$@" 2>&1 | sed -n "s/.*GOMP_SPINCOUNT = '\([0-9]*\)'.*/\1/p" | head -1; }
[ "$(spin env -u OMP_WAIT_POLICY "$P3D_BIN" render "$T/missing.ply")" = 0 ] &&
  ok || bad "render does not wait passively"
[ "$(spin env OMP_WAIT_POLICY=active "$P3D_BIN" render "$T/missing.ply")" != 0 ] &&
  ok || bad "render overrode the user's OMP_WAIT_POLICY"
# each setting is added unless the user set it (src/cli/start_env.c): the
# user's own GLIBC_TUNABLES does not stop the passive waiting
[ "$(spin env -u OMP_WAIT_POLICY GLIBC_TUNABLES=glibc.malloc.check=0 "$P3D_BIN" render "$T/missing.ply")" = 0 ] &&
  ok || bad "a user's GLIBC_TUNABLES kept render from waiting passively"
[ "$(spin env -u OMP_WAIT_POLICY "$P3D_BIN" info "$T/missing.ply")" != 0 ] &&
  ok || bad "info changed the OpenMP wait policy"
finish
