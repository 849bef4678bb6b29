/* Straight continuation of depth edges into the synthesis region: the
 * classical stand-in for the edge network (ALGORITHM.md 6.2). An edge pixel of
 * the context that touches the mask is an entry; its direction is the
 * principal axis of the ~10 edge pixels nearest to it along the edge, oriented
 * from their centroid towards the entry. From the most protruding entries
 * first, a straight 8-connected line is marched into the mask until it leaves
 * the mask or meets another edge (8-connected lines are barriers for the
 * 4-connected depth fill). */
#include "inpaint/inpaint_steps.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DIRECTION_FIT_PIXELS 10
#define MIN_PROTRUSION 1.0     /* px the entry must lie ahead of its neighbours' centroid */
#define ENTRY_SUPPRESS_RADIUS 3 /* entries this close to a marched one are not marched again */

typedef struct entry {
    int x, y, component, marched;
    double dx, dy, protrusion;
    double sx, sy; /* one march step: the direction scaled to a unit major axis */
} entry;

typedef struct edge_scratch {
    int w, h;
    int32_t *owner; /* input edge: component id; continued: ncomp + march id; else -1 */
    int32_t *stamp; /* BFS visit stamps */
    int32_t *queue;
} edge_scratch;

static const int NB8[8][2] = {{-1, -1}, {0, -1}, {1, -1}, {-1, 0}, {1, 0}, {-1, 1}, {0, 1}, {1, 1}};

/* 8-connected components of the input edge pixels outside the mask. */
static int label_edges(const p3d_inpaint_job *job, edge_scratch *s)
{
    long n = (long)s->w * s->h;
    for (long i = 0; i < n; i++)
        s->owner[i] = -1;
    int count = 0;
    for (long seed = 0; seed < n; seed++) {
        if (!job->edge[seed] || job->mask[seed] || s->owner[seed] >= 0)
            continue;
        long head = 0, tail = 0;
        s->queue[tail++] = (int32_t)seed;
        s->owner[seed] = count;
        while (head < tail) {
            long i = s->queue[head++];
            int x = (int)(i % s->w), y = (int)(i / s->w);
            for (int k = 0; k < 8; k++) {
                int nx = x + NB8[k][0], ny = y + NB8[k][1];
                if (nx < 0 || ny < 0 || nx >= s->w || ny >= s->h)
                    continue;
                long j = (long)ny * s->w + nx;
                if (job->edge[j] && !job->mask[j] && s->owner[j] < 0) {
                    s->owner[j] = count;
                    s->queue[tail++] = (int32_t)j;
                }
            }
        }
        count++;
    }
    return count;
}

static int is_open_mask(const p3d_inpaint_job *job, int x, int y)
{
    long i = (long)y * job->width + x;
    return x >= 0 && y >= 0 && x < job->width && y < job->height && job->mask[i] && !job->edge[i];
}

/* Direction of the edge at entry e from the nearest pixels of its component
 * (breadth-first along the edge); 0 when there are too few. */
static int fit_direction(edge_scratch *s, entry *e, int32_t stamp)
{
    long head = 0, tail = 0, start = (long)e->y * s->w + e->x;
    s->queue[tail++] = (int32_t)start;
    s->stamp[start] = stamp;
    while (head < tail && tail < DIRECTION_FIT_PIXELS) {
        long i = s->queue[head++];
        int x = (int)(i % s->w), y = (int)(i / s->w);
        for (int k = 0; k < 8 && tail < DIRECTION_FIT_PIXELS; k++) {
            int nx = x + NB8[k][0], ny = y + NB8[k][1];
            if (nx < 0 || ny < 0 || nx >= s->w || ny >= s->h)
                continue;
            long j = (long)ny * s->w + nx;
            if (s->owner[j] == e->component && s->stamp[j] != stamp) {
                s->stamp[j] = stamp;
                s->queue[tail++] = (int32_t)j;
            }
        }
    }
    if (tail < 2)
        return 0;
    double mx = 0, my = 0;
    for (long k = 0; k < tail; k++) {
        mx += s->queue[k] % s->w;
        my += s->queue[k] / s->w;
    }
    mx /= tail;
    my /= tail;
    double cxx = 0, cxy = 0, cyy = 0;
    for (long k = 0; k < tail; k++) {
        double px = s->queue[k] % s->w - mx, py = s->queue[k] / s->w - my;
        cxx += px * px;
        cxy += px * py;
        cyy += py * py;
    }
    double angle = 0.5 * atan2(2 * cxy, cxx - cyy);
    e->dx = cos(angle);
    e->dy = sin(angle);
    e->protrusion = (e->x - mx) * e->dx + (e->y - my) * e->dy;
    if (e->protrusion < 0) {
        e->protrusion = -e->protrusion;
        e->dx = -e->dx;
        e->dy = -e->dy;
    }
    double major = fabs(e->dx) > fabs(e->dy) ? fabs(e->dx) : fabs(e->dy);
    e->sx = e->dx / major;
    e->sy = e->dy / major;
    return e->protrusion >= MIN_PROTRUSION;
}

static int by_protrusion(const void *a, const void *b)
{
    const entry *ea = a, *eb = b;
    if (ea->protrusion != eb->protrusion)
        return ea->protrusion > eb->protrusion ? -1 : 1;
    return ea->y != eb->y ? ea->y - eb->y : ea->x - eb->x;
}

/* True when pixel (x, y) touches an edge pixel that is neither of the marching
 * edge's component nor of this march. */
static int meets_other_edge(const edge_scratch *s, int x, int y, int32_t component, int32_t march)
{
    for (int k = 0; k < 8; k++) {
        int nx = x + NB8[k][0], ny = y + NB8[k][1];
        if (nx < 0 || ny < 0 || nx >= s->w || ny >= s->h)
            continue;
        int32_t o = s->owner[(long)ny * s->w + nx];
        if (o >= 0 && o != component && o != march)
            return 1;
    }
    return 0;
}

static void march_line(p3d_inpaint_job *job, edge_scratch *s, const entry *e, int32_t march)
{
    for (int k = 1;; k++) {
        int x = (int)lround(e->x + k * e->sx), y = (int)lround(e->y + k * e->sy);
        if (!is_open_mask(job, x, y) || s->owner[(long)y * s->w + x] >= 0)
            return;
        long i = (long)y * s->w + x;
        job->edge_out[i] = 1;
        s->owner[i] = march;
        if (meets_other_edge(s, x, y, e->component, march))
            return;
    }
}

void inpaint_copy_edges(p3d_inpaint_job *job)
{
    memcpy(job->edge_out, job->edge, (size_t)job->width * job->height);
}

int inpaint_continue_edges(p3d_ctx *ctx, p3d_inpaint_job *job)
{
    inpaint_copy_edges(job);
    long n = (long)job->width * job->height;
    if (n <= 0)
        return P3D_OK;
    edge_scratch s = {job->width, job->height, malloc(sizeof(int32_t) * n),
                      calloc((size_t)n, sizeof(int32_t)), malloc(sizeof(int32_t) * n)};
    entry *entries = NULL;
    int rc = P3D_OK;
    if (!s.owner || !s.stamp || !s.queue) {
        rc = p3d_fail(ctx, P3D_E_NOMEM, "edge continuation: out of memory for %dx%d pixels",
                      job->width, job->height);
        goto done;
    }
    int ncomp = label_edges(job, &s);
    long nentries = 0;
    for (long i = 0; i < n; i++)
        nentries += s.owner[i] >= 0;
    entries = malloc(sizeof(entry) * (nentries + 1));
    if (!entries) {
        rc = p3d_fail(ctx, P3D_E_NOMEM, "edge continuation: out of memory for %ld entries",
                      nentries);
        goto done;
    }
    nentries = 0;
    int32_t fits = 0; /* each direction fit stamps its visits with its own number */
    for (long i = 0; i < n; i++) {
        if (s.owner[i] < 0)
            continue;
        entry e = {.x = (int)(i % job->width), .y = (int)(i / job->width), .component = s.owner[i]};
        int touches_mask = 0;
        for (int k = 0; k < 8 && !touches_mask; k++)
            touches_mask = is_open_mask(job, e.x + NB8[k][0], e.y + NB8[k][1]);
        if (touches_mask && fit_direction(&s, &e, ++fits) &&
            is_open_mask(job, (int)lround(e.x + e.sx), (int)lround(e.y + e.sy)))
            entries[nentries++] = e;
    }
    qsort(entries, (size_t)nentries, sizeof(entry), by_protrusion);
    int32_t marches = 0;
    for (long k = 0; k < nentries; k++) {
        const entry *e = &entries[k];
        int suppressed = 0;
        for (long j = 0; j < k && !suppressed; j++)
            suppressed = entries[j].marched && entries[j].component == e->component &&
                         abs(entries[j].x - e->x) <= ENTRY_SUPPRESS_RADIUS &&
                         abs(entries[j].y - e->y) <= ENTRY_SUPPRESS_RADIUS;
        if (suppressed)
            continue;
        entries[k].marched = 1;
        march_line(job, &s, e, ncomp + marches++);
    }
done:
    free(s.owner);
    free(s.stamp);
    free(s.queue);
    free(entries);
    return rc;
}
