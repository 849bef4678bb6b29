/* Reference speed for bench/nn.sh: OpenBLAS sgemm on large square matrices
 * (threads from OPENBLAS_NUM_THREADS), best of five runs: GFLOP per wall
 * second and GFLOP per process CPU second (the latter is what to compare
 * on a machine shared with other jobs). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(void)
{
    const int n = 2048;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n),
          *c = malloc(sizeof(float) * n * n);
    for (long i = 0; i < (long)n * n; i++) {
        a[i] = (float)(i % 7) * 0.1f;
        b[i] = (float)(i % 5) * 0.1f;
    }
    double best = 1e30, best_cpu = 1e30;
    for (int r = 0; r < 5; r++) {
        struct timespec t0, t1, c0, c1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        double s = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
        double cs = (c1.tv_sec - c0.tv_sec) + 1e-9 * (c1.tv_nsec - c0.tv_nsec);
        best = s < best ? s : best;
        best_cpu = cs < best_cpu ? cs : best_cpu;
    }
    printf("%.1f %.1f\n", 2.0 * n * n * n / best / 1e9, 2.0 * n * n * n / best_cpu / 1e9);
    free(a), free(b), free(c);
    return 0;
}
