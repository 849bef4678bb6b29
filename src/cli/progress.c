/* Progress on stderr: a redrawn bar on a terminal, one plain line per stage
 * and per tenth of the work otherwise (logs, CI). Also the context set-up and
 * error reporting shared by all subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char stage[64];
    int last_tenth;
    int tty;
} progress_state;

static progress_state g_progress;

void cli_progress(void *user, const char *stage, long done, long total)
{
    progress_state *p = user;
    int new_stage = strncmp(p->stage, stage, sizeof p->stage - 1) != 0;
    if (new_stage) {
        if (p->tty && p->stage[0])
            fputc('\n', stderr);
        snprintf(p->stage, sizeof p->stage, "%s", stage);
        p->last_tenth = -1;
    }
    if (p->tty) {
        int width = 30, fill = total > 0 ? (int)(width * done / total) : 0;
        char bar[32];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[width] = 0;
        if (total > 0)
            fprintf(stderr, "\r%-20s [%s] %3ld%%", stage, bar, 100 * done / total);
        else
            fprintf(stderr, "\r%-20s %ld", stage, done);
        if (total > 0 && done >= total)
            fputc('\n', stderr), p->stage[0] = 0;
        fflush(stderr);
        return;
    }
    int tenth = total > 0 ? (int)(10 * done / total) : 0;
    if (new_stage || tenth > p->last_tenth) {
        p->last_tenth = tenth;
        if (total > 0)
            fprintf(stderr, "%s: %ld/%ld\n", stage, done, total);
        else
            fprintf(stderr, "%s\n", stage);
    }
}

void cli_ctx(const cli_args *a, p3d_ctx *ctx)
{
    p3d_ctx_init(ctx);
    ctx->threads = a->threads;
    if (!a->quiet) {
        memset(&g_progress, 0, sizeof g_progress);
        g_progress.tty = isatty(2);
        ctx->progress = cli_progress;
        ctx->progress_user = &g_progress;
    }
}

int cli_fail(const char *cmd, p3d_ctx *ctx)
{
    if (g_progress.tty && g_progress.stage[0])
        fputc('\n', stderr), g_progress.stage[0] = 0;
    cli_error(cmd, "%s", p3d_errmsg(ctx));
    return ctx->status == P3D_E_USAGE ? 2 : 1;
}
