#ifndef FIA_UNARY_H
#define FIA_UNARY_H
#include "fia_common.h"

// Elementwise maps, each as a pair: fia_<op>(x, y, n) writes y = f(x), and fia_<op>_backward(x, y, gy, gx, n)
// writes gx = gy·f'(x), reading x or the forward's output y = f(x), whichever the derivative is cheaper from
// (every backward takes both, so the engine drives all pairs alike). unary.c defines each pair side by side.

void fia_relu(const float *x, float *y, size_t n);
void fia_relu_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_exp(const float *x, float *y, size_t n);
void fia_exp_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_log(const float *x, float *y, size_t n);
void fia_log_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_sigmoid(const float *x, float *y, size_t n);
void fia_sigmoid_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_tanh(const float *x, float *y, size_t n);
void fia_tanh_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_gelu(const float *x, float *y, size_t n);
void fia_gelu_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_neg(const float *x, float *y, size_t n);
void fia_neg_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_sqrt(const float *x, float *y, size_t n);
void fia_sqrt_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_abs(const float *x, float *y, size_t n);
void fia_abs_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_hardsigmoid(const float *x, float *y, size_t n);
void fia_hardsigmoid_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_square(const float *x, float *y, size_t n);
void fia_square_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);
void fia_reciprocal(const float *x, float *y, size_t n);
void fia_reciprocal_backward(const float *x, const float *y, const float *gy, float *gx, size_t n);

/// y = x^p (x > 0 for non-integer p); backward gx = gy * p * x^(p-1).
void fia_pow_scalar(const float *x, float *y, size_t n, float p);
void fia_pow_scalar_backward(const float *x, const float *gy, float *gx, size_t n, float p);
/// y = clamp(x, lo, hi); backward passes gy where lo ≤ x ≤ hi (at the bounds too, like PyTorch).
void fia_clamp(const float *x, float *y, size_t n, float lo, float hi);
void fia_clamp_backward(const float *x, const float *gy, float *gx, size_t n, float lo, float hi);
#endif
