/* Option parsing for the subcommands: one table per command, --help generated
 * from it, unknown options answered with the list of valid ones. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const cli_opt common_opts[] = {
    {"help", NULL, "show this help and exit", 0},
    {"quiet", NULL, "no progress output", 0},
    {"threads", "N", "worker threads (default 2)", 0},
    {0},
};

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "photo3d %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void print_opts(FILE *f, const cli_opt *o)
{
    for (; o && o->name; o++) {
        char left[64];
        char alias[8] = "";
        if (o->short_name)
            snprintf(alias, sizeof alias, "-%c, ", o->short_name);
        snprintf(left, sizeof left, "%s--%s%s%s", alias, o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        fprintf(f, "  %-26s %s%s\n", left, o->help, o->repeat ? " (repeatable)" : "");
    }
}

/* Prints text word-wrapped at 96 columns, keeping its own line breaks. */
static void print_wrapped(const char *text)
{
    int col = 0;
    while (*text) {
        if (*text == '\n') {
            putchar('\n');
            col = 0;
            text++;
            continue;
        }
        size_t word = strcspn(text, " \n");
        if (col > 0 && col + 1 + (int)word > 96) {
            putchar('\n');
            col = 0;
        } else if (col > 0) {
            putchar(' ');
            col++;
        }
        fwrite(text, 1, word, stdout);
        col += (int)word;
        text += word;
        while (*text == ' ')
            text++;
    }
    putchar('\n');
}

static void print_help(const cli_spec *s)
{
    printf("usage: photo3d %s [options] %s\n\n", s->command, s->usage);
    print_wrapped(s->summary);
    printf("\noptions:\n");
    print_opts(stdout, s->opts);
    print_opts(stdout, common_opts);
}

static const cli_opt *find_opt(const cli_opt *o, const char *name)
{
    for (; o && o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static const cli_opt *find_short(const cli_opt *o, char c)
{
    for (; o && o->name; o++)
        if (o->short_name == c)
            return o;
    return NULL;
}

static void list_valid(const cli_spec *s)
{
    char buf[1024] = "";
    const cli_opt *tables[2] = {s->opts, common_opts};
    for (int t = 0; t < 2; t++)
        for (const cli_opt *o = tables[t]; o && o->name; o++) {
            size_t len = strlen(buf);
            snprintf(buf + len, sizeof buf - len, "%s--%s", len ? ", " : "", o->name);
        }
    cli_error(s->command, "valid options: %s", buf);
}

int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    a->threads = 2;
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_pos || arg[0] != '-' || arg[1] == 0) {
            if (a->npos >= CLI_MAX_ARGS) {
                cli_error(spec->command, "too many arguments");
                return 2;
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_pos = 1;
            continue;
        }
        char name[64];
        const char *eq = NULL;
        const cli_opt *o;
        if (arg[1] != '-') {
            o = arg[2] == 0 ? find_short(spec->opts, arg[1]) : NULL;
            if (!o) {
                cli_error(spec->command, "unknown option '%s' (options are spelled --name)", arg);
                list_valid(spec);
                return 2;
            }
            snprintf(name, sizeof name, "%s", o->name);
        } else {
            eq = strchr(arg + 2, '=');
            size_t nlen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
            if (nlen >= sizeof name)
                nlen = sizeof name - 1;
            memcpy(name, arg + 2, nlen);
            name[nlen] = 0;
            o = find_opt(spec->opts, name);
            if (!o)
                o = find_opt(common_opts, name);
        }
        if (!o) {
            cli_error(spec->command, "unknown option '--%s'", name);
            list_valid(spec);
            return 2;
        }
        const char *val = NULL;
        if (o->arg) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else {
                cli_error(spec->command, "option --%s needs a value (%s)", name, o->arg);
                return 2;
            }
        } else if (eq) {
            cli_error(spec->command, "option --%s takes no value", name);
            return 2;
        }
        if (strcmp(o->name, "help") == 0) {
            print_help(spec);
            return 0;
        }
        if (!o->repeat && cli_has(a, o->name)) {
            cli_error(spec->command, "option --%s given twice", name);
            return 2;
        }
        if (a->n >= CLI_MAX_ARGS) {
            cli_error(spec->command, "too many options");
            return 2;
        }
        a->name[a->n] = o->name;
        a->val[a->n++] = val;
    }
    a->quiet = cli_has(a, "quiet");
    long th = 2;
    if (!cli_get_int(a, "threads", 1, 256, &th))
        return 2;
    a->threads = (int)th;
    if (a->npos < spec->min_pos || (spec->max_pos >= 0 && a->npos > spec->max_pos)) {
        cli_error(spec->command, "expected %s (see photo3d %s --help)", spec->usage, spec->command);
        return 2;
    }
    return -1;
}

const char *cli_get_nth(const cli_args *a, const char *name, int k)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->name[i], name) == 0 && k-- == 0)
            return a->val[i] ? a->val[i] : "";
    return NULL;
}

int cli_count(const cli_args *a, const char *name)
{
    int c = 0;
    for (int i = 0; i < a->n; i++)
        c += strcmp(a->name[i], name) == 0;
    return c;
}

int cli_has(const cli_args *a, const char *name)
{
    return cli_count(a, name) > 0;
}

const char *cli_get(const cli_args *a, const char *name)
{
    int c = cli_count(a, name);
    return c ? cli_get_nth(a, name, c - 1) : NULL;
}

int cli_get_int(const cli_args *a, const char *name, long lo, long hi, long *out)
{
    const char *v = cli_get(a, name);
    if (!v)
        return 1;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) {
        cli_error(a->spec->command, "--%s: '%s' is not an integer in %ld..%ld", name, v, lo, hi);
        return 0;
    }
    *out = x;
    return 1;
}

int cli_get_double(const cli_args *a, const char *name, double *out)
{
    const char *v = cli_get(a, name);
    if (!v)
        return 1;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end) {
        cli_error(a->spec->command, "--%s: '%s' is not a number", name, v);
        return 0;
    }
    *out = x;
    return 1;
}

int cli_parse_numbers(const char *s, double *out, int n)
{
    const char *q = s;
    for (int k = 0; k < n; k++) {
        char *end;
        out[k] = strtod(q, &end);
        if (end == q || !isfinite(out[k]) || *end != (k < n - 1 ? ',' : 0))
            return 0;
        q = end + 1;
    }
    return 1;
}

/* mkdir -p */
int cli_make_dir(p3d_ctx *ctx, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1;; p++) {
        int end = *p == 0;
        if (*p == '/' || end) {
            *p = 0;
            if (mkdir(path, 0777) && errno != EEXIST)
                return p3d_fail(ctx, P3D_E_IO, "%s: cannot create directory: %s", path, strerror(errno));
            if (end)
                break;
            *p = '/';
        }
    }
    return P3D_OK;
}
