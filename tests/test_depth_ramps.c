/* Which depth maps the pipeline filters (src/depth/depth_ramps.c): the ramp
 * share of a sharp and of a smeared jump, worked out by hand, and the
 * preprocessing that filters the smeared one and leaves the sharp one alone,
 * where the filter itself would erode a round silhouette. */
#include "depth/depth_filter.h"
#include "photo3d/io.h"
#include "testlib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 32

/* Every row: disparity 1 up to column 10, 2 from column 10 + ramp on, and
 * ramp steps of 1 / (ramp + 1) between them (all far above 0.04). */
static void step_map(float *d, int ramp)
{
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++) {
            double t = x <= 10 ? 0 : x >= 10 + ramp + 1 ? 1 : (x - 10) / (double)(ramp + 1);
            d[y * N + x] = (float)(1.0 / (1.0 + t));
        }
}

/* A disc of disparity 2 (radius 6) on disparity 1; smear > 0 turns the
 * jump into a linear ramp that wide (pixels). */
static void disc_map(float *d, double smear)
{
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++) {
            double r = hypot(x - 15.5, y - 15.5), t;
            if (smear > 0)
                t = r < 6 - smear / 2 ? 1 : r > 6 + smear / 2 ? 0 : (6 + smear / 2 - r) / smear;
            else
                t = r < 6;
            d[y * N + x] = (float)(1.0 / (1.0 + t));
        }
}

static int differing(const float *a, const float *b)
{
    int n = 0;
    for (int i = 0; i < N * N; i++)
        n += a[i] != b[i];
    return n;
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    p3d_pipeline_options o;
    p3d_pipeline_defaults(&o);
    CHECK_NEAR(o.filter_min_ramp, 0.1, 0);
    float *d = malloc(sizeof(float) * N * N), *ref = malloc(sizeof(float) * N * N);
    p3d_map m = {N, N, d}, r = {N, N, ref};
    long count = -1;

    /* A sharp jump between columns 10 and 11: those two columns are
     * discontinuity pixels in the 30 interior rows, none is a ramp. */
    step_map(d, 0);
    CHECK_NEAR(p3d_depth_ramp_fraction(&m, 0.04, &count), 0.0, 0);
    CHECK_INT(count, 60);
    /* Smeared over two pixels (columns 11, 12 between 10 and 13): four
     * discontinuity columns, the middle two ramps. */
    step_map(d, 2);
    CHECK_NEAR(p3d_depth_ramp_fraction(&m, 0.04, &count), 0.5, 1e-12);
    CHECK_INT(count, 120);
    /* One pixel between: three columns, one ramp. */
    step_map(d, 1);
    CHECK_NEAR(p3d_depth_ramp_fraction(&m, 0.04, &count), 1.0 / 3, 1e-12);
    /* A steep slope (disparity steps of 0.05) is all discontinuity, but its
     * neighbours are 0.1 apart, under 4 thresholds: no ramp. */
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++)
            d[y * N + x] = (float)(1.0 / (1.0 + 0.05 * x));
    CHECK_NEAR(p3d_depth_ramp_fraction(&m, 0.04, &count), 0.0, 0);
    CHECK_INT(count, 30 * 30);
    /* Steps below the threshold are no discontinuity at all. */
    step_map(d, 40);
    CHECK_NEAR(p3d_depth_ramp_fraction(&m, 0.04, &count), 0.0, 0);
    CHECK_INT(count, 0);

    /* A sharp disc: the filter erodes it (edge pixels take the median of a
     * window that is mostly background); the preprocessing leaves it. */
    disc_map(ref, 0);
    CHECK(p3d_depth_ramp_fraction(&r, 0.04, NULL) < 0.05);
    memcpy(d, ref, sizeof(float) * N * N);
    CHECK_INT(p3d_depth_bilateral_median(&ctx, &m, o.depth_threshold, o.filter_size, o.sparse_iter), P3D_OK);
    int eroded = 0;
    for (int i = 0; i < N * N; i++)
        eroded += ref[i] < 0.75f && d[i] > 0.75f; /* disc pixel that became background */
    CHECK(eroded >= 4);
    memcpy(d, ref, sizeof(float) * N * N);
    int filtered = -1;
    CHECK_INT(p3d_depth_preprocess(&ctx, &m, &o, &filtered), P3D_OK);
    CHECK_INT(filtered, 0);
    CHECK_INT(differing(d, ref), 0);
    /* filter_min_ramp 0: always filtered, as the reference does. */
    o.filter_min_ramp = 0;
    CHECK_INT(p3d_depth_preprocess(&ctx, &m, &o, &filtered), P3D_OK);
    CHECK_INT(filtered, 1);
    CHECK(differing(d, ref) >= eroded);

    /* A smeared disc is filtered, exactly as by the filter alone, and its
     * ramps are gone afterwards. */
    p3d_pipeline_defaults(&o);
    disc_map(ref, 3);
    double before = p3d_depth_ramp_fraction(&r, 0.04, NULL);
    CHECK(before >= 0.1);
    memcpy(d, ref, sizeof(float) * N * N);
    CHECK_INT(p3d_depth_preprocess(&ctx, &m, &o, &filtered), P3D_OK);
    CHECK_INT(filtered, 1);
    CHECK_INT(p3d_depth_bilateral_median(&ctx, &r, o.depth_threshold, o.filter_size, o.sparse_iter), P3D_OK);
    CHECK_INT(differing(d, ref), 0);
    CHECK(p3d_depth_ramp_fraction(&m, 0.04, NULL) < before / 2);

    /* Reading a map (the reference's read path blurs every map 3x3 before
     * the filter sharpens it again): a sharp disparity step at the working
     * size is read without the blur, so the pixels next to the jump keep
     * their values (disparity 1 and 2, after the reference's min
     * subtraction and scaling 0 and 3: depth 20, the far clamp, and 1/3);
     * p3d_depth_from_map blurs them. */
    disc_map(d, 3);
    for (int i = 0; i < N * N; i++)
        d[i] = 1.0f / d[i]; /* a smeared disc as disparity */
    p3d_map sharp_disp = {N, N, ref}, raw = {N, N, d}, a = {0}, b = {0};
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++)
            ref[y * N + x] = x < 16 ? 1.0f : 2.0f;
    int blurred = -1;
    CHECK_INT(p3d_depth_from_map_sharp(&ctx, &sharp_disp, P3D_DEPTH_KIND_DISPARITY, N, N, 0.04, 0.1, &a,
                                       &blurred), P3D_OK);
    CHECK_INT(blurred, 0);
    CHECK_NEAR(a.data[5 * N + 15], 20, 1e-5);
    CHECK_NEAR(a.data[5 * N + 16], 1 / 3.0, 1e-6);
    CHECK_INT(p3d_depth_from_map(&ctx, &sharp_disp, P3D_DEPTH_KIND_DISPARITY, N, N, &b), P3D_OK);
    CHECK(b.data[5 * N + 15] < 2); /* blurred: a third of the way to the near side */
    p3d_map_free(&a);
    /* min_ramp 0: blurred, the reference's read exactly */
    CHECK_INT(p3d_depth_from_map_sharp(&ctx, &sharp_disp, P3D_DEPTH_KIND_DISPARITY, N, N, 0.04, 0, &a,
                                       &blurred), P3D_OK);
    CHECK_INT(blurred, 1);
    CHECK_INT(differing(a.data, b.data), 0);
    p3d_map_free(&a), p3d_map_free(&b);
    /* a smeared map is blurred as the reference does */
    CHECK_INT(p3d_depth_from_map_sharp(&ctx, &raw, P3D_DEPTH_KIND_DISPARITY, N, N, 0.04, 0.1, &a, &blurred),
              P3D_OK);
    CHECK_INT(blurred, 1);
    CHECK_INT(p3d_depth_from_map(&ctx, &raw, P3D_DEPTH_KIND_DISPARITY, N, N, &b), P3D_OK);
    CHECK_INT(differing(a.data, b.data), 0);
    p3d_map_free(&a), p3d_map_free(&b);
    free(d), free(ref);
    return tl_finish();
}
