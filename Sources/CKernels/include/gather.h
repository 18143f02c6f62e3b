#ifndef FIA_GATHER_H
#define FIA_GATHER_H
#include "fia_common.h"

/// out[i, :] = w[idx[i], :] for n indices into a [V, d] table (row memcpy; indices checked by the caller).
void fia_embedding_gather(const float *w, const int64_t *idx, int64_t n, int64_t d, float *out);
/// gw[idx[i], :] += gy[i, :] for every i whose index is not `skip` (pass −1 to skip none).
void fia_embedding_scatter_add(const float *gy, const int64_t *idx, int64_t n, int64_t d, float *gw, int64_t skip);

/// Binary cross-entropy with logits, elementwise max(x,0) − x·t + log(1 + e^{−|x|}), times w when w is
/// not NULL; returns the sum (blocks of float lanes added in double). Stable for any finite x.
double fia_bce_logits(const float *x, const float *t, const float *w, size_t n);
/// Backward: gx = scale·w·(σ(x) − t) (w = 1 when NULL); gt = −scale·w·x and gw = scale·loss (each may be NULL).
void fia_bce_logits_backward(const float *x, const float *t, const float *w, float scale, float *gx, float *gt,
                             float *gw, size_t n);

/// Cross-entropy over the class axis of contiguous logits [N, C, S] with integer targets [N, S] (checked by
/// the caller to lie in [0, C)). Writes lse[N·S] = log Σ_c e^{x}, and returns through the pointers
/// Σ w[t]·(lse − x_t) and Σ w[t] (w = class weights, 1 when NULL). Scratch needs 2·S floats.
void fia_cross_entropy(const float *x, const int64_t *targets, const float *class_weight, int64_t n, int64_t c,
                       int64_t s, float *lse, float *scratch, double *weighted_nll, double *weight_sum);
/// Backward: gx[n, c, s] = scale·w[t]·(e^{x − lse} − [c = t]).
void fia_cross_entropy_backward(const float *x, const int64_t *targets, const float *class_weight,
                                const float *lse, float scale, float *gx, int64_t n, int64_t c, int64_t s);
#endif
