/* Context errors and atomic output files. */
#include "core/atomic_file.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

int main(void)
{
    p3d_ctx ctx;
    p3d_ctx_init(&ctx);
    CHECK_INT(ctx.status, P3D_OK);
    CHECK(strcmp(p3d_errmsg(&ctx), "no error") == 0);

    /* The first error wins; a prefix adds context. */
    CHECK_INT(p3d_fail(&ctx, P3D_E_INPUT, "bad %d", 7), P3D_E_INPUT);
    CHECK_INT(p3d_fail(&ctx, P3D_E_IO, "later"), P3D_E_INPUT);
    p3d_error_prefix(&ctx, "%s", "x.png");
    CHECK(strcmp(p3d_errmsg(&ctx), "x.png: bad 7") == 0);
    p3d_clear_error(&ctx);
    CHECK_INT(ctx.status, P3D_OK);

    /* The pixel limit is checked before allocating. */
    p3d_image img;
    ctx.max_pixels = 1000;
    CHECK_INT(p3d_image_alloc(&ctx, &img, 100, 11, 3), P3D_E_LIMIT);
    CHECK(img.data == NULL);
    p3d_clear_error(&ctx);
    CHECK_INT(p3d_image_alloc(&ctx, &img, 10, 10, 3), P3D_OK);
    CHECK(img.data && img.data[299] == 0);
    p3d_image_free(&img);

    /* Atomic files: nothing visible until commit; abort leaves nothing. */
    const char *dir = tl_tmpdir();
    char path[512];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    p3d_atomic af;
    CHECK_INT(p3d_atomic_open(&ctx, &af, path), P3D_OK);
    fputs("hello", af.fp);
    struct stat st;
    CHECK(stat(path, &st) != 0);
    CHECK_INT(p3d_atomic_commit(&ctx, &af), P3D_OK);
    CHECK(stat(path, &st) == 0 && st.st_size == 5);
    CHECK_INT(p3d_atomic_open(&ctx, &af, path), P3D_OK);
    fputs("partial", af.fp);
    p3d_atomic_abort(&af);
    CHECK(stat(path, &st) == 0 && st.st_size == 5);
    CHECK_INT(count_entries(dir), 1);
    snprintf(path, sizeof path, "%s/no/such/dir/x", dir);
    CHECK_INT(p3d_atomic_open(&ctx, &af, path), P3D_E_IO);
    CHECK(strstr(p3d_errmsg(&ctx), "no/such/dir/x: cannot create") != NULL);
    return tl_finish();
}
