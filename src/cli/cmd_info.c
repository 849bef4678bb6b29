/* photo3d info FILE...: one block per file describing what photo3d reads
 * from it. Photos (JPEG, PNG): size, channels and bit depth in the file, the
 * gray flag and per-channel min/max/mean of the decoded 8-bit RGB. Depth maps
 * and arrays (.npy, PFM; a gray PNG is shown both as image and as map): shape
 * and the min/max/mean of the finite values with counts of NaN, inf and
 * values <= 0. A bad file gets a one-line error; the others are still
 * described and the exit status is 1. Meshes (.ply): vertex and face
 * counts, photo size, fields of view and vertices per provenance code. Formats are recognised by content;
 * formats without a magic number (meshes) are matched by file extension in
 * the describers table. */
#include "cli.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const cli_opt info_opts[] = {
    {"max-pixels", "N", "refuse images and maps of more than N pixels (default 100000000)", 0},
    {0},
};

static const cli_spec info_spec = {
    "info", "FILE...",
    "Describes photos (JPEG, PNG), depth maps (.npy, .pfm, gray PNG), arrays (.npy) and\n"
    "3D photo meshes (.ply): size, channels, bit depth, gray flag and value statistics, or\n"
    "vertex/face counts, fields of view and provenance codes; one block per file.",
    info_opts, 1, -1};

static void print_values(const char *label, const float *v, size_t n)
{
    size_t finite = 0, nan = 0, inf = 0, nonpos = 0;
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            nan++;
        else if (isinf(v[i]))
            inf++;
        else {
            finite++;
            sum += v[i];
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
        nonpos += v[i] <= 0;
    }
    printf("  %s: %zu values, %zu finite", label, n, finite);
    if (finite)
        printf(" (min %.6g max %.6g mean %.6g)", lo, hi, sum / finite);
    printf(", nan %zu, inf %zu, <=0 %zu\n", nan, inf, nonpos);
}

static void print_header(const char *path, const p3d_file_info *fi, const char *what, int w, int h)
{
    printf("%s: %s %s %dx%d, %d channel%s, %d-bit\n", path, fi->format, what, w, h, fi->channels,
           fi->channels == 1 ? "" : "s", fi->bit_depth);
}

static int describe_image(p3d_ctx *ctx, const char *path)
{
    p3d_image img;
    p3d_file_info fi;
    if (p3d_image_load_info(ctx, path, &img, &fi))
        return ctx->status;
    print_header(path, &fi, "image", img.width, img.height);
    printf("  gray: %s\n", img.gray ? "yes" : "no");
    size_t n = (size_t)img.width * img.height;
    for (int c = 0; c < 3; c++) {
        int lo = 255, hi = 0;
        double sum = 0;
        for (size_t i = 0; i < n; i++) {
            int v = img.data[i * 3 + c];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            sum += v;
        }
        printf("  %c: min %d max %d mean %.3f\n", "RGB"[c], lo, hi, sum / n);
    }
    p3d_image_free(&img);
    return P3D_OK;
}

static int describe_map(p3d_ctx *ctx, const char *path, int with_header)
{
    p3d_map map;
    p3d_file_info fi;
    if (p3d_map_load_info(ctx, path, &map, &fi))
        return ctx->status;
    if (with_header)
        print_header(path, &fi, "map", map.width, map.height);
    char label[48];
    snprintf(label, sizeof label, "map %dx%d", map.width, map.height);
    print_values(label, map.data, (size_t)map.width * map.height);
    p3d_map_free(&map);
    return P3D_OK;
}

/* A gray PNG is a photo and possibly a depth map (raw 8/16-bit values). */
static int describe_png(p3d_ctx *ctx, const char *path)
{
    int rc = describe_image(ctx, path);
    if (rc == P3D_OK && describe_map(ctx, path, 0) != P3D_OK) {
        p3d_clear_error(ctx); /* a colour PNG is simply not a depth map */
        rc = P3D_OK;
    }
    return rc;
}

static int describe_pfm(p3d_ctx *ctx, const char *path)
{
    return describe_map(ctx, path, 1);
}

static int describe_npy(p3d_ctx *ctx, const char *path)
{
    p3d_array a;
    p3d_file_info fi;
    if (p3d_npy_load_info(ctx, path, &a, &fi))
        return ctx->status;
    char shape[128] = "";
    size_t n = 1;
    for (int d = 0; d < a.ndim; d++) {
        size_t len = strlen(shape);
        snprintf(shape + len, sizeof shape - len, "%s%ld", d ? ", " : "", a.shape[d]);
        n *= (size_t)a.shape[d];
    }
    printf("%s: NPY array %s shape (%s%s), %s order\n", path, fi.dtype, shape,
           a.ndim == 1 ? "," : "", fi.fortran_order ? "Fortran" : "C");
    int is_map = a.ndim == 2 || (a.ndim == 3 && a.shape[2] == 1);
    print_values(is_map ? "map" : "array", a.data, n);
    p3d_array_free(&a);
    return P3D_OK;
}

/* A 3D photo mesh: counts, the photo's size and fields of view, and how
 * many vertices carry each provenance code (ALGORITHM.md 8). */
static int describe_mesh(p3d_ctx *ctx, const char *path)
{
    p3d_mesh mesh;
    if (p3d_mesh_load_ply(ctx, path, &mesh))
        return ctx->status;
    printf("%s: PLY mesh, %ld vertices, %ld faces\n", path, mesh.nverts, mesh.nfaces);
    printf("  photo: %dx%d, hFov %.6g deg, vFov %.6g deg\n", mesh.width, mesh.height,
           mesh.hfov * 180 / 3.14159265358979323846, mesh.vfov * 180 / 3.14159265358979323846);
    long count[256] = {0};
    for (long i = 0; i < mesh.nverts; i++)
        count[mesh.rgba[4 * i + 3]]++;
    static const char *const names[256] = {
        [P3D_VERTEX_ORIGINAL] = "original", [P3D_VERTEX_SYNTH] = "synthesised",
        [P3D_VERTEX_SYNTH_EDGE] = "synthesised at an edge", [P3D_VERTEX_BORDER] = "border band"};
    for (int code = 0; code < 256; code++)
        if (count[code])
            printf("  provenance %d (%s): %ld vertices\n", code, names[code] ? names[code] : "other",
                   count[code]);
    p3d_mesh_free(&mesh);
    return P3D_OK;
}

typedef struct {
    const char *format;    /* p3d_file_format name, or NULL */
    const char *extension; /* for formats without a magic number, or NULL */
    int (*describe)(p3d_ctx *ctx, const char *path);
} describer;

static const describer describers[] = {
    {"JPEG", NULL, describe_image},
    {"PNG", NULL, describe_png},
    {"NPY", NULL, describe_npy},
    {"PFM", NULL, describe_pfm},
    {NULL, ".ply", describe_mesh},
};

static int has_extension(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

static int describe_file(p3d_ctx *ctx, const char *path)
{
    const char *format;
    if (p3d_file_format(ctx, path, &format))
        return ctx->status;
    for (size_t i = 0; i < sizeof describers / sizeof *describers; i++) {
        const describer *d = &describers[i];
        if ((d->format && strcmp(d->format, format) == 0) ||
            (d->extension && has_extension(path, d->extension)))
            return d->describe(ctx, path);
    }
    return p3d_fail(ctx, P3D_E_INPUT, "%s: unknown file format (photo3d reads JPEG, PNG, .npy, .pfm, .ply)",
                    path);
}

int cmd_info(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&info_spec, argc, argv, &a);
    if (rc >= 0)
        return rc;
    long max_pixels = 0;
    if (!cli_get_int(&a, "max-pixels", 1, LONG_MAX, &max_pixels))
        return 2;
    int status = 0;
    for (int i = 0; i < a.npos; i++) {
        p3d_ctx ctx;
        cli_ctx(&a, &ctx);
        if (max_pixels)
            ctx.max_pixels = max_pixels;
        if (describe_file(&ctx, a.pos[i]) != P3D_OK) {
            fflush(stdout);
            int code = cli_fail("info", &ctx);
            status = status ? status : code;
        }
    }
    return status;
}
