/* One finished video frame (ALGORITHM.md 9, per frame steps 1-7): the
 * square canvas of side S = max(H, W) rendered f times larger, reduced,
 * cropped. */
#include "photo3d/render.h"
#include "render/frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

raster_rect frame_canvas_view(const raster_rect *used, int supersample, int size)
{
    int apron = supersample / 2;
    raster_rect view;
    view.x0 = used->x0 * supersample - apron < 0 ? 0 : used->x0 * supersample - apron;
    view.y0 = used->y0 * supersample - apron < 0 ? 0 : used->y0 * supersample - apron;
    view.x1 = used->x1 * supersample + apron > size ? size : used->x1 * supersample + apron;
    view.y1 = used->y1 * supersample + apron > size ? size : used->y1 * supersample + apron;
    return view;
}

raster_lod_bound frame_lod_bound(double err_px, int side, double min_fov, const double shift[3])
{
    raster_lod_bound b = {err_px, side / (2.0 * tan(min_fov / 2.0)), {0, 0, 0}};
    for (int k = 0; k < 3; k++)
        b.shift[k] = fabs(shift[k]);
    return b;
}

/* Reduction of the output rows of a frame as its canvas rows are drawn. */
typedef struct reducing {
    p3d_ctx *ctx;
    const raster_canvas *canvas;
    int f;
    const raster_rect *used, *view;
    int next; /* the first output row not reduced yet */
    p3d_image *out;
    int rc;
} reducing;

/* raster_rows_fn: canvas rows [view y0, y1) are drawn; those below them
 * only when y1 ends the view (the rows the reduction reads past the view
 * are reflections of rows inside it). */
static void reduce_drawn(void *user, int y0, int y1)
{
    reducing *r = user;
    (void)y0;
    int end = r->next;
    while (end < r->used->y1 && (y1 >= r->view->y1 || frame_reduce_reach(r->f, end) <= y1))
        end++;
    if (end > r->next && !r->rc)
        r->rc = frame_reduce_rows(r->ctx, r->canvas, r->f, r->used, r->next, end, r->out);
    r->next = end;
}

int frame_render(p3d_ctx *ctx, const p3d_mesh *mesh, const raster_lod *lod, const double center[3],
                 double fov, int supersample, const double crop_border[4], frame_work *work,
                 p3d_image *out)
{
    if (mesh->width <= 0 || mesh->height <= 0)
        return p3d_fail(ctx, P3D_E_INPUT, "mesh has no image size (PLY comments H and W)");
    if (supersample < 1 || supersample > FRAME_MAX_SUPERSAMPLE)
        return p3d_fail(ctx, P3D_E_USAGE, "supersampling factor %d is not in 1..%d", supersample,
                        FRAME_MAX_SUPERSAMPLE);
    int side = mesh->width > mesh->height ? mesh->width : mesh->height;
    int size = side * supersample;
    if (work->canvas.size != size) {
        raster_canvas_free(&work->canvas);
        int rc = raster_canvas_alloc(ctx, &work->canvas, size);
        if (rc)
            return rc;
        work->canvas.band_z = 1; /* only the colours are read afterwards */
        work->canvas.band_colour = 1; /* and only by reduce_drawn */
    }
    /* only what the cropped video frame shows is rendered and reduced */
    frame_layout layout;
    int rc = frame_layout_of(ctx, side, mesh->height, mesh->width, crop_border, &layout);
    if (rc)
        return rc;
    raster_rect used = frame_source_rect(&layout), view = frame_canvas_view(&used, supersample, size);
    /* each output row reduced as soon as the canvas rows it reads are
     * drawn, while they are still in cache */
    reducing r = {ctx, &work->canvas, supersample, &used, &view, used.y0, &work->square, P3D_OK};
    rc = frame_reduce_rows(ctx, &work->canvas, supersample, &used, 0, 0, &work->square); /* allocation */
    if (!rc)
        rc = raster_draw_rows(ctx, mesh, lod, center, fov, &view, &work->canvas, reduce_drawn, &r);
    if (!rc)
        rc = r.rc;
    if (!rc)
        rc = frame_finish(ctx, &work->square, &layout, &work->scratch, out);
    return rc;
}

void frame_work_free(frame_work *work)
{
    raster_canvas_free(&work->canvas);
    p3d_image_free(&work->square);
    free(work->scratch.mem);
    work->scratch = (frame_scratch){0};
}

int p3d_render_frame(p3d_ctx *ctx, const p3d_mesh *mesh, const double center[3], double fov,
                     int supersample, const double crop_border[4], p3d_image *out)
{
    frame_work work;
    memset(&work, 0, sizeof work);
    memset(out, 0, sizeof *out);
    int rc = frame_render(ctx, mesh, NULL, center, fov, supersample, crop_border, &work, out);
    frame_work_free(&work);
    if (rc)
        p3d_image_free(out);
    return rc;
}
