/* RGB video frames as the yuv420p planes that H.264 and VP9 encode
 * (BT.601, limited range, as ffmpeg's default conversion for the
 * reference's videos), converted by the render workers themselves: the
 * encoder thread's swscale conversion was 7 % of the four moon videos'
 * CPU time, on the one thread that every frame passes through. */
#ifndef P3D_YUV420_H
#define P3D_YUV420_H

#include "photo3d/core.h"

/* An I420 frame of W x H (both even) travels as a 1-channel p3d_image of
 * width W and height 3 H / 2: the W x H luma plane, then the W/2 x H/2 Cb
 * and Cr planes, each contiguous (OpenCV's layout for the same thing). */
static inline int yuv420_rows(int height)
{
    return height / 2 * 3;
}

/* The frame height H of an I420 image of rows = 3 H / 2 rows. */
static inline int yuv420_frame_height(int rows)
{
    return rows / 3 * 2;
}

/* rgb (3 channels, even width and height) into out (reallocated where its
 * size differs). Luma from each pixel; chroma from the mean of each 2x2
 * block (chroma sited at the block's centre). */
int rgb_to_yuv420(p3d_ctx *ctx, const p3d_image *rgb, p3d_image *out);
/* The same; portable: the plain C loop even where the AVX-512 one is built
 * (tests: both give the same bytes). */
int rgb_to_yuv420_path(p3d_ctx *ctx, const p3d_image *rgb, int portable, p3d_image *out);

#endif
