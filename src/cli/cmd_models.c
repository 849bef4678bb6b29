/* photo3d models list|fetch|verify|path: the network weights in the model
 * directory (see photo3d/models.h). */
#include "cli.h"
#include "photo3d/models.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const cli_opt models_opts[] = {
    {"from", "DIR", "fetch: copy the files from DIR (verified the same way) instead of downloading", 0},
    {"base-url", "URL", "fetch: download URL/NAME instead of the published locations; tried in order", 1},
    {"timeout", "SECONDS", "fetch: connect timeout and longest stall tolerated (default 30)", 0},
    {"manifest", "FILE", "expected sizes and sums from FILE (lines 'NAME SIZE SHA256') instead of the built-in ones", 0},
    {0},
};

static const cli_spec models_spec = {
    "models", "list | fetch [NAME...] | verify [NAME...] | path [NAME]",
    "Manages the network weights (the reference's four checkpoint files).\n"
    "  list      each file: installed or not, size, path\n"
    "  fetch     downloads the named files (default: all that are not installed and verified),\n"
    "            resuming interrupted downloads; each is verified (size, SHA-256) before it is\n"
    "            installed. A wrong download is removed; an interrupted one is kept as NAME.part.\n"
    "  verify    checks size and SHA-256 of the installed (or named) files; exit 1 if any is wrong\n"
    "  path      prints the model directory, or the path of file NAME\n"
    "The model directory is $PHOTO3D_MODELS, else $XDG_CACHE_HOME/photo3d/models, else\n"
    "~/.cache/photo3d/models.",
    models_opts, 1, -1,
};

/* The model directory plus "/NAME". */
#define FILE_PATH_MAX (P3D_MODEL_PATH_MAX + P3D_MODEL_NAME_MAX + 2)

typedef struct models_cmd {
    p3d_ctx ctx;
    p3d_model_catalog cat;
    char dir[P3D_MODEL_PATH_MAX];
} models_cmd;

static void file_path(const models_cmd *m, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", m->dir, name);
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* The catalog entries named on the command line (all when none is named). */
static int selected(const cli_args *a, const models_cmd *m, const p3d_model_spec **out, int *n)
{
    *n = 0;
    if (a->npos == 1) {
        for (int i = 0; i < m->cat.count; i++)
            out[(*n)++] = &m->cat.models[i];
        return 0;
    }
    for (int i = 1; i < a->npos && *n < P3D_MODEL_MAX; i++) {
        out[*n] = p3d_models_lookup(&m->cat, a->pos[i]);
        if (!out[*n]) {
            char names[256] = "";
            for (int k = 0; k < m->cat.count; k++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
                         m->cat.models[k].name);
            cli_error("models", "unknown model file '%s' (known: %s)", a->pos[i], names);
            return 2;
        }
        (*n)++;
    }
    return 0;
}

static int models_list(models_cmd *m)
{
    printf("model directory: %s\n", m->dir);
    for (int i = 0; i < m->cat.count; i++) {
        const p3d_model_spec *s = &m->cat.models[i];
        char path[FILE_PATH_MAX], part[FILE_PATH_MAX + 8], status[64];
        file_path(m, s->name, path, sizeof path);
        snprintf(part, sizeof part, "%s.part", path);
        long long have = file_size(path), partial = file_size(part);
        if (have == s->size)
            snprintf(status, sizeof status, "installed");
        else if (have >= 0)
            snprintf(status, sizeof status, "wrong size (%lld)", have);
        else if (partial >= 0)
            snprintf(status, sizeof status, "partial (%lld%%)", 100 * partial / (s->size ? s->size : 1));
        else
            snprintf(status, sizeof status, "missing");
        printf("%-16s %-18s %8.1f MiB  %-32s %s\n", s->name, status, s->size / 1048576.0, s->role, path);
    }
    return 0;
}

static int models_path(const cli_args *a, models_cmd *m)
{
    if (a->npos > 2) {
        cli_error("models", "path takes at most one NAME");
        return 2;
    }
    const p3d_model_spec *s[P3D_MODEL_MAX];
    int n, rc = a->npos == 2 ? selected(a, m, s, &n) : 0;
    if (rc)
        return rc;
    if (a->npos == 1)
        printf("%s\n", m->dir);
    else
        printf("%s/%s\n", m->dir, s[0]->name);
    return 0;
}

static int models_verify(const cli_args *a, models_cmd *m)
{
    const p3d_model_spec *s[P3D_MODEL_MAX];
    int n, rc = selected(a, m, s, &n), named = a->npos > 1;
    for (int i = 0; i < n && rc != 2; i++) {
        char path[FILE_PATH_MAX];
        file_path(m, s[i]->name, path, sizeof path);
        if (!named && file_size(path) < 0) {
            printf("%-16s not installed\n", s[i]->name);
            continue;
        }
        if (p3d_models_verify_file(&m->ctx, s[i], path) == P3D_OK) {
            printf("%-16s ok\n", s[i]->name);
            continue;
        }
        rc = cli_fail("models", &m->ctx);
        p3d_clear_error(&m->ctx);
    }
    return rc;
}

static int models_fetch(const cli_args *a, models_cmd *m)
{
    const p3d_model_spec *s[P3D_MODEL_MAX];
    const char *urls[P3D_MODEL_MAX];
    p3d_fetch_opts opts = {.dir = m->dir, .base_urls = urls,
                           .n_base_urls = cli_count(a, "base-url")};
    long timeout = 30;
    int n, rc = selected(a, m, s, &n);
    if (rc || !cli_get_int(a, "timeout", 1, 3600, &timeout))
        return rc ? rc : 2;
    opts.timeout_s = timeout;
    if (opts.n_base_urls > P3D_MODEL_MAX)
        opts.n_base_urls = P3D_MODEL_MAX;
    for (int i = 0; i < opts.n_base_urls; i++)
        urls[i] = cli_get_nth(a, "base-url", i);
    const char *from = cli_get(a, "from");
    for (int i = 0; i < n; i++) {
        char path[FILE_PATH_MAX];
        file_path(m, s[i]->name, path, sizeof path);
        if (file_size(path) >= 0 && p3d_models_verify_file(&m->ctx, s[i], path) == P3D_OK) {
            printf("%-16s already installed: %s\n", s[i]->name, path);
            continue;
        }
        p3d_clear_error(&m->ctx);
        int st = from ? p3d_models_install_from(&m->ctx, m->dir, s[i], from)
                      : p3d_models_fetch(&m->ctx, &opts, s[i]);
        if (st == P3D_OK) {
            printf("%-16s installed: %s\n", s[i]->name, path);
            continue;
        }
        rc = cli_fail("models", &m->ctx);
        p3d_clear_error(&m->ctx);
    }
    return rc;
}

int cmd_models(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&models_spec, argc, argv, &a);
    if (rc >= 0)
        return rc;
    static models_cmd m;
    cli_ctx(&a, &m.ctx);
    p3d_models_catalog_default(&m.cat);
    const char *manifest = cli_get(&a, "manifest");
    if ((manifest && p3d_models_catalog_load(&m.ctx, &m.cat, manifest)) ||
        p3d_models_dir(&m.ctx, m.dir, sizeof m.dir))
        return cli_fail("models", &m.ctx);
    const char *sub = a.pos[0];
    int fetch_only = cli_has(&a, "from") || cli_has(&a, "base-url") || cli_has(&a, "timeout");
    if (fetch_only && strcmp(sub, "fetch") != 0) {
        cli_error("models", "--from, --base-url and --timeout apply to 'fetch' only");
        return 2;
    }
    if (cli_has(&a, "from") && cli_has(&a, "base-url")) {
        cli_error("models", "--from and --base-url exclude each other");
        return 2;
    }
    if (strcmp(sub, "list") == 0 && a.npos == 1)
        return models_list(&m);
    if (strcmp(sub, "path") == 0)
        return models_path(&a, &m);
    if (strcmp(sub, "verify") == 0)
        return models_verify(&a, &m);
    if (strcmp(sub, "fetch") == 0)
        return models_fetch(&a, &m);
    cli_error("models", "expected list, fetch, verify or path, not '%s'%s", sub,
              strcmp(sub, "list") == 0 ? " with arguments" : "");
    return 2;
}
