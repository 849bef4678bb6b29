/* Resumable HTTP(S) download of one file into a ".part" file (libcurl). */
#ifndef P3D_IO_DOWNLOAD_H
#define P3D_IO_DOWNLOAD_H

#include "photo3d/core.h"

/* Appends url's content to part_path, asking for the bytes it does not hold
 * yet with a Range request (a server that answers the whole file with 200
 * restarts it from zero). expected_size bounds the file: a server that sends
 * more is cut off. Redirects are followed (http/https only); timeout_s is the
 * connect timeout and the longest stall tolerated. Progress goes to the
 * context's callback as (stage, bytes in part_path, expected_size).
 *
 * Returns P3D_OK when the server's response ended normally; the caller checks
 * the size and the sum. On failure part_path is kept as long as it is a
 * prefix the next call can resume (interrupted, refused, timed out) and
 * removed when it cannot be one (too long, 416 Range Not Satisfiable, a
 * Content-Range that does not start where the file ends). */
int p3d_download_resume(p3d_ctx *ctx, const char *url, const char *part_path,
                        int64_t expected_size, long timeout_s, const char *stage);

#endif
