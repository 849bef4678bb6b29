/* Minimal test harness (see testlib.h). */
#define _GNU_SOURCE
#include "testlib.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tl_pass, tl_fail;
static char tmpdir[256];

const char *tl_shared_data(void)
{
    const char *d = getenv("P3D_SHARED_DATA");
    struct stat st;
    if (!d || stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "note: shared test data not found (P3D_SHARED_DATA=%s)\n", d ? d : "unset");
        return NULL;
    }
    return d;
}

void tl_skip(const char *why)
{
    printf("SKIPPED: %s\n", why);
    exit(77);
}

static void remove_tmpdir(void)
{
    if (tmpdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "warning: could not remove %s\n", tmpdir);
    }
}

const char *tl_tmpdir(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/p3dtest.XXXXXX");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(1);
        }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

int tl_finish(void)
{
    printf("%d passed, %d failed\n", tl_pass, tl_fail);
    return tl_fail ? 1 : (tl_pass ? 0 : 1);
}
