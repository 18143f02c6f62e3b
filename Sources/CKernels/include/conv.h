#ifndef FIA_CONV_H
#define FIA_CONV_H
#include "fia_common.h"

/// The sizes of one 2-D convolution over NCHW float32, shared by the Swift engine (`ConvGeometry`) and the
/// kernels below: input `[n, cin, h, w]`, weight `[cout, cin / groups, kh, kw]`, output `[n, cout, hout, wout]`.
/// An output pixel (oh, ow) with kernel tap (i, j) reads input (oh·stride − pad + i·dil, ow·stride − pad + j·dil);
/// reads outside the image are zero. (`ptrdiff_t` so that Swift sees `Int` fields.)
typedef struct fia_conv_geometry {
    ptrdiff_t n, cin, h, w;
    ptrdiff_t cout, kh, kw;
    ptrdiff_t stride, pad, dil, groups;
    ptrdiff_t hout, wout;
} fia_conv_geometry;

/// Unfolds input channels [c0, c1) of one image x `[cin, h, w]` into rows of `cols`: row (c·kh + i)·kw + j,
/// column oh·wout + ow. Rows are `ldc` floats apart (ldc ≥ hout·wout lets images sit side by side).
void fia_im2col(fia_conv_geometry g, const float *x, float *cols, ptrdiff_t ldc, ptrdiff_t c0, ptrdiff_t c1);

/// The adjoint of `fia_im2col`: dx[c] += the folded rows of `cols` for channels [c0, c1).
void fia_col2im(fia_conv_geometry g, const float *cols, ptrdiff_t ldc, float *dx, ptrdiff_t c0, ptrdiff_t c1);

/// Depthwise convolution (groups = cin, cout = mult·cin): output planes q ∈ [q0, q1) of `y [n, cout, hout, wout]`,
/// plane q = n·cout + o reading input plane n·cin + o / mult with the kernel w[o] `[kh, kw]`; bias may be NULL.
void fia_depthwise_forward(fia_conv_geometry g, const float *x, const float *w, const float *bias, float *y,
                           ptrdiff_t q0, ptrdiff_t q1);

/// Depthwise input gradient for input planes p ∈ [p0, p1) (p = n·cin + c): gx = Σ_o of c w[o] ⋆ gy[o]. Overwrites gx.
void fia_depthwise_backward_input(fia_conv_geometry g, const float *gy, const float *w, float *gx, ptrdiff_t p0, ptrdiff_t p1);

/// Depthwise weight gradient for output channels o ∈ [o0, o1), summed over the batch: overwrites gw[o].
void fia_depthwise_backward_weight(fia_conv_geometry g, const float *x, const float *gy, float *gw, ptrdiff_t o0, ptrdiff_t o1);

/// out[c] = Σ_n Σ_p x[n, c, p] over x `[N, C, P]` for channels [c0, c1) (the bias gradient).
void fia_channel_sum(const float *x, float *out, int64_t N, int64_t C, int64_t P, int64_t c0, int64_t c1);

/// y[c, p] = bias[c] for p < P (initialises a GEMM output that then accumulates).
void fia_fill_rows(float *y, const float *bias, int64_t C, int64_t P);
#endif
