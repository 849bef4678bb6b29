/* Wall-clock seconds on the monotonic clock, for the timings that the
 * pipeline, the renderer and the commands report. */
#ifndef P3D_CLOCK_H
#define P3D_CLOCK_H

#include <time.h>

static inline double p3d_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#endif
