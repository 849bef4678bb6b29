/* Resumable HTTP(S) download into a ".part" file with libcurl (see download.h). */
#include "download.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct transfer {
    p3d_ctx *ctx;
    CURL *curl;
    FILE *fp;
    const char *stage;
    int64_t have;          /* bytes in the file */
    int64_t expected;      /* the full size */
    int64_t range_start;   /* start of the current response's Content-Range, -1 if none */
    int started;           /* the current response's first body bytes were seen */
    int reported_permille; /* last progress reported, to throttle the callback */
    const char *problem;   /* why the callbacks stopped the transfer */
    int discard;           /* ... and the file cannot be a prefix of the right one */
} transfer;

/* Headers of every response in a redirect chain arrive here: only the last
 * response's Content-Range counts, so a status line resets it. */
static size_t on_header(char *line, size_t size, size_t n, void *user)
{
    transfer *t = user;
    size_t len = size * n;
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0)
        t->range_start = -1, t->started = 0;
    if (len > 14 && strncasecmp(line, "content-range:", 14) == 0) {
        long long start;
        if (sscanf(line + 14, " bytes %lld-", &start) == 1)
            t->range_start = start;
    }
    return len;
}

/* The first body bytes decide whether the response continues the file (206
 * from where it ends) or replaces it (200). */
static int start_body(transfer *t)
{
    long code = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
    t->started = 1;
    if (code == 206) {
        if (t->range_start != t->have) {
            t->problem = "the server's Content-Range does not continue the partial file";
            t->discard = 1;
            return 0;
        }
        return 1;
    }
    if (fflush(t->fp) != 0 || ftruncate(fileno(t->fp), 0) != 0) {
        t->problem = "cannot truncate the partial file";
        return 0;
    }
    t->have = 0;
    return 1;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    transfer *t = user;
    size_t len = size * n;
    if (!t->started && !start_body(t))
        return 0;
    if (t->have + (int64_t)len > t->expected) {
        t->problem = "the server sent more bytes than the file should have";
        t->discard = 1;
        return 0;
    }
    if (fwrite(data, 1, len, t->fp) != len) {
        t->problem = "cannot write the partial file";
        return 0;
    }
    t->have += (int64_t)len;
    return len;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    transfer *t = user;
    int permille = t->expected > 0 ? (int)(1000 * t->have / t->expected) : 0;
    if (permille != t->reported_permille) {
        t->reported_permille = permille;
        p3d_report(t->ctx, t->stage, (long)(t->have / 1024), (long)(t->expected / 1024));
    }
    return 0;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

static void set_options(transfer *t, const char *url, long timeout_s, char *range,
                        size_t range_size, char *curl_error)
{
    CURL *c = t->curl;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "photo3d/" PHOTO3D_VERSION);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, timeout_s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
    if (t->have > 0) {
        snprintf(range, range_size, "%" PRId64 "-", t->have);
        curl_easy_setopt(c, CURLOPT_RANGE, range);
    }
}

int p3d_download_resume(p3d_ctx *ctx, const char *url, const char *part_path,
                        int64_t expected_size, long timeout_s, const char *stage)
{
    transfer t = {.ctx = ctx, .stage = stage, .expected = expected_size, .range_start = -1,
                  .reported_permille = -1};
    t.have = file_size(part_path);
    t.fp = fopen(part_path, "ab");
    if (!t.fp)
        return p3d_fail(ctx, P3D_E_IO, "%s: cannot open: %s", part_path, strerror(errno));
    /* Two fetches appending to one file would interleave their bytes. */
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fileno(t.fp), F_SETLK, &lock) != 0) {
        fclose(t.fp);
        return p3d_fail(ctx, P3D_E_IO, "%s: another fetch is writing this file", part_path);
    }
    t.curl = curl_easy_init();
    if (!t.curl) {
        fclose(t.fp);
        return p3d_fail(ctx, P3D_E_INTERNAL, "%s: libcurl could not be initialised", url);
    }
    char range[32], curl_error[CURL_ERROR_SIZE] = "";
    set_options(&t, url, timeout_s > 0 ? timeout_s : 30, range, sizeof range, curl_error);
    CURLcode rc = curl_easy_perform(t.curl);
    long code = 0;
    curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(t.curl);
    int closed = fclose(t.fp);
    if (rc == CURLE_OK && closed == 0)
        return P3D_OK;
    /* From here on the transfer failed: decide whether the file is a prefix worth keeping. */
    int64_t have = file_size(part_path);
    if (t.discard) {
        unlink(part_path);
        return p3d_fail(ctx, P3D_E_INPUT, "%s: %s", url, t.problem);
    }
    if (rc == CURLE_HTTP_RETURNED_ERROR && code == 416) {
        unlink(part_path);
        return p3d_fail(ctx, P3D_E_INPUT,
                        "%s: the server has no bytes past %" PRId64 " (HTTP 416); partial file removed",
                        url, have);
    }
    if (rc == CURLE_OK || t.problem)
        return p3d_fail(ctx, P3D_E_IO, "%s: %s: %s", part_path,
                        t.problem ? t.problem : "write failed", strerror(errno));
    return p3d_fail(ctx, P3D_E_IO, "%s: %s (%" PRId64 " of %" PRId64 " bytes so far)", url,
                    curl_error[0] ? curl_error : curl_easy_strerror(rc), have, expected_size);
}
