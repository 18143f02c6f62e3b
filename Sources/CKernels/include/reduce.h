#ifndef FIA_REDUCE_H
#define FIA_REDUCE_H
#include "fia_common.h"

// Reductions over the middle axis of a contiguous [outer, n, inner] view.
/// out[o, i] = Σ_k x[o, k, i]
void fia_sum_axis(const float *x, float *out, int64_t outer, int64_t n, int64_t inner);
/// out[o, i] = max_k x[o, k, i]; idx[o, i] = first k attaining it (NaN wins, like PyTorch).
void fia_max_axis(const float *x, float *out, int64_t *idx, int64_t outer, int64_t n, int64_t inner);
/// gx[o, k, i] = gy[o, i] (the backward of a sum: broadcast along the axis), scaled by `scale`.
void fia_broadcast_axis(const float *gy, float *gx, int64_t outer, int64_t n, int64_t inner, float scale);
/// out[j] += Σ_r x[r·ld + j] for j < n, rows in order: per element the same additions in the same order as
/// the broadcast-gradient walk (`fia_accumulate_strided` over [rows, n] into [n]), for a block of columns.
void fia_column_sums_accumulate(const float *x, int64_t rows, int64_t n, int64_t ld, float *out);
#endif
