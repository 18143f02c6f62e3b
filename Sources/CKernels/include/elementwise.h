#ifndef FIA_ELEMENTWISE_H
#define FIA_ELEMENTWISE_H
#include "fia_common.h"

/// Binary operators for `fia_binary_strided`.
typedef enum { FIA_ADD = 0, FIA_SUB = 1, FIA_MUL = 2, FIA_DIV = 3, FIA_MAXIMUM = 4, FIA_MINIMUM = 5 } fia_binary_op;

/// out[i] = a[ia] op b[ib] over an `ndim`-dimensional index space `shape` (row-major, out contiguous);
/// `astride`/`bstride` are element strides per dimension, 0 where that input is broadcast.
/// The caller collapses dimensions first; ndim ≤ 8.
void fia_binary_strided(fia_binary_op op, int ndim, const int64_t *shape, const float *a, const int64_t *astride,
                        const float *b, const int64_t *bstride, float *out);

/// dst[j] += src[i] where j walks `dst` with `dstride` (0 on dimensions being summed away) while i walks
/// `src` contiguously over `shape`. Used to reduce a broadcast gradient back to an input's shape.
void fia_accumulate_strided(int ndim, const int64_t *shape, const float *src, float *dst, const int64_t *dstride);

/// Copies `src` viewed with strides `sstride` over `shape` into contiguous `dst` (permute/slice/expand).
void fia_gather_strided(int ndim, const int64_t *shape, const float *src, const int64_t *sstride, float *dst);

/// dst viewed with `dstride` over `shape` += contiguous src (backward of a strided gather; pads, slices).
void fia_scatter_add_strided(int ndim, const int64_t *shape, const float *src, float *dst, const int64_t *dstride);

void fia_fill(float *x, size_t n, float value);
void fia_copy(const float *x, float *y, size_t n);
/// y += x
void fia_add_inplace(float *y, const float *x, size_t n);
/// y = a*x + b
void fia_affine(const float *x, float *y, size_t n, float a, float b);
/// y = x * s (elementwise product of two buffers)
void fia_mul(const float *x, const float *s, float *y, size_t n);

/// y = mask != 0 ? value : x ; backward gx = mask != 0 ? 0 : gy. mask is broadcast by the caller.
void fia_masked_fill(const float *x, const float *mask, float *y, size_t n, float value);
void fia_masked_fill_backward(const float *mask, const float *gy, float *gx, size_t n);

/// Sum of squares (double accumulation), for gradient clipping and norms.
double fia_sum_squares(const float *x, size_t n);
/// Sum (double accumulation, SIMD partial sums).
double fia_sum(const float *x, size_t n);
#endif
