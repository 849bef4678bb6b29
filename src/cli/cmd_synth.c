/* photo3d synth: writes a synthetic RGB-D scene with ground-truth novel views
 * (src/synth), the bundled example and the exact reference for view quality. */
#include "cli.h"
#include "photo3d/synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POSES 64

static const cli_opt synth_opts[] = {
    {"size", "WxH", "image size, 16x16 .. 8192x8192 (default 640x480)", 0},
    {"seed", "N", "scene variation: positions, sizes, colours, textures (default 1)", 0},
    {"pose", "tx,ty,tz", "camera centre of a ground-truth view (X right, Y down, Z forward; "
                         "default -0.15,0,0 0.15,0,0 0,0,0.3)", 1},
    {0},
};

static const cli_spec synth_spec = {
    "synth", "OUT_DIR",
    "Renders a procedurally textured room (brick wall, tiled floor, ball on a pedestal in front of a\n"
    "crate, column, block, globe; depths about 2.2 to 8 units) with photo3d's camera model\n"
    "(focal length max(W,H), principal point (W/2, H/2)). Writes into OUT_DIR: image.png, depth.npy\n"
    "(Z, float32), disparity.pfm (1/Z); for the K-th --pose view_K.png, view_K_depth.npy and\n"
    "view_K_hidden.png (255: surface the source view does not see, 128: outside the source frame);\n"
    "scene.json (camera, objects, poses). The same seed always gives the same bytes.",
    synth_opts, 1, 1};

/* "WxH" with both sides in 16..8192. */
static int parse_size(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        return 0;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (end == t || *end || a < 16 || b < 16 || a > 8192 || b > 8192)
        return 0;
    *w = (int)a;
    *h = (int)b;
    return 1;
}

int cmd_synth(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&synth_spec, argc, argv, &a);
    if (rc >= 0)
        return rc;
    int w = 640, h = 480;
    const char *size = cli_get(&a, "size");
    if (size && !parse_size(size, &w, &h)) {
        cli_error("synth", "--size: '%s' is not WxH with sides in 16..8192", size);
        return 2;
    }
    long seed = 1;
    if (!cli_get_int(&a, "seed", 0, 2147483647L, &seed))
        return 2;
    static double poses[MAX_POSES][3];
    int npose = cli_count(&a, "pose");
    if (npose > MAX_POSES) {
        cli_error("synth", "--pose: at most %d poses", MAX_POSES);
        return 2;
    }
    for (int k = 0; k < npose; k++) {
        const char *v = cli_get_nth(&a, "pose", k);
        if (!cli_parse_numbers(v, poses[k], 3)) {
            cli_error("synth", "--pose: '%s' is not tx,ty,tz (three numbers)", v);
            return 2;
        }
    }
    if (npose == 0) {
        npose = P3D_SYNTH_DEFAULT_POSES;
        memcpy(poses, p3d_synth_default_poses, sizeof p3d_synth_default_poses);
    }
    p3d_ctx ctx;
    cli_ctx(&a, &ctx);
    p3d_synth_scene scene;
    if (p3d_synth_scene_make(&ctx, w, h, (uint64_t)seed, &scene) ||
        p3d_synth_write(&ctx, &scene, a.pos[0], (const double(*)[3])poses, npose))
        return cli_fail("synth", &ctx);
    if (!a.quiet)
        printf("synth: %dx%d scene (seed %ld) with %d ground-truth view%s written to %s\n", w, h, seed, npose,
               npose == 1 ? "" : "s", a.pos[0]);
    return 0;
}
