/* Ray-primitive intersection for the synthetic scene: planes, spheres, boxes
 * turned about the vertical axis and upright closed cylinders, each solved in
 * closed form. Also the surface frame of a hit (normal, texture coordinates). */
#include "raycast.h"

#include <math.h>

#define DEG_TO_RAD (3.14159265358979323846 / 180.0)

void synth_prepare(const p3d_synth_scene *s, synth_prim *prims)
{
    for (int k = 0; k < s->nobjects; k++) {
        prims[k].obj = &s->objects[k];
        prims[k].cos_yaw = cos(s->objects[k].yaw_deg * DEG_TO_RAD);
        prims[k].sin_yaw = sin(s->objects[k].yaw_deg * DEG_TO_RAD);
    }
}

static double dot(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* World vector -> object frame (undo the yaw about Y; the identity for other shapes). */
static void to_local(const synth_prim *p, const double w[3], double l[3])
{
    l[0] = p->cos_yaw * w[0] - p->sin_yaw * w[2];
    l[1] = w[1];
    l[2] = p->sin_yaw * w[0] + p->cos_yaw * w[2];
}

static void to_world(const synth_prim *p, const double l[3], double w[3])
{
    w[0] = p->cos_yaw * l[0] + p->sin_yaw * l[2];
    w[1] = l[1];
    w[2] = -p->sin_yaw * l[0] + p->cos_yaw * l[2];
}

/* The first of two sorted roots inside (tmin, tmax), or -1. */
static double first_root(double t0, double t1, double tmin, double tmax)
{
    if (t0 > tmin && t0 < tmax)
        return t0;
    if (t1 > tmin && t1 < tmax)
        return t1;
    return -1;
}

static double hit_plane(const p3d_synth_object *ob, const double o[3], const double d[3], double tmin,
                        double tmax)
{
    double den = dot(ob->normal, d);
    if (den == 0)
        return -1;
    double diff[3] = {ob->centre[0] - o[0], ob->centre[1] - o[1], ob->centre[2] - o[2]};
    double t = dot(ob->normal, diff) / den;
    return t > tmin && t < tmax ? t : -1;
}

static double hit_sphere(const p3d_synth_object *ob, const double oc[3], const double d[3], double tmin,
                         double tmax)
{
    double r = ob->size[0], a = dot(d, d), b = dot(oc, d), c = dot(oc, oc) - r * r;
    double disc = b * b - a * c;
    if (disc < 0)
        return -1;
    double sq = sqrt(disc);
    return first_root((-b - sq) / a, (-b + sq) / a, tmin, tmax);
}

static double hit_box(const p3d_synth_object *ob, const double ol[3], const double dl[3], double tmin,
                      double tmax)
{
    double t0 = -INFINITY, t1 = INFINITY;
    for (int k = 0; k < 3; k++) {
        double h = ob->size[k] / 2;
        if (dl[k] == 0) {
            if (fabs(ol[k]) > h)
                return -1;
            continue;
        }
        double a = (-h - ol[k]) / dl[k], b = (h - ol[k]) / dl[k];
        if (a > b) {
            double tmp = a;
            a = b;
            b = tmp;
        }
        t0 = fmax(t0, a);
        t1 = fmin(t1, b);
    }
    return t0 <= t1 ? first_root(t0, t1, tmin, tmax) : -1;
}

static double hit_cylinder(const p3d_synth_object *ob, const double ol[3], const double dl[3],
                           double tmin, double tmax)
{
    double r = ob->size[0], h = ob->size[1] / 2, best = -1;
    double a = dl[0] * dl[0] + dl[2] * dl[2];
    if (a > 0) {
        double b = ol[0] * dl[0] + ol[2] * dl[2], c = ol[0] * ol[0] + ol[2] * ol[2] - r * r;
        double disc = b * b - a * c;
        if (disc >= 0) {
            double sq = sqrt(disc);
            double roots[2] = {(-b - sq) / a, (-b + sq) / a};
            for (int k = 0; k < 2; k++) {
                double t = roots[k], y = ol[1] + t * dl[1];
                if (t > tmin && t < tmax && fabs(y) <= h && (best < 0 || t < best))
                    best = t;
            }
        }
    }
    if (dl[1] != 0)
        for (int side = -1; side <= 1; side += 2) {
            double t = (side * h - ol[1]) / dl[1];
            double x = ol[0] + t * dl[0], z = ol[2] + t * dl[2];
            if (t > tmin && t < tmax && x * x + z * z <= r * r && (best < 0 || t < best))
                best = t;
        }
    return best;
}

static double hit_prim(const synth_prim *p, const double o[3], const double d[3], double tmin, double tmax)
{
    const p3d_synth_object *ob = p->obj;
    if (ob->shape == P3D_SYNTH_PLANE)
        return hit_plane(ob, o, d, tmin, tmax);
    double oc[3] = {o[0] - ob->centre[0], o[1] - ob->centre[1], o[2] - ob->centre[2]};
    if (ob->shape == P3D_SYNTH_SPHERE)
        return hit_sphere(ob, oc, d, tmin, tmax);
    double ol[3], dl[3];
    to_local(p, oc, ol);
    to_local(p, d, dl);
    return ob->shape == P3D_SYNTH_BOX ? hit_box(ob, ol, dl, tmin, tmax)
                                      : hit_cylinder(ob, ol, dl, tmin, tmax);
}

/* Normal (object frame) and texture coordinates of a point on the surface. */
static void surface_frame(const synth_prim *p, const double l[3], double n[3], double *u, double *v)
{
    const p3d_synth_object *ob = p->obj;
    switch (ob->shape) {
    case P3D_SYNTH_PLANE: {
        /* Tangents: "right" = up x normal with up = -Y (X for a horizontal plane), then
         * normal x right. */
        const double *nn = ob->normal;
        double e1[3] = {-nn[2], 0, nn[0]}, len = hypot(e1[0], e1[2]);
        if (len < 1e-9)
            e1[0] = 1, e1[2] = 0, len = 1;
        e1[0] /= len, e1[2] /= len;
        double e2[3] = {nn[1] * e1[2], nn[2] * e1[0] - nn[0] * e1[2], -nn[1] * e1[0]};
        n[0] = nn[0], n[1] = nn[1], n[2] = nn[2];
        *u = dot(l, e1);
        *v = dot(l, e2);
        return;
    }
    case P3D_SYNTH_SPHERE: {
        double r = ob->size[0];
        n[0] = l[0] / r, n[1] = l[1] / r, n[2] = l[2] / r;
        *u = r * atan2(l[0], -l[2]);
        *v = r * acos(fmax(-1.0, fmin(1.0, n[1])));
        return;
    }
    case P3D_SYNTH_BOX: {
        int axis = 0;
        double best = -1;
        for (int k = 0; k < 3; k++) {
            double q = fabs(l[k]) / (ob->size[k] / 2);
            if (q > best)
                best = q, axis = k;
        }
        n[0] = n[1] = n[2] = 0;
        n[axis] = l[axis] < 0 ? -1 : 1;
        *u = l[axis == 0 ? 2 : 0];
        *v = l[axis == 1 ? 2 : 1];
        return;
    }
    case P3D_SYNTH_CYLINDER: {
        double r = ob->size[0], h = ob->size[1] / 2;
        double side = fabs(hypot(l[0], l[2]) - r), cap = fabs(fabs(l[1]) - h);
        if (cap < side) {
            n[0] = n[2] = 0;
            n[1] = l[1] < 0 ? -1 : 1;
            *u = l[0];
            *v = l[2];
        } else {
            double rr = hypot(l[0], l[2]);
            n[0] = l[0] / rr, n[1] = 0, n[2] = l[2] / rr;
            *u = r * atan2(l[0], -l[2]);
            *v = l[1];
        }
        return;
    }
    }
}

int synth_ray_cast(const synth_prim *prims, int n, const double o[3], const double d[3], double tmin,
                   double tmax, synth_hit *hit)
{
    int best = -1;
    for (int k = 0; k < n; k++) {
        double t = hit_prim(&prims[k], o, d, tmin, tmax);
        if (t > 0) {
            tmax = t;
            best = k;
        }
    }
    if (best < 0)
        return 0;
    const synth_prim *p = &prims[best];
    double w[3] = {o[0] + tmax * d[0] - p->obj->centre[0], o[1] + tmax * d[1] - p->obj->centre[1],
                   o[2] + tmax * d[2] - p->obj->centre[2]};
    double nl[3] = {0, 0, 0};
    hit->t = tmax;
    hit->object = best;
    to_local(p, w, hit->local);
    surface_frame(p, hit->local, nl, &hit->u, &hit->v);
    to_world(p, nl, hit->normal);
    if (dot(hit->normal, d) > 0)
        for (int k = 0; k < 3; k++)
            hit->normal[k] = -hit->normal[k];
    return 1;
}

int synth_point_inside(const synth_prim *p, const double pt[3])
{
    const p3d_synth_object *ob = p->obj;
    double w[3] = {pt[0] - ob->centre[0], pt[1] - ob->centre[1], pt[2] - ob->centre[2]}, l[3];
    to_local(p, w, l);
    switch (ob->shape) {
    case P3D_SYNTH_SPHERE:
        return dot(l, l) < ob->size[0] * ob->size[0];
    case P3D_SYNTH_BOX:
        return fabs(l[0]) < ob->size[0] / 2 && fabs(l[1]) < ob->size[1] / 2 && fabs(l[2]) < ob->size[2] / 2;
    case P3D_SYNTH_CYLINDER:
        return l[0] * l[0] + l[2] * l[2] < ob->size[0] * ob->size[0] && fabs(l[1]) < ob->size[1] / 2;
    case P3D_SYNTH_PLANE:
        break;
    }
    return 0;
}
