/* The catalog of network weights: the one table of the official checkpoint
 * files (sizes and SHA-256 of the GitHub LFS mirror, both published download
 * locations; ../shared/specs/checkpoints/README.md), manifest overrides, the
 * model directory and the lookup other stages use to find an installed file. */
#include "photo3d/models.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PRIMARY "https://filebox.ece.vt.edu/~jbhuang/project/3DPhoto/model/"
#define MIRROR "https://github.com/LemonATsu/3d-photo-model-weights/raw/master/"

static const p3d_model_spec official_models[] = {
    {"edge-model.pth", "depth-edge inpainting network", 45974122,
     "b1d768bd008ad5fe9f540004f870b8c3d355e4939b2009aa4db493fd313217c9",
     PRIMARY "edge-model.pth", MIRROR "edge-model.pth"},
    {"depth-model.pth", "depth inpainting network", 206272258,
     "2d0e63e89a22762ddfa8bc8c9f8c992e5532b140123274ffc6e4171baa1b76f8",
     PRIMARY "depth-model.pth", MIRROR "depth-model.pth"},
    {"color-model.pth", "color inpainting network", 206331633,
     "383c9b1db70097907a6f9c8abb0303e7056f50d5456a36f34ab784592b8b2c20",
     PRIMARY "color-model.pth", MIRROR "color-model.pth"},
    {"model.pt", "MiDaS v1 monocular depth network", 149751722,
     "617d916c0864b95880aed0b6be6d0629ce8b4c0d28361a559f8e5193a9bb554d",
     PRIMARY "model.pt", MIRROR "model.pt"},
};

void p3d_models_catalog_default(p3d_model_catalog *cat)
{
    memset(cat, 0, sizeof *cat);
    cat->count = (int)(sizeof official_models / sizeof *official_models);
    memcpy(cat->models, official_models, sizeof official_models);
}

const p3d_model_spec *p3d_models_lookup(const p3d_model_catalog *cat, const char *name)
{
    for (int i = 0; i < cat->count; i++)
        if (strcmp(cat->models[i].name, name) == 0)
            return &cat->models[i];
    return NULL;
}

static int is_sha256_hex(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

int p3d_models_catalog_load(p3d_ctx *ctx, p3d_model_catalog *cat, const char *manifest_path)
{
    FILE *f = fopen(manifest_path, "r");
    if (!f)
        return p3d_fail(ctx, P3D_E_INPUT, "%s: cannot open: %s", manifest_path, strerror(errno));
    char line[512];
    int lineno = 0, status = P3D_OK;
    while (status == P3D_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char name[P3D_MODEL_NAME_MAX], sum[80], extra[2];
        long long size;
        int n = sscanf(line, "%63s %lld %79s %1s", name, &size, sum, extra);
        if (n <= 0 || name[0] == '#')
            continue;
        p3d_model_spec *spec = (p3d_model_spec *)p3d_models_lookup(cat, name);
        if (n != 3 || size < 0 || !is_sha256_hex(sum))
            status = p3d_fail(ctx, P3D_E_INPUT,
                              "%s:%d: expected 'NAME SIZE SHA256' (SHA256 as 64 lowercase hex digits)",
                              manifest_path, lineno);
        else if (!spec)
            status = p3d_fail(ctx, P3D_E_INPUT, "%s:%d: unknown model file '%s'", manifest_path,
                              lineno, name);
        else {
            spec->size = size;
            memcpy(spec->sha256, sum, 65);
        }
    }
    fclose(f);
    return status;
}

int p3d_models_dir(p3d_ctx *ctx, char *out, size_t n)
{
    const char *env = getenv("PHOTO3D_MODELS"), *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int len;
    if (env && env[0])
        len = snprintf(out, n, "%s", env);
    else if (xdg && xdg[0])
        len = snprintf(out, n, "%s/photo3d/models", xdg);
    else if (home && home[0])
        len = snprintf(out, n, "%s/.cache/photo3d/models", home);
    else
        return p3d_fail(ctx, P3D_E_USAGE,
                        "no model directory: set PHOTO3D_MODELS (or XDG_CACHE_HOME or HOME)");
    if (len < 0 || (size_t)len >= n)
        return p3d_fail(ctx, P3D_E_USAGE, "model directory path too long");
    return P3D_OK;
}

int p3d_models_find(p3d_ctx *ctx, const char *name, char *path, size_t n)
{
    p3d_model_catalog cat;
    p3d_models_catalog_default(&cat);
    const p3d_model_spec *spec = p3d_models_lookup(&cat, name);
    if (!spec)
        return p3d_fail(ctx, P3D_E_INTERNAL, "%s: not a known model file", name);
    char dir[P3D_MODEL_PATH_MAX];
    int st = p3d_models_dir(ctx, dir, sizeof dir);
    if (st)
        return st;
    int len = snprintf(path, n, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= n)
        return p3d_fail(ctx, P3D_E_USAGE, "%s/%s: path too long", dir, name);
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return p3d_fail(ctx, P3D_E_INPUT,
                        "%s: the %s is not installed; run 'photo3d models fetch %s'", path,
                        spec->role, name);
    return P3D_OK;
}
