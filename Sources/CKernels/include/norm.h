#ifndef FIA_NORM_H
#define FIA_NORM_H
#include "fia_common.h"

// Normalisation kernels. Layer norm is fused per row (a row sits in L1, so the second pass is free);
// group, instance and batch norm share four row kernels over the contiguous [N·C, S] view, with the
// per-group / per-channel bookkeeping (tiny arrays of N·C) done by the caller.

/// Layer norm of contiguous rows of length d: y = (x − mean)·rstd·w + b, rstd = 1/√(var + eps), biased
/// variance. w and b may be NULL (no affine). Writes each row's mean and rstd (may be NULL).
void fia_layer_norm(const float *x, const float *w, const float *b, float *y, float *mean, float *rstd,
                    int64_t rows, int64_t d, float eps);
/// Backward of `fia_layer_norm` from the saved mean and rstd: with x̂ = (x − mean)·rstd and g = gy·w,
/// gx = rstd·(g − mean(g) − x̂·mean(g·x̂)); gw += Σ_rows gy·x̂; gb += Σ_rows gy. Any of gx, gw, gb may be
/// NULL (not wanted); w may be NULL (w = 1).
void fia_layer_norm_backward(const float *x, const float *w, const float *mean, const float *rstd, const float *gy,
                             float *gx, float *gw, float *gb, int64_t rows, int64_t d);

/// Per row of length n: mean[r] and m2[r] = Σ (x − mean[r])² (two passes over the row, 8-lane sums).
void fia_row_moments(const float *x, int64_t rows, int64_t n, float *mean, float *m2);
/// y[r, i] = a[r]·x[r, i] + c[r]
void fia_row_affine(const float *x, const float *a, const float *c, float *y, int64_t rows, int64_t n);
/// out[r, i] = alpha[r]·gy[r, i] + beta[r]·x[r, i] + gamma[r]   (the backward of a row normalisation)
void fia_row_affine2(const float *gy, const float *x, const float *alpha, const float *beta, const float *gamma,
                     float *out, int64_t rows, int64_t n);
/// Per row: sum_gy[r] = Σ gy, sum_gy_xc[r] = Σ gy·(x − center[r]).
void fia_row_grad_sums(const float *x, const float *gy, const float *center, int64_t rows, int64_t n,
                       float *sum_gy, float *sum_gy_xc);
#endif
