/* The two resampling engines behind p3d_image_resize / p3d_map_resize, both
 * following OpenCV 4's cv::resize bit for bit where it is defined in scalar
 * code (imgproc/src/resize.cpp). Images are uint8 with `channels`
 * interleaved samples, maps are float with one channel. */
#ifndef P3D_RESIZE_INTERNAL_H
#define P3D_RESIZE_INTERNAL_H

#include "photo3d/io.h"

/* INTER_AREA when shrinking on both axes: exact area averaging. Both
 * engines return P3D_E_NOMEM when scratch memory is short, else P3D_OK. */
int p3d_resize_area_u8(const uint8_t *src, int sw, int sh, int channels, uint8_t *dst, int dw,
                        int dh);
int p3d_resize_area_f32(const float *src, int sw, int sh, float *dst, int dw, int dh);

/* Separable kernels: INTER_LINEAR, INTER_CUBIC, and INTER_AREA when enlarging
 * (OpenCV's area-weighted linear scheme). */
int p3d_resize_kernel_u8(const uint8_t *src, int sw, int sh, int channels, uint8_t *dst, int dw,
                         int dh, p3d_resize_mode mode);
int p3d_resize_kernel_f32(const float *src, int sw, int sh, float *dst, int dw, int dh,
                          p3d_resize_mode mode);

/* OpenCV's scale factors: inv = dst/src, scale = 1/inv (not src/dst, which
 * can differ in the last bit). */
double p3d_resize_scale(int src, int dst);
/* Whether src/dst is an integer on both axes (OpenCV's "area fast" case). */
int p3d_resize_integer_scales(int sw, int sh, int dw, int dh);

#endif
