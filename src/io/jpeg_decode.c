/* JPEG decoding with libjpeg-turbo from memory (ALGORITHM.md 2.2): always to
 * 8-bit RGB. libjpeg's fatal errors (and its "corrupt data" warnings, which
 * would otherwise let a truncated file decode as gray) come back through
 * longjmp as P3D_E_INPUT; libjpeg never prints and never calls exit(). The
 * pixel limit is checked on the header, before any pixel memory exists. */
#include "io/io_internal.h"
#include "io/exif_orientation.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} jpeg_error;

static void on_fatal(j_common_ptr cinfo)
{
    jpeg_error *e = (jpeg_error *)cinfo->err;
    cinfo->err->format_message(cinfo, e->msg);
    longjmp(e->jump, 1);
}

/* Warnings (level -1) report damaged data; "extraneous bytes before marker"
 * is common in camera files and harmless, every other one is fatal here. */
static void on_message(j_common_ptr cinfo, int level)
{
    if (level < 0 && cinfo->err->msg_code != JWRN_EXTRANEOUS_DATA)
        on_fatal(cinfo);
}

/* Progressive JPEGs can hold any number of scans, each a full pass over the
 * image: a tiny file could keep the decoder busy for minutes. Real encoders
 * write about ten; more than MAX_SCANS is refused (as libjpeg-turbo advises). */
#define MAX_SCANS 500

static void on_progress(j_common_ptr cinfo)
{
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > MAX_SCANS) {
        cinfo->err->msg_code = JERR_BAD_PROGRESSION;
        snprintf(((jpeg_error *)cinfo->err)->msg, JMSG_LENGTH_MAX, "more than %d scans", MAX_SCANS);
        longjmp(((jpeg_error *)cinfo->err)->jump, 1);
    }
}

int p3d_jpeg_decode(p3d_ctx *ctx, const char *name, const uint8_t *buf, size_t len,
                    p3d_image *img, p3d_file_info *info)
{
    memset(img, 0, sizeof *img);
    struct jpeg_decompress_struct cinfo;
    jpeg_error err;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_fatal;
    err.pub.emit_message = on_message;
    volatile int rc = P3D_OK;
    if (setjmp(err.jump)) {
        rc = p3d_fail(ctx, P3D_E_INPUT, "%s: bad JPEG: %s", name, err.msg);
        goto done;
    }
    jpeg_create_decompress(&cinfo);
    struct jpeg_progress_mgr progress = {.progress_monitor = on_progress};
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, buf, (unsigned long)len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    if (info) {
        memset(info, 0, sizeof *info);
        strcpy(info->format, "JPEG");
        info->channels = cinfo.num_components;
        info->bit_depth = cinfo.data_precision;
    }
    if ((rc = p3d_check_pixels(ctx, name, cinfo.image_width, cinfo.image_height)))
        goto done;
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_components != 3) {
        rc = p3d_fail(ctx, P3D_E_INPUT, "%s: unsupported JPEG colour space", name);
        goto done;
    }
    if ((rc = p3d_image_alloc(ctx, img, (int)cinfo.output_width, (int)cinfo.output_height, 3)))
        goto done;
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = img->data + (size_t)cinfo.output_scanline * img->width * 3;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    int orientation = 1;
    for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 1)
            orientation = p3d_exif_orientation(m->data, m->data_length);
    jpeg_finish_decompress(&cinfo);
    rc = p3d_apply_orientation(ctx, img, orientation);
done:
    jpeg_destroy_decompress(&cinfo);
    if (rc)
        p3d_image_free(img);
    return rc;
}
