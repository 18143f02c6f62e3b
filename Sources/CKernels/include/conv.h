#ifndef FIA_CONV_H
#define FIA_CONV_H
#include "fia_common.h"

// Convolution helpers for NCHW float32. Geometry: an output pixel (oh, ow) with kernel tap (i, j) reads
// input (oh·stride − pad + i·dil, ow·stride − pad + j·dil); reads outside the image are zero.

/// Unfolds input channels [c0, c1) of one image x `[C, H, W]` into rows of `cols`: row (c·kh + i)·kw + j,
/// column oh·Wout + ow. Rows are `ldc` floats apart (ldc ≥ Hout·Wout lets images sit side by side).
void fia_im2col(const float *x, int64_t H, int64_t W, int64_t kh, int64_t kw, int64_t stride, int64_t pad,
                int64_t dil, int64_t Hout, int64_t Wout, float *cols, int64_t ldc, int64_t c0, int64_t c1);

/// The adjoint of `fia_im2col`: dx[c] += the folded rows of `cols` for channels [c0, c1).
void fia_col2im(const float *cols, int64_t ldc, int64_t H, int64_t W, int64_t kh, int64_t kw, int64_t stride,
                int64_t pad, int64_t dil, int64_t Hout, int64_t Wout, float *dx, int64_t c0, int64_t c1);

/// Depthwise convolution (groups = Cin, Cout = mult·Cin): output planes q ∈ [q0, q1) of `y [N, Cout, Hout, Wout]`,
/// plane q = n·Cout + o reading input plane n·Cin + o / mult with the kernel w[o] `[kh, kw]`; bias may be NULL.
void fia_depthwise_forward(const float *x, const float *w, const float *bias, float *y, int64_t Cin, int64_t mult,
                           int64_t H, int64_t W, int64_t kh, int64_t kw, int64_t stride, int64_t pad, int64_t dil,
                           int64_t Hout, int64_t Wout, int64_t q0, int64_t q1);

/// Depthwise input gradient for input planes p ∈ [p0, p1) (p = n·Cin + c): gx = Σ_o of c w[o] ⋆ gy[o]. Overwrites gx.
void fia_depthwise_backward_input(const float *gy, const float *w, float *gx, int64_t Cin, int64_t mult, int64_t H,
                                  int64_t W, int64_t kh, int64_t kw, int64_t stride, int64_t pad, int64_t dil,
                                  int64_t Hout, int64_t Wout, int64_t p0, int64_t p1);

/// Depthwise weight gradient for output channels o ∈ [o0, o1), summed over the batch of N: overwrites gw[o].
void fia_depthwise_backward_weight(const float *x, const float *gy, float *gw, int64_t N, int64_t Cin, int64_t mult,
                                   int64_t H, int64_t W, int64_t kh, int64_t kw, int64_t stride, int64_t pad,
                                   int64_t dil, int64_t Hout, int64_t Wout, int64_t o0, int64_t o1);

/// out[c] = Σ_n Σ_p x[n, c, p] over x `[N, C, P]` for channels [c0, c1) (the bias gradient).
void fia_channel_sum(const float *x, float *out, int64_t N, int64_t C, int64_t P, int64_t c0, int64_t c1);

/// y[c, p] = bias[c] for p < P (initialises a GEMM output that then accumulates).
void fia_fill_rows(float *y, const float *bias, int64_t C, int64_t P);
#endif
