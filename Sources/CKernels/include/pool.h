#ifndef FIA_POOL_H
#define FIA_POOL_H
#include "fia_common.h"

// 2-D pooling over planes [p0, p1) of contiguous `[planes, H, W]` inputs. A window (oh, ow) covers input rows
// oh·stride − pad ..< +k and likewise columns; padded cells are −inf for max and 0 for average (whose
// divisor is always k·k: PyTorch's count_include_pad=True).

/// Max pooling; ties go to the first maximum in row-major window order, NaN wins (PyTorch).
void fia_maxpool2d(const float *x, float *y, int64_t H, int64_t W, int64_t k, int64_t stride, int64_t pad,
                   int64_t Hout, int64_t Wout, int64_t p0, int64_t p1);
/// gx += gy routed to each window's argmax, found again from x and the forward output y. gx must be zeroed
/// by the caller.
void fia_maxpool2d_backward(const float *x, const float *y, const float *gy, float *gx, int64_t H, int64_t W, int64_t k,
                            int64_t stride, int64_t pad, int64_t Hout, int64_t Wout, int64_t p0, int64_t p1);
/// Average pooling (divisor k·k).
void fia_avgpool2d(const float *x, float *y, int64_t H, int64_t W, int64_t k, int64_t stride, int64_t pad,
                   int64_t Hout, int64_t Wout, int64_t p0, int64_t p1);
/// gx = the adjoint of average pooling applied to gy (overwrites gx).
void fia_avgpool2d_backward(const float *gy, float *gx, int64_t H, int64_t W, int64_t k, int64_t stride, int64_t pad,
                            int64_t Hout, int64_t Wout, int64_t p0, int64_t p1);
/// Adaptive average pooling: bin i spans [⌊i·H/Hout⌋, ⌈(i+1)·H/Hout⌉) (PyTorch), likewise columns.
void fia_adaptive_avgpool2d(const float *x, float *y, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                            int64_t p0, int64_t p1);
/// gx = the adjoint of adaptive average pooling applied to gy (overwrites gx).
void fia_adaptive_avgpool2d_backward(const float *gy, float *gx, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                                     int64_t p0, int64_t p1);
#endif
