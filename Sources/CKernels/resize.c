#include "resize.h"
#include <stdlib.h>

FIA_VECTORISED
void fia_resize_bilinear(const float *x, float *y, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                         const int32_t *h0, const int32_t *h1, const float *lh,
                         const int32_t *w0, const int32_t *w1, const float *lw, int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
        const float *xp = x + p * H * W;
        float *yp = y + p * Hout * Wout;
        for (int64_t oh = 0; oh < Hout; oh++) {
            const float *a = xp + (int64_t)h0[oh] * W, *b = xp + (int64_t)h1[oh] * W;
            float t1 = lh[oh], t0 = 1.0f - t1;
            float *dst = yp + oh * Wout;
            for (int64_t ow = 0; ow < Wout; ow++) {
                float s1 = lw[ow], s0 = 1.0f - s1;
                dst[ow] = t0 * (s0 * a[w0[ow]] + s1 * a[w1[ow]]) + t1 * (s0 * b[w0[ow]] + s1 * b[w1[ow]]);
            }
        }
    }
}

// Separable adjoint: each output row's gradient is first gathered along the columns into a row buffer, then
// blended into the two source rows (2·W vectorised adds). The column pass reads, for each input column w, the
// output columns that touch it (a list built once per call, in increasing ow, s0 before s1): the same sums in
// the same order as scattering `row[w0[ow]] += s0·g; row[w1[ow]] += s1·g`, without the chain of dependent
// adds into one slot that the scatter makes when upsampling (16 output columns onto 2 input columns).
FIA_VECTORISED
void fia_resize_bilinear_backward(const float *gy, float *gx, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                                  const int32_t *h0, const int32_t *h1, const float *lh,
                                  const int32_t *w0, const int32_t *w1, const float *lw, int64_t p0, int64_t p1) {
    int64_t Wn = W > 0 ? W : 1;
    float *row = malloc((size_t)Wn * sizeof(float));
    int64_t *first = malloc((size_t)(Wn + 1) * sizeof(int64_t));
    int32_t *src = malloc((size_t)(2 * Wout + 1) * sizeof(int32_t));
    float *coef = malloc((size_t)(2 * Wout + 1) * sizeof(float));
    if (!row || !first || !src || !coef) { free(row); free(first); free(src); free(coef); return; }
    // Counting sort of the 2·Wout (ow, weight) entries by input column, stable in ow.
    for (int64_t w = 0; w <= W; w++) first[w] = 0;
    for (int64_t ow = 0; ow < Wout; ow++) { first[w0[ow] + 1]++; first[w1[ow] + 1]++; }
    for (int64_t w = 0; w < W; w++) first[w + 1] += first[w];
    {
        int64_t *fill = malloc((size_t)Wn * sizeof(int64_t));
        if (!fill) { free(row); free(first); free(src); free(coef); return; }
        for (int64_t w = 0; w < W; w++) fill[w] = first[w];
        for (int64_t ow = 0; ow < Wout; ow++) {
            float s1 = lw[ow], s0 = 1.0f - s1;
            src[fill[w0[ow]]] = (int32_t)ow; coef[fill[w0[ow]]++] = s0;
            src[fill[w1[ow]]] = (int32_t)ow; coef[fill[w1[ow]]++] = s1;
        }
        free(fill);
    }
    for (int64_t p = p0; p < p1; p++) {
        const float *gp = gy + p * Hout * Wout;
        float *gxp = gx + p * H * W;
        memset(gxp, 0, (size_t)(H * W) * sizeof(float));
        for (int64_t oh = 0; oh < Hout; oh++) {
            const float *g = gp + oh * Wout;
            for (int64_t w = 0; w < W; w++) {
                float acc = 0;
                for (int64_t e = first[w]; e < first[w + 1]; e++) acc += coef[e] * g[src[e]];
                row[w] = acc;
            }
            float t1 = lh[oh], t0 = 1.0f - t1;
            float *a = gxp + (int64_t)h0[oh] * W, *b = gxp + (int64_t)h1[oh] * W;
            for (int64_t w = 0; w < W; w++) a[w] += t0 * row[w];
            for (int64_t w = 0; w < W; w++) b[w] += t1 * row[w];
        }
    }
    free(row); free(first); free(src); free(coef);
}

FIA_VECTORISED
void fia_resize_nearest(const float *x, float *y, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                        const int32_t *ih, const int32_t *iw, int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
        const float *xp = x + p * H * W;
        float *yp = y + p * Hout * Wout;
        for (int64_t oh = 0; oh < Hout; oh++) {
            const float *src = xp + (int64_t)ih[oh] * W;
            float *dst = yp + oh * Wout;
            for (int64_t ow = 0; ow < Wout; ow++) dst[ow] = src[iw[ow]];
        }
    }
}

void fia_resize_nearest_backward(const float *gy, float *gx, int64_t H, int64_t W, int64_t Hout, int64_t Wout,
                                 const int32_t *ih, const int32_t *iw, int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
        const float *gp = gy + p * Hout * Wout;
        float *gxp = gx + p * H * W;
        memset(gxp, 0, (size_t)(H * W) * sizeof(float));
        for (int64_t oh = 0; oh < Hout; oh++) {
            float *dst = gxp + (int64_t)ih[oh] * W;
            const float *src = gp + oh * Wout;
            for (int64_t ow = 0; ow < Wout; ow++) dst[iw[ow]] += src[ow];
        }
    }
}
