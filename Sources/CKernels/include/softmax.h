#ifndef FIA_SOFTMAX_H
#define FIA_SOFTMAX_H
#include "fia_common.h"

/// Row-wise softmax over contiguous rows of length n: y = exp(x - max) / Σ exp(x - max).
/// A row that is entirely -inf (every key masked) gives all zeros rather than NaN.
void fia_softmax_rows(const float *x, float *y, int64_t rows, int64_t n);
/// gx = y ⊙ (gy - Σ gy ⊙ y)
void fia_softmax_rows_backward(const float *y, const float *gy, float *gx, int64_t rows, int64_t n);
/// y = x - max - log Σ exp(x - max)
void fia_log_softmax_rows(const float *x, float *y, int64_t rows, int64_t n);
/// gx = gy - exp(y) Σ gy
void fia_log_softmax_rows_backward(const float *y, const float *gy, float *gx, int64_t rows, int64_t n);
#endif
