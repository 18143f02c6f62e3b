#include "norm.h"
#include <math.h>
#include <stdlib.h>

// The per-statistic bookkeeping of group, instance and batch norm (RowStatistics in Normalization.swift):
// thousands of statistics of a few elements each (instance norm on 2×2 maps, batch norm over 16 images of
// them) made this cost more than the normalisation itself as a Swift loop per row. Same Double arithmetic, in
// the same order, as the Swift it replaces; no contraction into FMAs (each expression rounds as written).
#pragma STDC FP_CONTRACT OFF

static inline int64_t stat_of(int64_t r, int64_t rps, int64_t channels) { return rps > 0 ? r / rps : r % channels; }

// Row r's statistic k and channel, advanced row by row: a division per row cost more than the arithmetic
// around it on 2×2 maps (4,096 rows of 4 elements per call).
typedef struct { int64_t k, ch, within; } row_cursor;

static inline row_cursor cursor_at(int64_t r, int64_t rps, int64_t channels) {
    row_cursor c = {stat_of(r, rps, channels), r % channels, rps > 0 ? r % rps : 0};
    return c;
}

static inline void cursor_next(row_cursor *c, int64_t rps, int64_t channels) {
    if (++c->ch == channels) c->ch = 0;
    if (rps > 0) {
        if (++c->within == rps) { c->within = 0; c->k++; }
    } else {
        c->k = c->ch;
    }
}

void fia_norm_statistics(const float *row_mean, const float *row_m2, int64_t r0, int64_t r1, int64_t rps, int64_t channels,
                         int64_t s, float eps, const float *w, const float *b, double *sum, double *count, double *m2,
                         float *mean, float *rstd, float *a, float *shift) {
    if (r1 <= r0) return;
    double ds = (double)s;
    row_cursor c = cursor_at(r0, rps, channels);
    for (int64_t r = r0; r < r1; r++, cursor_next(&c, rps, channels)) { sum[c.k] += (double)row_mean[r] * ds; count[c.k] += ds; }
    int64_t k0 = stat_of(r0, rps, channels), k1 = stat_of(r1 - 1, rps, channels);
    double *kmean = malloc((size_t)(k1 - k0 + 1) * sizeof(double));   // Σ/count once per statistic, not per row
    if (!kmean) abort();
    for (int64_t k = k0; k <= k1; k++) kmean[k - k0] = sum[k] / count[k];
    c = cursor_at(r0, rps, channels);
    for (int64_t r = r0; r < r1; r++, cursor_next(&c, rps, channels)) {
        double dm = (double)row_mean[r] - kmean[c.k - k0];
        m2[c.k] += (double)row_m2[r] + ds * dm * dm;
    }
    for (int64_t k = k0; k <= k1; k++) {
        mean[k] = (float)kmean[k - k0];
        rstd[k] = (float)(1.0 / sqrt(m2[k] / count[k] + (double)eps));
    }
    free(kmean);
    c = cursor_at(r0, rps, channels);
    for (int64_t r = r0; r < r1; r++, cursor_next(&c, rps, channels)) {
        float ar = rstd[c.k] * (w ? w[c.ch] : 1.0f);
        float ma = mean[c.k] * ar;
        a[r] = ar;
        shift[r] = (b ? b[c.ch] : 0.0f) - ma;
    }
}

void fia_norm_backward_coefficients(const float *sum_g, const float *sum_gx, int64_t r0, int64_t r1, int64_t rps,
                                    int64_t channels, double members, int constant, const float *w, const float *mean,
                                    const float *rstd, double *mean_g, double *mean_gx, float *alpha, float *beta,
                                    float *gamma) {
    if (r1 <= r0) return;
    row_cursor c = cursor_at(r0, rps, channels);
    for (int64_t r = r0; r < r1; r++, cursor_next(&c, rps, channels)) {
        double wc = (double)(w ? w[c.ch] : 1.0f);
        mean_g[c.k] += wc * (double)sum_g[r];
        mean_gx[c.k] += wc * (double)sum_gx[r] * (double)rstd[c.k];
    }
    int64_t k0 = stat_of(r0, rps, channels), k1 = stat_of(r1 - 1, rps, channels);
    double *kq = malloc((size_t)(2 * (k1 - k0 + 1)) * sizeof(double));   // the two means, once per statistic
    if (!kq) abort();
    for (int64_t k = k0; k <= k1; k++) { kq[2 * (k - k0)] = mean_g[k] / members; kq[2 * (k - k0) + 1] = mean_gx[k] / members; }
    c = cursor_at(r0, rps, channels);
    for (int64_t r = r0; r < r1; r++, cursor_next(&c, rps, channels)) {
        double rs = (double)rstd[c.k];
        alpha[r] = (float)(rs * (double)(w ? w[c.ch] : 1.0f));
        if (constant) continue;
        double ag = kq[2 * (c.k - k0)], bg = kq[2 * (c.k - k0) + 1];
        beta[r] = (float)(-rs * rs * bg);
        gamma[r] = (float)(-rs * ag + rs * rs * bg * (double)mean[c.k]);
    }
    free(kq);
}
