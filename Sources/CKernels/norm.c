#include "norm.h"
#include <math.h>

// Hot loops use explicit 8-float vectors (GCC/Clang vector extensions): one ymm register in the AVX2
// clone, two xmm in the default one. Left to itself the compiler only SLP-vectorised the 8-lane partial
// sums to 128 bits; reductions need independent lanes anyway (a single accumulator is a serial chain).
typedef float v8f __attribute__((vector_size(32), aligned(4), __may_alias__));

// Macros rather than functions: a v8f argument or result would change the ABI of the non-AVX clone.
#define load8(p) (*(const v8f *)(p))
#define hsum8(v) ((((v)[0] + (v)[1]) + ((v)[2] + (v)[3])) + (((v)[4] + (v)[5]) + ((v)[6] + (v)[7])))

static inline float row_sum(const float *x, int64_t n) {
    v8f a = {0}, b = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) { a += load8(x + i); b += load8(x + i + 8); }
    for (; i + 8 <= n; i += 8) a += load8(x + i);
    v8f ab = a + b;
    float t = hsum8(ab);
    for (; i < n; i++) t += x[i];
    return t;
}

static inline float row_centered_squares(const float *x, int64_t n, float m) {
    v8f a = {0}, b = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        v8f u = load8(x + i) - m, v = load8(x + i + 8) - m;
        a += u * u;
        b += v * v;
    }
    for (; i + 8 <= n; i += 8) { v8f u = load8(x + i) - m; a += u * u; }
    v8f ab = a + b;
    float t = hsum8(ab);
    for (; i < n; i++) { float v = x[i] - m; t += v * v; }
    return t;
}

FIA_VECTORISED
void fia_layer_norm(const float *x, const float *w, const float *b, float *y, float *mean, float *rstd,
                    int64_t rows, int64_t d, float eps) {
    if (d <= 0) return;
    const float inv_d = 1.0f / (float)d;
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * d;
        float *yr = y + r * d;
        // Two passes over a row that is already in L1: exact centring, no catastrophic cancellation.
        float m = row_sum(xr, d) * inv_d;
        float var = row_centered_squares(xr, d, m) * inv_d;
        float rs = 1.0f / sqrtf(var + eps);
        if (mean) mean[r] = m;
        if (rstd) rstd[r] = rs;
        if (w && b) for (int64_t i = 0; i < d; i++) yr[i] = (xr[i] - m) * rs * w[i] + b[i];
        else if (w) for (int64_t i = 0; i < d; i++) yr[i] = (xr[i] - m) * rs * w[i];
        else if (b) for (int64_t i = 0; i < d; i++) yr[i] = (xr[i] - m) * rs + b[i];
        else for (int64_t i = 0; i < d; i++) yr[i] = (xr[i] - m) * rs;
    }
}

FIA_VECTORISED
void fia_layer_norm_backward(const float *x, const float *w, const float *mean, const float *rstd, const float *gy,
                             float *gx, float *gw, float *gb, int64_t rows, int64_t d) {
    if (d <= 0) return;
    const float inv_d = 1.0f / (float)d;
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * d, *gr = gy + r * d;
        const float m = mean[r], rs = rstd[r];
        // One pass for the row sums Σ g, Σ g·(x − mean) (g = gy·w) and the weight/bias accumulators,
        // a second (from L1) for gx.
        v8f s1 = {0}, s2 = {0};
        int64_t i = 0;
        for (; i + 8 <= d; i += 8) {
            v8f gv = load8(gr + i), xc = load8(xr + i) - m;
            if (gw) *(v8f *)(gw + i) = load8(gw + i) + gv * xc * rs;
            if (gb) *(v8f *)(gb + i) = load8(gb + i) + gv;
            v8f g = w ? gv * load8(w + i) : gv;
            s1 += g;
            s2 += g * xc;
        }
        float sg = hsum8(s1), sgx = hsum8(s2);
        for (; i < d; i++) {
            float xc = xr[i] - m, g = gr[i] * (w ? w[i] : 1.0f);
            if (gw) gw[i] += gr[i] * xc * rs;
            if (gb) gb[i] += gr[i];
            sg += g;
            sgx += g * xc;
        }
        if (!gx) continue;
        const float a = sg * inv_d, c = sgx * rs * inv_d;   // mean(g), mean(g·x̂)
        float *out = gx + r * d;
        if (w) for (int64_t k = 0; k < d; k++) out[k] = rs * (gr[k] * w[k] - a - (xr[k] - m) * rs * c);
        else for (int64_t k = 0; k < d; k++) out[k] = rs * (gr[k] - a - (xr[k] - m) * rs * c);
    }
}

FIA_VECTORISED
void fia_row_moments(const float *x, int64_t rows, int64_t n, float *mean, float *m2) {
    if (n < 8) {   // short rows (2×2 maps): no vector set-up per row; the same sums (the vector parts add +0)
        for (int64_t r = 0; r < rows; r++) {
            const float *xr = x + r * n;
            float t = 0;
            for (int64_t i = 0; i < n; i++) t += xr[i];
            float m = n > 0 ? t / (float)n : 0.0f, q = 0;
            for (int64_t i = 0; i < n; i++) { float v = xr[i] - m; q += v * v; }
            mean[r] = m;
            m2[r] = q;
        }
        return;
    }
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float m = n > 0 ? row_sum(xr, n) / (float)n : 0.0f;
        mean[r] = m;
        m2[r] = row_centered_squares(xr, n, m);
    }
}

FIA_VECTORISED
void fia_row_affine(const float *x, const float *a, const float *c, float *y, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        const float ar = a[r], cr = c[r];
        for (int64_t i = 0; i < n; i++) yr[i] = ar * xr[i] + cr;
    }
}

FIA_VECTORISED
void fia_row_affine2(const float *gy, const float *x, const float *alpha, const float *beta, const float *gamma,
                     float *out, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        const float *gr = gy + r * n, *xr = x + r * n;
        float *o = out + r * n;
        const float a = alpha[r], b = beta[r], c = gamma[r];
        if (b == 0.0f && c == 0.0f) for (int64_t i = 0; i < n; i++) o[i] = a * gr[i];
        else for (int64_t i = 0; i < n; i++) o[i] = a * gr[i] + b * xr[i] + c;
    }
}

FIA_VECTORISED
void fia_row_grad_sums(const float *x, const float *gy, const float *center, int64_t rows, int64_t n,
                       float *sum_gy, float *sum_gy_xc) {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n, *gr = gy + r * n;
        const float m = center[r];
        v8f s1 = {0}, s2 = {0};
        int64_t i = 0;
        for (; i + 8 <= n; i += 8) { v8f g = load8(gr + i); s1 += g; s2 += g * (load8(xr + i) - m); }
        float a = hsum8(s1), b = hsum8(s2);
        for (; i < n; i++) { a += gr[i]; b += gr[i] * (xr[i] - m); }
        sum_gy[r] = a;
        sum_gy_xc[r] = b;
    }
}
