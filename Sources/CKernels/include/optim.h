#ifndef FIA_OPTIM_H
#define FIA_OPTIM_H
#include "fia_common.h"

/// One AdamW step over n parameters in a single pass (the update of torch.optim.AdamW, amsgrad off):
///   p ← p·decay;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  p ← p − step_size · m / (√v / bc2_sqrt + eps)
/// where the caller passes decay = 1 − lr·wd, step_size = lr / (1 − β1ᵗ), bc2_sqrt = √(1 − β2ᵗ) (computed in double).
void fia_adamw_step(float *p, const float *g, float *m, float *v, size_t n, float beta1, float beta2, float eps,
                    float decay, float step_size, float bc2_sqrt);

/// One SGD step (torch.optim.SGD): d = g + wd·p; with momentum μ, buf ← d on the first step
/// (`first` ≠ 0) else buf ← μ·buf + (1 − dampening)·d, and d = nesterov ? d + μ·buf : buf; p ← p − lr·d.
/// `buf` may be NULL when μ = 0.
void fia_sgd_step(float *p, const float *g, float *buf, size_t n, float lr, float momentum, float dampening,
                  float weight_decay, int nesterov, int first);

/// g ← g·s (gradient clipping).
void fia_scale_inplace(float *g, size_t n, float s);
#endif
