/* The pipeline from a working-size photo and depth to the 3D photo mesh, in
 * the reference's order (mesh.py: write_ply; ALGORITHM.md 1, table W1-W16):
 * filter -> LDI -> tear -> components -> edges -> clean-up -> border band ->
 * inpainting iterations 0 and 1 -> mesh. */
#include "photo3d/pipeline.h"

#include "depth/depth_filter.h"
#include "ldi/ldi_border.h"
#include "ldi/ldi_inpaint.h"
#include "mesh/mesh_build.h"
#include "pipeline/debug_maps.h"
#include "core/clock.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct stage_clock {
    p3d_pipeline_debug *dbg;
    double t0;
} stage_clock;

static void stage_done(p3d_ctx *ctx, stage_clock *c, const char *name)
{
    double t = p3d_seconds();
    if (c->dbg && c->dbg->nstages < P3D_STAGE_COUNT) {
        c->dbg->stage_name[c->dbg->nstages] = name;
        c->dbg->stage_seconds[c->dbg->nstages++] = t - c->t0;
    }
    c->t0 = t;
    p3d_report(ctx, name, 1, 1);
}

/* Unknown depth (not finite or not positive) takes the farthest known depth. */
static int sanitise_depth(p3d_ctx *ctx, const p3d_map *in, p3d_map *out)
{
    int rc = p3d_map_alloc(ctx, out, in->width, in->height);
    if (rc)
        return rc;
    size_t n = (size_t)in->width * in->height;
    float far = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(in->data[i]) && in->data[i] > far)
            far = in->data[i];
    for (size_t i = 0; i < n; i++)
        out->data[i] = isfinite(in->data[i]) && in->data[i] > 0 ? in->data[i] : (far > 0 ? far : 1.0f);
    return P3D_OK;
}

/* Discontinuity classes and edges after a change of links. */
static int regroup(p3d_ctx *ctx, ldi *l, uint8_t *cls, double threshold, ldi_edges *edges)
{
    ldi_edges_free(edges);
    ldi_classify_discontinuities(l, 1, cls);
    return ldi_group_edges(ctx, l, cls, threshold, edges);
}

static int grow_cls(p3d_ctx *ctx, uint8_t **cls, long n)
{
    uint8_t *p = realloc(*cls, n + 1);
    if (!p)
        return p3d_fail(ctx, P3D_E_NOMEM, "pipeline: out of memory");
    *cls = p;
    return P3D_OK;
}

/* Steps W2-W10: tearing, components, edges and their clean-up. */
static int build_ldi(p3d_ctx *ctx, ldi *l, const p3d_pipeline_options *o, uint8_t **cls,
                     ldi_edges *edges, p3d_pipeline_debug *dbg)
{
    double thr = o->depth_threshold;
    ldi_tear_links(l, thr);
    long dropped = ldi_drop_small_components(ctx, l, o->min_component);
    if (dropped < 0)
        return ctx->status;
    int rc = grow_cls(ctx, cls, l->n);
    if (rc)
        return rc;
    ldi_classify_discontinuities(l, 0, *cls);
    if ((rc = ldi_group_edges(ctx, l, *cls, thr, edges)))
        return rc;
    long refilled = ldi_refill_lost_pixels(ctx, l);
    if (refilled < 0 || (rc = grow_cls(ctx, cls, l->n)))
        return ctx->status;
    long dangling = ldi_repair_dangling(l, thr);
    if ((rc = regroup(ctx, l, *cls, thr, edges)))
        return rc;
    long healed = 0;
    if (o->extrapolate_border) {
        healed = ldi_remove_short_edges(l, edges, *cls, o->redundant_number);
        if (healed && (rc = regroup(ctx, l, *cls, thr, edges)))
            return rc;
    }
    if (dbg)
        dbg->dropped_nodes = dropped, dbg->refilled = refilled, dbg->dangling = dangling,
        dbg->healed_edges = healed;
    return P3D_OK;
}

/* Edges of the first synthesised layer: the near sides of its tears. Edges
 * of fewer than min_nodes nodes are left alone (in the reference only the
 * traced paths become edges; short tears here are mostly noise of the
 * synthesised depth, and each edge costs a backend job). */
static int synth_edges(p3d_ctx *ctx, ldi *l, uint8_t **cls, double threshold, int min_nodes,
                       ldi_edges *edges)
{
    int rc = grow_cls(ctx, cls, l->n);
    if (rc)
        return rc;
    for (long i = 0; i < l->n; i++)
        (*cls)[i] = l->iter[i] == 1 && (l->flags[i] & LDI_SYNTH_NEAR) ? LDI_CLASS_FG : LDI_CLASS_NONE;
    ldi_edges_free(edges);
    if ((rc = ldi_group_edges(ctx, l, *cls, threshold, edges)))
        return rc;
    for (int e = 0; e < edges->count; e++)
        if (edges->start[e + 1] - edges->start[e] < min_nodes)
            for (int32_t k = edges->start[e]; k < edges->start[e + 1]; k++)
                (*cls)[edges->nodes[k]] = LDI_CLASS_NONE;
    return P3D_OK;
}

int p3d_photo3d_build(p3d_ctx *ctx, const p3d_image *photo, const p3d_map *depth_in, int photo_w,
                      int photo_h, const p3d_pipeline_options *o,
                      const struct p3d_inpaint_backend *backend, p3d_mesh *mesh,
                      p3d_pipeline_debug *dbg)
{
    memset(mesh, 0, sizeof *mesh);
    if (photo->width != depth_in->width || photo->height != depth_in->height)
        return p3d_fail(ctx, P3D_E_USAGE, "pipeline: photo %dx%d and depth %dx%d differ in size",
                        photo->width, photo->height, depth_in->width, depth_in->height);
    if (!backend || !backend->edges || !backend->depth || !backend->color)
        return p3d_fail(ctx, P3D_E_USAGE, "pipeline: no inpainting backend");
    long canvas = (long)(photo->width + 2L * o->extrapolation_thickness) *
                  (photo->height + 2L * o->extrapolation_thickness);
    if (canvas > ctx->max_pixels)
        return p3d_fail(ctx, P3D_E_LIMIT, "pipeline: the %dx%d image with its border band is over the "
                        "limit of %ld pixels", photo->width, photo->height, ctx->max_pixels);
    if (o->sparse_iter > o->filter_size_count + 1)
        return p3d_fail(ctx, P3D_E_USAGE, "pipeline: sparse_iter %d needs %d filter sizes, got %d",
                        o->sparse_iter, o->sparse_iter - 1, o->filter_size_count);
    stage_clock clk = {dbg, p3d_seconds()};
    p3d_map depth = {0};
    ldi l = {0};
    ldi_edges edges = {0};
    uint8_t *cls = NULL;
    int filtered = 0, rc = sanitise_depth(ctx, depth_in, &depth);
    if (!rc)
        rc = p3d_depth_preprocess(ctx, &depth, o, &filtered);
    if (!rc && dbg && dbg->want_maps)
        rc = debug_keep_depth(ctx, dbg, &depth);
    if (!rc)
        stage_done(ctx, &clk, filtered ? "depth filter" : "depth filter (skipped: sharp depth)");
    if (!rc)
        rc = ldi_create(ctx, &l, photo, &depth, o->extrapolation_thickness);
    if (!rc)
        rc = build_ldi(ctx, &l, o, &cls, &edges, dbg);
    if (!rc && dbg && dbg->want_maps)
        rc = debug_edges_image(ctx, dbg, &l, cls);
    if (!rc)
        stage_done(ctx, &clk, "layered depth image");
    if (!rc && o->extrapolate_border) {
        rc = ldi_extrapolate_border(ctx, &l, cls, o, photo->gray, backend);
        if (!rc)
            rc = grow_cls(ctx, &cls, l.n);
        if (!rc)
            rc = regroup(ctx, &l, cls, o->depth_threshold, &edges);
        if (!rc)
            stage_done(ctx, &clk, "border extrapolation");
    }
    for (int it = 0; it < 2 && !rc; it++) {
        region_params rp = {it, it ? o->background_thickness_2 : o->background_thickness,
                            it ? o->context_thickness_2 : o->context_thickness,
                            it || backend->keep_context_band ? 0 : o->depth_edge_dilate};
        ldi_path_params pp = {o->repeat_inpaint_edge ? 2 : 0, o->depth_edge_dilate_2};
        ldi_inpaint_debug idbg, *pidbg = NULL;
        ldi_inpaint_stats st;
        if (it == 1)
            rc = synth_edges(ctx, &l, &cls, o->depth_threshold, o->redundant_number, &edges);
        if (!rc && dbg && dbg->want_maps)
            rc = debug_inpaint_maps(ctx, dbg, &l, it, &idbg), pidbg = &idbg;
        if (!rc)
            rc = ldi_inpaint_iteration(ctx, &l, &edges, cls, &rp, &pp, o->depth_threshold,
                                       photo->gray, backend, pidbg, &st);
        if (!rc && pidbg)
            debug_inpaint_finish(dbg, &l, it, &idbg);
        if (!rc && dbg) {
            dbg->regions[it] = st.edges;
            dbg->synthesized[it] = st.new_nodes;
            dbg->tears += st.tears;
            if (it == 0)
                dbg->edges_fg = dbg->edges_bg = 0;
            for (int e = 0; it == 0 && e < edges.count; e++)
                *(cls[edges.nodes[edges.start[e]]] == LDI_CLASS_FG ? &dbg->edges_fg : &dbg->edges_bg) += 1;
        }
        if (!rc)
            stage_done(ctx, &clk, it ? "inpaint iteration 1" : "inpaint iteration 0");
    }
    if (!rc)
        rc = p3d_mesh_from_ldi(ctx, &l, photo_w, photo_h, mesh);
    if (!rc && backend->extend_silhouettes &&
        mesh_extend_silhouettes(ctx, &l, photo_w, photo_h, 0.5f, mesh) < 0)
        rc = ctx->status;
    if (!rc && dbg) {
        dbg->pixels = (long)l.width * l.height;
        dbg->layers = 0;
        for (int pix = 0; pix < l.cw * l.ch; pix++) {
            int k = 0;
            for (int32_t m = l.head[pix]; m >= 0; m = l.next[m])
                k++;
            dbg->layers = k > dbg->layers ? k : dbg->layers;
        }
        dbg->vertices = mesh->nverts, dbg->faces = mesh->nfaces;
        dbg->faces_reference = mesh_reference_face_count(&l);
    }
    if (!rc)
        stage_done(ctx, &clk, "mesh");
    ldi_edges_free(&edges);
    ldi_free(&l);
    free(cls);
    p3d_map_free(&depth);
    return rc;
}
