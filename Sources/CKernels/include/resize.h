#ifndef FIA_RESIZE_H
#define FIA_RESIZE_H
#include "fia_common.h"

// Resizing planes [p0, p1) of contiguous `[planes, H, W]` to `[planes, Hout, Wout]` from precomputed source
// index tables (the caller decides the coordinate convention).

/// y[oh, ow] = lh0·(lw0·x[h0,w0] + lw1·x[h0,w1]) + lh1·(lw0·x[h1,w0] + lw1·x[h1,w1]) with lh0 = 1 − lh[oh] etc.
void fia_resize_bilinear(const float *x, float *y, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                         const int32_t *h0, const int32_t *h1, const float *lh,
                         const int32_t *w0, const int32_t *w1, const float *lw, int64_t p0, int64_t p1);
/// gx = adjoint of `fia_resize_bilinear` applied to gy (overwrites gx).
void fia_resize_bilinear_backward(const float *gy, float *gx, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                                  const int32_t *h0, const int32_t *h1, const float *lh,
                                  const int32_t *w0, const int32_t *w1, const float *lw, int64_t p0, int64_t p1);
/// y[oh, ow] = x[ih[oh], iw[ow]].
void fia_resize_nearest(const float *x, float *y, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                        const int32_t *ih, const int32_t *iw, int64_t p0, int64_t p1);
/// gx = adjoint of `fia_resize_nearest` applied to gy (overwrites gx).
void fia_resize_nearest_backward(const float *gy, float *gx, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                                 const int32_t *ih, const int32_t *iw, int64_t p0, int64_t p1);
#endif
