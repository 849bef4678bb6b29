/* Context and error handling: the one error type of the library (code + message). */
#include "photo3d/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void p3d_ctx_init(p3d_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->max_pixels = 100L * 1000 * 1000;
    ctx->threads = 2;
}

const char *p3d_errmsg(const p3d_ctx *ctx)
{
    return ctx->msg[0] ? ctx->msg : "no error";
}

int p3d_fail(p3d_ctx *ctx, int code, const char *fmt, ...)
{
    if (ctx->status != P3D_OK)
        return ctx->status;
    ctx->status = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    va_end(ap);
    return code;
}

void p3d_error_prefix(p3d_ctx *ctx, const char *fmt, ...)
{
    char prefix[256], old[sizeof ctx->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, ctx->msg, sizeof old);
    size_t n = strlen(prefix);
    if (n > sizeof ctx->msg - 3)
        n = sizeof ctx->msg - 3;
    memcpy(ctx->msg, prefix, n);
    memcpy(ctx->msg + n, ": ", 2);
    size_t room = sizeof ctx->msg - n - 3, olen = strlen(old);
    if (olen > room)
        olen = room;
    memcpy(ctx->msg + n + 2, old, olen);
    ctx->msg[n + 2 + olen] = 0;
}

void p3d_clear_error(p3d_ctx *ctx)
{
    ctx->status = P3D_OK;
    ctx->msg[0] = 0;
}

void p3d_report(p3d_ctx *ctx, const char *stage, long done, long total)
{
    if (ctx->progress)
        ctx->progress(ctx->progress_user, stage, done, total);
}
