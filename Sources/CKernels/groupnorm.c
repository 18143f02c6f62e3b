#include "norm.h"
#include <math.h>

// The per-statistic bookkeeping of group, instance and batch norm (RowStatistics in Normalization.swift):
// thousands of statistics of a few elements each (instance norm on 2×2 maps, batch norm over 16 images of
// them) made this cost more than the normalisation itself as a Swift loop per row. Same Double arithmetic, in
// the same order, as the Swift it replaces; no contraction into FMAs (each expression rounds as written).
#pragma STDC FP_CONTRACT OFF

static inline int64_t stat_of(int64_t r, int64_t rps, int64_t channels) { return rps > 0 ? r / rps : r % channels; }

void fia_norm_statistics(const float *row_mean, const float *row_m2, int64_t r0, int64_t r1, int64_t rps, int64_t channels,
                         int64_t s, float eps, const float *w, const float *b, double *sum, double *count, double *m2,
                         float *mean, float *rstd, float *a, float *shift) {
    double ds = (double)s;
    for (int64_t r = r0; r < r1; r++) { int64_t k = stat_of(r, rps, channels); sum[k] += (double)row_mean[r] * ds; count[k] += ds; }
    for (int64_t r = r0; r < r1; r++) {
        int64_t k = stat_of(r, rps, channels);
        double dm = (double)row_mean[r] - sum[k] / count[k];
        m2[k] += (double)row_m2[r] + ds * dm * dm;
    }
    int64_t k0 = stat_of(r0, rps, channels), k1 = stat_of(r1 - 1, rps, channels);
    for (int64_t k = k0; k <= k1; k++) {
        mean[k] = (float)(sum[k] / count[k]);
        rstd[k] = (float)(1.0 / sqrt(m2[k] / count[k] + (double)eps));
    }
    for (int64_t r = r0; r < r1; r++) {
        int64_t k = stat_of(r, rps, channels), ch = r % channels;
        float ar = rstd[k] * (w ? w[ch] : 1.0f);
        float ma = mean[k] * ar;
        a[r] = ar;
        shift[r] = (b ? b[ch] : 0.0f) - ma;
    }
}

void fia_norm_backward_coefficients(const float *sum_g, const float *sum_gx, int64_t r0, int64_t r1, int64_t rps,
                                    int64_t channels, double members, int constant, const float *w, const float *mean,
                                    const float *rstd, double *mean_g, double *mean_gx, float *alpha, float *beta,
                                    float *gamma) {
    for (int64_t r = r0; r < r1; r++) {
        int64_t k = stat_of(r, rps, channels);
        double wc = (double)(w ? w[r % channels] : 1.0f);
        mean_g[k] += wc * (double)sum_g[r];
        mean_gx[k] += wc * (double)sum_gx[r] * (double)rstd[k];
    }
    for (int64_t r = r0; r < r1; r++) {
        int64_t k = stat_of(r, rps, channels);
        double rs = (double)rstd[k];
        alpha[r] = (float)(rs * (double)(w ? w[r % channels] : 1.0f));
        if (constant) continue;
        double ag = mean_g[k] / members, bg = mean_gx[k] / members;
        beta[r] = (float)(-rs * rs * bg);
        gamma[r] = (float)(-rs * ag + rs * rs * bg * (double)mean[k]);
    }
}
