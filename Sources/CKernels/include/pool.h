#ifndef FIA_POOL_H
#define FIA_POOL_H
#include "fia_common.h"

/// The sizes of one 2-D pooling over `[n, c, h, w]` → `[n, c, hout, wout]`, shared by the Swift engine
/// (`PoolGeometry`) and the kernels below, which work on planes [p0, p1) of the n·c planes. A window (oh, ow)
/// covers input rows oh·stride − pad ..< +k and likewise columns; padded cells are −inf for max and 0 for
/// average (whose divisor is always k·k: PyTorch's count_include_pad=True). Adaptive pooling has no fixed
/// window: k, stride and pad are 0 there. (`ptrdiff_t` so that Swift sees `Int` fields.)
typedef struct fia_pool_geometry {
    ptrdiff_t n, c, h, w;
    ptrdiff_t k, stride, pad;
    ptrdiff_t hout, wout;
} fia_pool_geometry;

/// Max pooling; ties go to the first maximum in row-major window order, NaN wins (PyTorch).
void fia_maxpool2d(fia_pool_geometry g, const float *x, float *y, ptrdiff_t p0, ptrdiff_t p1);
/// gx += gy routed to each window's argmax, found again from x and the forward output y. gx must be zeroed
/// by the caller.
void fia_maxpool2d_backward(fia_pool_geometry g, const float *x, const float *y, const float *gy, float *gx,
                            ptrdiff_t p0, ptrdiff_t p1);
/// Average pooling (divisor k·k).
void fia_avgpool2d(fia_pool_geometry g, const float *x, float *y, ptrdiff_t p0, ptrdiff_t p1);
/// gx = the adjoint of average pooling applied to gy (overwrites gx).
void fia_avgpool2d_backward(fia_pool_geometry g, const float *gy, float *gx, ptrdiff_t p0, ptrdiff_t p1);
/// Adaptive average pooling: bin i spans [⌊i·h/hout⌋, ⌈(i+1)·h/hout⌉) (PyTorch), likewise columns.
void fia_adaptive_avgpool2d(fia_pool_geometry g, const float *x, float *y, ptrdiff_t p0, ptrdiff_t p1);
/// gx = the adjoint of adaptive average pooling applied to gy (overwrites gx).
void fia_adaptive_avgpool2d_backward(fia_pool_geometry g, const float *gy, float *gx, ptrdiff_t p0, ptrdiff_t p1);
#endif
