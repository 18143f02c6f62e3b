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

/// Normalisation statistics for rows [r0, r1) of length s, row r using statistic r / rps (group and instance
/// norm; rows of a statistic consecutive) or r mod channels (rps = 0: batch norm): accumulates Σ mean_r·s, the
/// count and M2 (Chan et al.'s merge of the rows' moments) per statistic in Double (zeroed by the caller), then
/// writes mean and rstd = 1/√(M2/count + eps) for the statistics these rows complete, and per row the affine
/// y = a·x + shift with a = rstd·w[channel], shift = b[channel] − mean·a (w, b may be NULL).
void fia_norm_statistics(const float *row_mean, const float *row_m2, int64_t r0, int64_t r1, int64_t rps, int64_t channels,
                         int64_t s, float eps, const float *w, const float *b, double *sum, double *count, double *m2,
                         float *mean, float *rstd, float *a, float *shift);

/// The backward coefficients for rows [r0, r1) (the statistic mapping as above): from the rows' Σ gy and
/// Σ gy·(x − mean), the input gradient is gx = α·gy + β·x + γ per row; with `constant` statistics (evaluation)
/// only α = rstd·w. mean_g and mean_gx are per-statistic Double accumulators zeroed by the caller; `members` is
/// the number of elements per statistic.
void fia_norm_backward_coefficients(const float *sum_g, const float *sum_gx, int64_t r0, int64_t r1, int64_t rps,
                                    int64_t channels, double members, int constant, const float *w, const float *mean,
                                    const float *rstd, double *mean_g, double *mean_gx, float *alpha, float *beta,
                                    float *gamma);
#endif
