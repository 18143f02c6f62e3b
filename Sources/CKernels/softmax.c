#include "softmax.h"

static inline float row_max(const float *x, int64_t n) {
    float m = -__builtin_inff();
    for (int64_t k = 0; k < n; k++) m = x[k] > m ? x[k] : m;
    return m;
}

FIA_VECTORISED
void fia_softmax_rows(const float *x, float *y, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        float m = row_max(xr, n);
        if (m == -__builtin_inff()) { for (int64_t k = 0; k < n; k++) yr[k] = 0; continue; }
        float s = 0;
        for (int64_t k = 0; k < n; k++) { float e = fia_expf(xr[k] - m); yr[k] = e; s += e; }
        float inv = 1.0f / s;
        for (int64_t k = 0; k < n; k++) yr[k] *= inv;
    }
}

FIA_VECTORISED
void fia_softmax_rows_backward(const float *y, const float *gy, float *gx, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        const float *yr = y + r * n, *gr = gy + r * n;
        float *out = gx + r * n;
        float dot = 0;
        for (int64_t k = 0; k < n; k++) dot += yr[k] * gr[k];
        for (int64_t k = 0; k < n; k++) out[k] = yr[k] * (gr[k] - dot);
    }
}

FIA_VECTORISED
void fia_log_softmax_rows(const float *x, float *y, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        float m = row_max(xr, n);
        if (m == -__builtin_inff()) { for (int64_t k = 0; k < n; k++) yr[k] = -__builtin_inff(); continue; }
        float s = 0;
        for (int64_t k = 0; k < n; k++) s += fia_expf(xr[k] - m);
        float lse = m + fia_logf(s);
        for (int64_t k = 0; k < n; k++) yr[k] = xr[k] - lse;
    }
}

FIA_VECTORISED
void fia_log_softmax_rows_backward(const float *y, const float *gy, float *gx, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        const float *yr = y + r * n, *gr = gy + r * n;
        float *out = gx + r * n;
        float s = 0;
        for (int64_t k = 0; k < n; k++) s += gr[k];
        for (int64_t k = 0; k < n; k++) out[k] = gr[k] - fia_expf(yr[k]) * s;
    }
}
