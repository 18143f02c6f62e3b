#include "optim.h"
#include <math.h>

// No FMA contraction: the AVX2 clone and the generic one must give the same bits.
#pragma STDC FP_CONTRACT OFF

FIA_VECTORISED
void fia_adamw_step(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, size_t n,
                    float beta1, float beta2, float eps, float decay, float step_size, float bc2_sqrt) {
    const float one_minus_b1 = 1.0f - beta1, one_minus_b2 = 1.0f - beta2;
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        float pi = p[i] * decay;
        float mi = beta1 * m[i] + one_minus_b1 * gi;
        float vi = beta2 * v[i] + one_minus_b2 * gi * gi;
        float denom = sqrtf(vi) / bc2_sqrt + eps;
        m[i] = mi;
        v[i] = vi;
        p[i] = pi - step_size * (mi / denom);
    }
}

FIA_VECTORISED
void fia_sgd_step(float *restrict p, const float *restrict g, float *restrict buf, size_t n, float lr, float momentum,
                  float dampening, float weight_decay, int nesterov, int first) {
    const float keep = 1.0f - dampening;
    for (size_t i = 0; i < n; i++) {
        float d = g[i];
        if (weight_decay != 0.0f) d += weight_decay * p[i];
        if (momentum != 0.0f) {
            float b = first ? d : momentum * buf[i] + keep * d;
            buf[i] = b;
            d = nesterov ? d + momentum * b : b;
        }
        p[i] -= lr * d;
    }
}

FIA_VECTORISED
void fia_scale_inplace(float *restrict g, size_t n, float s) {
    for (size_t i = 0; i < n; i++) g[i] *= s;
}
