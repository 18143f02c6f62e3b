#include "unary.h"
#include <math.h>

// Each map with its derivative, one pair per op. The loops stay plain so that they vectorise (FIA_VECTORISED
// gives them AVX-512 and AVX2+FMA clones); exp, log and erf are the vectorisable versions in fia_common.h.

// tanh through exp: tanh(x) = 1 - 2/(exp(2x)+1); saturates cleanly at ±1 for large |x|.
static inline float fia_tanhf(float x) { return 1.0f - 2.0f / (fia_expf(2.0f * x) + 1.0f); }
static inline float fia_sigmoidf(float x) { return 1.0f / (1.0f + fia_expf(-x)); }
// erf by Abramowitz & Stegun 7.1.26 refined (max abs error 1.5e-7), vectorisable, given e = exp(−x²).
static inline float fia_erff_given_exp(float x, float e) {
    float ax = x < 0 ? -x : x;
    float t = 1.0f / (1.0f + 0.3275911f * ax);
    float y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * e;
    return x < 0 ? -y : y;
}
static inline float fia_erff(float x) { return fia_erff_given_exp(x, fia_expf(-x * x)); }

#define FORWARD(name) FIA_VECTORISED void fia_##name(const float *x, float *y, size_t n)
#define BACKWARD(name) \
    FIA_VECTORISED void fia_##name##_backward(const float *x, const float *y, const float *gy, float *gx, size_t n)

// relu(x) = max(x, 0); relu' = 1 where x > 0, else 0.
FORWARD(relu) { for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0f; }
BACKWARD(relu) { for (size_t i = 0; i < n; i++) gx[i] = x[i] > 0 ? gy[i] : 0.0f; }

// exp' = exp = y.
FORWARD(exp) { for (size_t i = 0; i < n; i++) y[i] = fia_expf(x[i]); }
BACKWARD(exp) { for (size_t i = 0; i < n; i++) gx[i] = gy[i] * y[i]; }

// log' = 1/x.
FORWARD(log) { for (size_t i = 0; i < n; i++) y[i] = fia_logf(x[i]); }
BACKWARD(log) { for (size_t i = 0; i < n; i++) gx[i] = gy[i] / x[i]; }

// σ(x) = 1 / (1 + e^{−x}); σ' = σ·(1 − σ) = y·(1 − y).
FORWARD(sigmoid) { for (size_t i = 0; i < n; i++) y[i] = fia_sigmoidf(x[i]); }
BACKWARD(sigmoid) { for (size_t i = 0; i < n; i++) gx[i] = gy[i] * y[i] * (1.0f - y[i]); }

// tanh' = 1 − tanh² = 1 − y².
FORWARD(tanh) { for (size_t i = 0; i < n; i++) y[i] = fia_tanhf(x[i]); }
BACKWARD(tanh) { for (size_t i = 0; i < n; i++) gx[i] = gy[i] * (1.0f - y[i] * y[i]); }

// Exact GELU (PyTorch's default): x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)); GELU' = Φ(x) + x·φ(x).
FORWARD(gelu) { for (size_t i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + fia_erff(x[i] * 0.70710678118654752f)); }
BACKWARD(gelu) {
    for (size_t i = 0; i < n; i++) {   // one exp serves both: erf(v/√2) needs e^{−v²/2}, and so does φ(v)
        float v = x[i], u = v * 0.70710678118654752f, e = fia_expf(-u * u);
        float cdf = 0.5f * (1.0f + fia_erff_given_exp(u, e));
        float pdf = 0.39894228040143268f * e;
        gx[i] = gy[i] * (cdf + v * pdf);
    }
}

// (−x)' = −1.
FORWARD(neg) { for (size_t i = 0; i < n; i++) y[i] = -x[i]; }
BACKWARD(neg) { for (size_t i = 0; i < n; i++) gx[i] = -gy[i]; }

// √x' = 1 / (2√x) = 0.5 / y.
FORWARD(sqrt) { for (size_t i = 0; i < n; i++) y[i] = __builtin_sqrtf(x[i]); }
BACKWARD(sqrt) { for (size_t i = 0; i < n; i++) gx[i] = gy[i] * 0.5f / y[i]; }

// |x|' = sign(x), 0 at 0.
FORWARD(abs) { for (size_t i = 0; i < n; i++) y[i] = x[i] < 0 ? -x[i] : x[i]; }
BACKWARD(abs) { for (size_t i = 0; i < n; i++) gx[i] = x[i] > 0 ? gy[i] : (x[i] < 0 ? -gy[i] : 0.0f); }

// Hard sigmoid as PyTorch defines it: relu6(x + 3) / 6; derivative 1/6 on (−3, 3), else 0.
FORWARD(hardsigmoid) { for (size_t i = 0; i < n; i++) { float v = (x[i] + 3.0f) / 6.0f; y[i] = v < 0 ? 0 : (v > 1 ? 1 : v); } }
BACKWARD(hardsigmoid) { for (size_t i = 0; i < n; i++) gx[i] = (x[i] > -3.0f && x[i] < 3.0f) ? gy[i] / 6.0f : 0.0f; }

// (x²)' = 2x.
FORWARD(square) { for (size_t i = 0; i < n; i++) y[i] = x[i] * x[i]; }
BACKWARD(square) { for (size_t i = 0; i < n; i++) gx[i] = 2.0f * x[i] * gy[i]; }

// (1/x)' = −1/x² = −y².
FORWARD(reciprocal) { for (size_t i = 0; i < n; i++) y[i] = 1.0f / x[i]; }
BACKWARD(reciprocal) { for (size_t i = 0; i < n; i++) gx[i] = -gy[i] * y[i] * y[i]; }

// (x^p)' = p·x^(p−1).
void fia_pow_scalar(const float *x, float *y, size_t n, float p) { for (size_t i = 0; i < n; i++) y[i] = powf(x[i], p); }
void fia_pow_scalar_backward(const float *x, const float *gy, float *gx, size_t n, float p) {
    for (size_t i = 0; i < n; i++) gx[i] = gy[i] * p * powf(x[i], p - 1.0f);
}

// clamp' = 1 on [lo, hi], else 0.
FIA_VECTORISED void fia_clamp(const float *x, float *y, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; i++) { float v = x[i] < lo ? lo : x[i]; y[i] = v > hi ? hi : v; }
}
FIA_VECTORISED void fia_clamp_backward(const float *x, const float *gy, float *gx, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; i++) gx[i] = (x[i] >= lo && x[i] <= hi) ? gy[i] : 0.0f;
}
