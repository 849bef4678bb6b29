/* Analytic ray casting against the synthetic scene's primitives (see raycast.c). */
#ifndef P3D_SYNTH_RAYCAST_H
#define P3D_SYNTH_RAYCAST_H

#include "photo3d/synth.h"

/* An object prepared for intersection (the box rotation precomputed). */
typedef struct synth_prim {
    const p3d_synth_object *obj;
    double cos_yaw, sin_yaw;
} synth_prim;

typedef struct synth_hit {
    double t;         /* ray parameter of the hit: origin + t * dir */
    int object;       /* index into the scene's objects */
    double normal[3]; /* unit, world frame, facing against the ray */
    double u, v;      /* surface coordinates (scene units) for the texture */
    double local[3];  /* hit point in the object's frame */
} synth_hit;

void synth_prepare(const p3d_synth_scene *s, synth_prim *prims);
/* Nearest hit with tmin < t < tmax; 0 when there is none. dir need not be unit. */
int synth_ray_cast(const synth_prim *prims, int n, const double o[3], const double d[3], double tmin,
                   double tmax, synth_hit *hit);
/* 1 when p lies strictly inside a solid object (planes bound nothing). */
int synth_point_inside(const synth_prim *prim, const double p[3]);

#endif
