#include "reduce.h"

FIA_VECTORISED
void fia_sum_axis(const float *x, float *out, int64_t outer, int64_t n, int64_t inner) {
    if (inner == 1) {
        for (int64_t o = 0; o < outer; o++) {
            const float *row = x + o * n;
            float s[8] = {0};
            int64_t k = 0;
            for (; k + 8 <= n; k += 8) for (int l = 0; l < 8; l++) s[l] += row[k + l];
            float t = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
            for (; k < n; k++) t += row[k];
            out[o] = t;
        }
        return;
    }
    for (int64_t o = 0; o < outer; o++) {
        float *dst = out + o * inner;
        for (int64_t i = 0; i < inner; i++) dst[i] = 0;
        for (int64_t k = 0; k < n; k++) {
            const float *src = x + (o * n + k) * inner;
            for (int64_t i = 0; i < inner; i++) dst[i] += src[i];
        }
    }
}

void fia_max_axis(const float *x, float *out, int64_t *idx, int64_t outer, int64_t n, int64_t inner) {
    for (int64_t o = 0; o < outer; o++) {
        for (int64_t i = 0; i < inner; i++) {
            const float *p = x + o * n * inner + i;
            float best = p[0];
            int64_t arg = 0;
            for (int64_t k = 1; k < n; k++) {
                float v = p[k * inner];
                if (best != best) break;
                if (v > best || v != v) { best = v; arg = k; }
            }
            out[o * inner + i] = best;
            if (idx) idx[o * inner + i] = arg;
        }
    }
}

FIA_VECTORISED
void fia_broadcast_axis(const float *gy, float *gx, int64_t outer, int64_t n, int64_t inner, float scale) {
    for (int64_t o = 0; o < outer; o++)
        for (int64_t k = 0; k < n; k++) {
            const float *src = gy + o * inner;
            float *dst = gx + (o * n + k) * inner;
            for (int64_t i = 0; i < inner; i++) dst[i] = src[i] * scale;
        }
}

FIA_VECTORISED
void fia_column_sums_accumulate(const float *x, int64_t rows, int64_t n, int64_t ld, float *out) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * ld;
        for (int64_t j = 0; j < n; j++) out[j] += row[j];
    }
}
