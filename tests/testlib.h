/* Minimal test harness: value checks that report file:line, a per-executable
 * summary line "N passed, M failed", skip (exit 77) when shared data is absent. */
#ifndef P3D_TESTLIB_H
#define P3D_TESTLIB_H

#include <math.h>
#include <stdio.h>

extern int tl_pass, tl_fail;

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (cond) tl_pass++;                                                                \
        else { tl_fail++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
    } while (0)

#define CHECK_INT(a, b)                                                                     \
    do {                                                                                    \
        long long a_ = (long long)(a), b_ = (long long)(b);                                 \
        if (a_ == b_) tl_pass++;                                                            \
        else { tl_fail++; fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
                                  __LINE__, #a, a_, #b, b_); }                              \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                               \
    do {                                                                                    \
        double a_ = (double)(a), b_ = (double)(b);                                          \
        if (fabs(a_ - b_) <= (tol)) tl_pass++;                                              \
        else { tl_fail++; fprintf(stderr, "%s:%d: %s == %.9g, expected %.9g (tol %g)\n",    \
                                  __FILE__, __LINE__, #a, a_, b_, (double)(tol)); }         \
    } while (0)

/* ../shared/data (from P3D_SHARED_DATA) or NULL when absent; prints why. */
const char *tl_shared_data(void);
/* Exits 77 (ctest: skipped) with a message. */
void tl_skip(const char *why);
/* A fresh temporary directory, removed at exit. */
const char *tl_tmpdir(void);
/* Prints the summary and returns the process exit code. */
int tl_finish(void);

#endif
