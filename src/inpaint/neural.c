/* The neural backend (neural.h): builds each network's input tensor from a
 * job as the reference's forward_3P does (ALGORITHM.md 6.1-6.4), runs the
 * network (src/nn/networks.h) and composites the result into the job. */
#include "inpaint/edge_paths.h"
#include "inpaint/neural.h"
#include "nn/networks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EDGE_THRESHOLD 0.002f /* ext_edge_threshold; strict > */
#define LARGEST_SIZE 512.0     /* colour net's patch limit */
#define PAD_MULTIPLE 128

typedef struct neural_state {
    p3d_net *edge, *depth, *color;
    long edge_runs;   /* edge-net runs (a count for tests and benches) */
    long edge_passes; /* edge passes, with those not run because their input repeated */
    int always_run;   /* tests: run the net even when its input repeats */
} neural_state;

/* A zero (C, H, W) tensor, H and W rounded up to multiples of 128, with the
 * crop placed at (oy, ox) = residual / 2 (extra pixel bottom/right). */
typedef struct padded {
    int c, h, w, oy, ox;
    float *data;
} padded;

static int padded_alloc(p3d_ctx *ctx, padded *t, int c, int crop_h, int crop_w)
{
    t->c = c;
    t->h = (crop_h + PAD_MULTIPLE - 1) / PAD_MULTIPLE * PAD_MULTIPLE;
    t->w = (crop_w + PAD_MULTIPLE - 1) / PAD_MULTIPLE * PAD_MULTIPLE;
    t->oy = (t->h - crop_h) / 2;
    t->ox = (t->w - crop_w) / 2;
    t->data = calloc((size_t)c * t->h * t->w, sizeof(float));
    return t->data ? P3D_OK : p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
}

/* Element of channel ch at crop pixel (x, y). */
static inline float *at(const padded *t, int ch, int x, int y)
{
    return t->data + ((size_t)ch * t->h + y + t->oy) * t->w + x + t->ox;
}

/* Runs net on in (channels in->c) into out (allocated here, same padding). */
static int run_net(p3d_ctx *ctx, p3d_net *net, const padded *in, padded *out)
{
    *out = *in;
    out->c = p3d_net_out_channels(net);
    out->data = malloc((size_t)out->c * out->h * out->w * sizeof(float));
    if (!out->data)
        return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    return p3d_net_forward(ctx, net, in->h, in->w, in->data, out->data);
}

static int any_context(const p3d_inpaint_job *job)
{
    for (long i = 0; i < (long)job->width * job->height; i++)
        if (job->context[i])
            return 1;
    return 0;
}

/* Some edge pixel lies in the 3x3 dilation of the mask (require_depth_edge). */
static int edge_near_mask(const p3d_inpaint_job *job)
{
    const int w = job->width, h = job->height;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (!job->edge[(long)y * w + x])
                continue;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = y + dy, xx = x + dx;
                    if (yy >= 0 && yy < h && xx >= 0 && xx < w && job->mask[(long)yy * w + xx])
                        return 1;
                }
        }
    return 0;
}

/* Runs the edge net on in and thresholds: edge_out = (out > 0.002) * mask +
 * edge; *grown = some mask pixel passed the threshold. */
static int edge_pass(p3d_ctx *ctx, neural_state *s, const padded *in, p3d_inpaint_job *job, int *grown)
{
    padded out = {0};
    *grown = 0;
    if (run_net(ctx, s->edge, in, &out) == P3D_OK) {
        s->edge_runs++;
        for (int y = 0; y < job->height; y++)
            for (int x = 0; x < job->width; x++) {
                long i = (long)y * job->width + x;
                int on = job->mask[i] && *at(&out, 0, x, y) > EDGE_THRESHOLD;
                job->edge_out[i] = on || job->edge[i];
                *grown |= on;
            }
    }
    free(out.data);
    return ctx->status;
}

/* 6.2 steps 4-5: near and far paths traced in the thresholded output; the
 * edge net runs edge_repeats times more with the near paths as its edge
 * channel, each output traced again (the last tracing wins; a pass whose
 * edge channel is the previous pass's is not run again, its output would be
 * the same: no near path, or the paths did not change); the edges
 * become the near paths in the mask and the input edges in the context.
 * The reference's second pass over all masks (a path with one end point
 * defers to another mask's path from the same start that reaches a second
 * end point) is not done: every mask keeps its own paths. */
static int trace_paths(p3d_ctx *ctx, neural_state *s, padded *in, p3d_inpaint_job *job)
{
    const int w = job->width, h = job->height;
    const long n = (long)w * h;
    edge_path_input pin = {w, h, job->edge_out, job->mask, job->context, job->end_depth,
                           job->far_dir, job->front_depth, job->refine_band};
    for (int pass = 0; pass <= job->edge_repeats; pass++) {
        int grown;
        if (pass > 0) {
            int same = 1;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    long i = (long)y * w + x;
                    float v = job->npath[i] >= 0 || job->edge[i];
                    same &= *at(in, 4, x, y) == v;
                    *at(in, 4, x, y) = v;
                }
            /* the same input gives the same output (and tracing): no run */
            s->edge_passes++;
            if ((!same || s->always_run) && edge_pass(ctx, s, in, job, &grown))
                return ctx->status;
        }
        if (edge_paths_trace(&pin, pass == job->edge_repeats, job->npath, job->fpath) < 0)
            return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory tracing edges");
    }
    for (long i = 0; i < n; i++)
        job->edge_out[i] = (job->npath[i] >= 0 && job->mask[i]) || (job->context[i] && job->edge[i]);
    return P3D_OK;
}

/* 6.2: [R, G, B, disp / max disp, edge, context, mask] -> (out > 0.002) * mask + edge,
 * then the paths when the job has end points. */
static int edges_on_view(p3d_ctx *ctx, neural_state *s, p3d_inpaint_job *job)
{
    const int w = job->width, h = job->height;
    const long n = (long)w * h;
    for (long i = 0; i < n; i++)
        job->edge_out[i] = job->edge[i] != 0;
    if (!any_context(job) || !edge_near_mask(job))
        return P3D_OK;
    padded in;
    if (padded_alloc(ctx, &in, 7, h, w))
        return ctx->status;
    float max_disp = 0.0f;
    for (long i = 0; i < n; i++)
        if (job->context[i] && job->depth[i] > 0.0f && 1.0f / job->depth[i] > max_disp)
            max_disp = 1.0f / job->depth[i];
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            long i = (long)y * w + x;
            int known = job->context[i] != 0;
            for (int ch = 0; ch < 3; ch++)
                *at(&in, ch, x, y) = known ? job->rgb[3 * i + ch] / 255.0f : 0.0f;
            *at(&in, 3, x, y) =
                known && job->depth[i] > 0.0f && max_disp > 0.0f ? 1.0f / job->depth[i] / max_disp : 0.0f;
            *at(&in, 4, x, y) = job->edge[i] != 0;
            *at(&in, 5, x, y) = known;
            *at(&in, 6, x, y) = job->mask[i] != 0;
        }
    int grown;
    s->edge_passes++;
    if (edge_pass(ctx, s, &in, job, &grown) == P3D_OK && grown && job->npath && job->fpath &&
        job->end_depth)
        trace_paths(ctx, s, &in, job);
    free(in.data);
    return ctx->status;
}

/* refine_depth_around_edge for every path id present. */
static int refine_paths(p3d_ctx *ctx, p3d_inpaint_job *job)
{
    const long n = (long)job->width * job->height;
    int32_t ids = 0;
    for (long i = 0; i < n; i++)
        if (job->npath[i] >= ids)
            ids = job->npath[i] + 1;
    if (!ids)
        return P3D_OK;
    uint8_t *present = calloc(ids, 1);
    if (!present)
        return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    for (long i = 0; i < n; i++)
        if (job->npath[i] >= 0)
            present[job->npath[i]] = 1;
    for (int32_t id = 0; id < ids && !ctx->status; id++)
        if (present[id] && depth_refine_edge(job->depth_out, job->npath, job->fpath, id, job->mask,
                                             job->width, job->height, job->refine_band))
            p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    free(present);
    return ctx->status;
}

/* 6.3: [zm, edge_out, context, closed mask], zm = (log d - mu) * context;
 * depth = exp(out + mu) in the mask, then smooth_cntsyn_gap and
 * refine_depth_around_edge along the traced paths (6.3 steps 4-5). */
static int depth_on_view(p3d_ctx *ctx, neural_state *s, p3d_inpaint_job *job)
{
    const int w = job->width, h = job->height;
    const long n = (long)w * h;
    double mu = 0.0;
    long count = 0;
    for (long i = 0; i < n; i++)
        if (job->context[i]) {
            mu += log(job->depth[i] + 1e-8);
            count++;
        }
    for (long i = 0; i < n; i++)
        job->depth_out[i] = job->mask[i] ? 1.0f : job->context[i] ? job->depth[i] : 0.0f;
    if (!count)
        return P3D_OK;
    mu /= count;
    padded in, out = {0};
    uint8_t *closed = malloc(n);
    if (!closed || padded_alloc(ctx, &in, 4, h, w)) {
        free(closed);
        return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    }
    neural_close_mask(job->mask, job->context, w, h, closed);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            long i = (long)y * w + x;
            *at(&in, 0, x, y) = job->context[i] ? (float)(log(job->depth[i] + 1e-8) - mu) : 0.0f;
            *at(&in, 1, x, y) = job->edge_out[i] != 0;
            *at(&in, 2, x, y) = job->context[i] != 0;
            *at(&in, 3, x, y) = closed[i];
        }
    if (run_net(ctx, s->depth, &in, &out) == P3D_OK)
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                long i = (long)y * w + x;
                if (job->mask[i])
                    job->depth_out[i] = (float)exp(*at(&out, 0, x, y) + mu);
            }
    if (!ctx->status && job->smooth_gap)
        depth_smooth_gap(job->depth_out, job->mask, job->context, w, h);
    if (!ctx->status && job->npath && job->fpath)
        refine_paths(ctx, job);
    free(closed);
    free(in.data);
    free(out.data);
    return ctx->status;
}

/* The edge and depth nets' view of a job (6.2 step 1, 6.3 step 1): the
 * eroded band, when the job has one, is context there (only the colour net
 * repaints it). The copy shares the job's inputs and outputs. */
static int with_band_as_context(p3d_ctx *ctx, neural_state *s, p3d_inpaint_job *job,
                                int (*step)(p3d_ctx *, neural_state *, p3d_inpaint_job *))
{
    if (!job->erode)
        return step(ctx, s, job);
    const long n = (long)job->width * job->height;
    uint8_t *known = malloc(2 * n);
    if (!known)
        return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    uint8_t *hole = known + n;
    for (long i = 0; i < n; i++) {
        known[i] = job->context[i] || job->erode[i];
        hole[i] = job->mask[i] && !job->erode[i];
    }
    p3d_inpaint_job view = *job;
    view.context = known, view.mask = hole, view.erode = NULL;
    int rc = step(ctx, s, &view);
    free(known);
    return rc;
}

static int neural_edges(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return with_band_as_context(ctx, state, job, edges_on_view);
}

static int neural_depth(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    return with_band_as_context(ctx, state, job, depth_on_view);
}

/* Colour inputs at the network's size: rgb (3 planes, times context), edge,
 * context, mask (planes of 0/1 floats). */
typedef struct color_planes {
    int w, h;
    float *rgb, *edge, *context, *mask;
} color_planes;

static int planes_alloc(color_planes *p, int w, int h)
{
    p->w = w;
    p->h = h;
    p->rgb = calloc((size_t)6 * w * h, sizeof(float));
    p->edge = p->rgb + (size_t)3 * w * h;
    p->context = p->edge + (size_t)w * h;
    p->mask = p->context + (size_t)w * h;
    return p->rgb != NULL;
}

/* The largest_size rule: frac = floor(max(h,w) * s / 128) * 128 / max(h,w),
 * s = 512 / sqrt(h*w); shrink (area) when frac < 1: mask = area > 0,
 * context = area == 1 outside the mask, rgb = area * context, no edges. */
static int color_planes_shrunk(const color_planes *full, color_planes *small)
{
    const int longer = full->w > full->h ? full->w : full->h;
    double s = LARGEST_SIZE / sqrt((double)full->w * full->h);
    double frac = floor(longer * s / PAD_MULTIPLE) * PAD_MULTIPLE / longer;
    if (frac >= 1.0)
        return 0;
    const int sw = (int)floor(full->w * frac), sh = (int)floor(full->h * frac);
    if (!planes_alloc(small, sw, sh))
        return -1;
    const long n = (long)sw * sh;
    neural_resize_area(full->rgb, 3, full->h, full->w, sh, sw, small->rgb);
    neural_resize_area(full->context, 1, full->h, full->w, sh, sw, small->context);
    neural_resize_area(full->mask, 1, full->h, full->w, sh, sw, small->mask);
    for (long i = 0; i < n; i++) {
        small->mask[i] = small->mask[i] > 0.0f;
        small->context[i] = small->context[i] == 1.0f && !small->mask[i];
        for (int ch = 0; ch < 3; ch++)
            small->rgb[ch * n + i] *= small->context[i];
    }
    return 1;
}

/* Runs the colour net on p: C = out * mask + rgb (3 planes of p's size). */
static int color_on_planes(p3d_ctx *ctx, p3d_net *net, const color_planes *p, int gray, float *c)
{
    const long n = (long)p->w * p->h;
    padded in, out = {0};
    uint8_t *m8 = malloc(3 * n);
    if (!m8 || padded_alloc(ctx, &in, 6, p->h, p->w)) {
        free(m8);
        return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    }
    uint8_t *c8 = m8 + n, *closed = c8 + n;
    for (long i = 0; i < n; i++) {
        m8[i] = p->mask[i] != 0.0f;
        c8[i] = p->context[i] != 0.0f;
    }
    neural_close_mask(m8, c8, p->w, p->h, closed);
    for (int y = 0; y < p->h; y++)
        for (int x = 0; x < p->w; x++) {
            long i = (long)y * p->w + x;
            for (int ch = 0; ch < 3; ch++)
                *at(&in, ch, x, y) = p->rgb[ch * n + i];
            *at(&in, 3, x, y) = p->edge[i];
            *at(&in, 4, x, y) = p->context[i];
            *at(&in, 5, x, y) = closed[i];
        }
    if (run_net(ctx, net, &in, &out) == P3D_OK)
        for (int y = 0; y < p->h; y++)
            for (int x = 0; x < p->w; x++) {
                long i = (long)y * p->w + x;
                float v[3], mean = 0.0f;
                for (int ch = 0; ch < 3; ch++)
                    mean += (v[ch] = *at(&out, ch, x, y)) / 3.0f;
                for (int ch = 0; ch < 3; ch++)
                    c[ch * n + i] = (gray ? mean : v[ch]) * p->mask[i] + p->rgb[ch * n + i];
            }
    free(m8);
    free(in.data);
    free(out.data);
    return ctx->status;
}

/* 6.4: [R, G, B, edge_out, context, closed mask], at most ~512x512 pixels. */
static int neural_color(p3d_ctx *ctx, void *state, p3d_inpaint_job *job)
{
    neural_state *s = state;
    const int w = job->width, h = job->height;
    const long n = (long)w * h;
    color_planes full = {0}, small = {0};
    float *c = NULL, *c_small = NULL;
    if (!planes_alloc(&full, w, h) || !(c = malloc(3 * n * sizeof(float))))
        goto nomem;
    for (long i = 0; i < n; i++) {
        full.mask[i] = job->mask[i] != 0;
        full.context[i] = job->context[i] && !job->mask[i];
        full.edge[i] = job->edge_out[i] != 0;
        for (int ch = 0; ch < 3; ch++)
            full.rgb[ch * n + i] = full.context[i] * job->rgb[3 * i + ch] / 255.0f;
    }
    int shrunk = color_planes_shrunk(&full, &small);
    if (shrunk < 0)
        goto nomem;
    if (!shrunk) {
        if (color_on_planes(ctx, s->color, &full, job->gray, c))
            goto done;
    } else {
        if (!(c_small = malloc((size_t)3 * small.w * small.h * sizeof(float))))
            goto nomem;
        if (color_on_planes(ctx, s->color, &small, job->gray, c_small))
            goto done;
        neural_resize_bicubic(c_small, 3, small.h, small.w, h, w, c);
        for (long i = 0; i < n; i++)
            for (int ch = 0; ch < 3; ch++)
                c[ch * n + i] = c[ch * n + i] * full.mask[i] + full.rgb[ch * n + i];
    }
    for (long i = 0; i < n; i++)
        for (int ch = 0; ch < 3; ch++) {
            float v = job->mask[i] ? c[ch * n + i] : full.rgb[ch * n + i];
            v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
            job->rgb_out[3 * i + ch] = (uint8_t)(v * 255.0f);
        }
    goto done;
nomem:
    p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
done:
    free(full.rgb);
    free(small.rgb);
    free(c);
    free(c_small);
    return ctx->status;
}

long p3d_inpaint_neural_edge_runs(const p3d_inpaint_backend *b, long *passes)
{
    const neural_state *s = b->state;
    if (passes)
        *passes = s->edge_passes;
    return s->edge_runs;
}

void p3d_inpaint_neural_always_run(p3d_inpaint_backend *b)
{
    ((neural_state *)b->state)->always_run = 1;
}

static void neural_destroy(void *state)
{
    neural_state *s = state;
    if (!s)
        return;
    p3d_net_free(s->edge);
    p3d_net_free(s->depth);
    p3d_net_free(s->color);
    free(s);
}

int p3d_inpaint_neural_create(p3d_ctx *ctx, const char *edge_weights, const char *depth_weights,
                              const char *color_weights, p3d_inpaint_backend *out)
{
    neural_state *s = calloc(1, sizeof *s);
    if (!s)
        return p3d_fail(ctx, P3D_E_NOMEM, "inpaint: out of memory");
    if (p3d_net_load(ctx, P3D_NET_EDGE, edge_weights, &s->edge) ||
        p3d_net_load(ctx, P3D_NET_DEPTH, depth_weights, &s->depth) ||
        p3d_net_load(ctx, P3D_NET_COLOR, color_weights, &s->color)) {
        neural_destroy(s);
        return ctx->status;
    }
    p3d_net_share_buffers(s->edge, s->depth); /* the backend is serial */
    p3d_net_share_buffers(s->color, s->depth);
    *out = (p3d_inpaint_backend){"neural", s, neural_edges, neural_depth, neural_color, neural_destroy, 1};
    out->band_known = 1;
    return P3D_OK;
}
