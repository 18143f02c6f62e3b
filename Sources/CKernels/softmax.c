#include "softmax.h"

// Row reductions in eight lanes: a plain `s += x[k]` loop may not be reordered by the compiler (IEEE
// addition is not associative) and runs one element per add; lanes let the loops vectorise, which matters for
// attention's short rows (16–20 keys), where every pass is a reduction or next to one.
static inline float row_max(const float *x, int64_t n) {
    float m[8];
    for (int l = 0; l < 8; l++) m[l] = -__builtin_inff();
    int64_t k = 0;
    for (; k + 8 <= n; k += 8) for (int l = 0; l < 8; l++) m[l] = x[k + l] > m[l] ? x[k + l] : m[l];
    float r = -__builtin_inff();
    for (int l = 0; l < 8; l++) r = m[l] > r ? m[l] : r;
    for (; k < n; k++) r = x[k] > r ? x[k] : r;
    return r;
}

static inline float row_sum(const float *x, int64_t n) {
    float s[8] = {0};
    int64_t k = 0;
    for (; k + 8 <= n; k += 8) for (int l = 0; l < 8; l++) s[l] += x[k + l];
    float r = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; k < n; k++) r += x[k];
    return r;
}

static inline float row_dot(const float *x, const float *y, int64_t n) {
    float s[8] = {0};
    int64_t k = 0;
    for (; k + 8 <= n; k += 8) for (int l = 0; l < 8; l++) s[l] += x[k + l] * y[k + l];
    float r = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; k < n; k++) r += x[k] * y[k];
    return r;
}

FIA_VECTORISED
void fia_softmax_rows(const float *x, float *y, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        float m = row_max(xr, n);
        if (m == -__builtin_inff()) { for (int64_t k = 0; k < n; k++) yr[k] = 0; continue; }
        for (int64_t k = 0; k < n; k++) yr[k] = fia_expf(xr[k] - m);
        float inv = 1.0f / row_sum(yr, n);
        for (int64_t k = 0; k < n; k++) yr[k] *= inv;
    }
}

FIA_VECTORISED
void fia_softmax_rows_backward(const float *y, const float *gy, float *gx, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        const float *yr = y + r * n, *gr = gy + r * n;
        float *out = gx + r * n;
        float dot = row_dot(yr, gr, n);
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
