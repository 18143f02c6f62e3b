#include "pool.h"

// Output columns [*lo, *hi) whose input column ow·stride + off lies inside [0, W).
static inline void valid_range(int64_t off, int64_t stride, int64_t W, int64_t Wout, int64_t *lo, int64_t *hi) {
    int64_t a = off >= 0 ? 0 : (-off + stride - 1) / stride;
    int64_t b = (W - 1 - off) < 0 ? 0 : (W - 1 - off) / stride + 1;
    if (a > Wout) a = Wout;
    if (b > Wout) b = Wout;
    if (b < a) b = a;
    *lo = a; *hi = b;
}

// Row-at-a-time: each window tap (i, j) updates a whole output row, so the inner loop runs over ow and
// vectorises; visiting taps in row-major order keeps PyTorch's first-maximum tie rule.
static inline float max_nan(float m, float v) { return (v > m || v != v) ? v : m; }

FIA_VECTORISED
void fia_maxpool2d(fia_pool_geometry g, const float *x, float *y, ptrdiff_t p0, ptrdiff_t p1) {
    int64_t H = g.h, W = g.w, k = g.k, stride = g.stride, pad = g.pad, Hout = g.hout, Wout = g.wout;
    if (k == 2 && stride == 2 && pad == 0) {   // the common 2×2 downsampling: one pass over two input rows
        for (int64_t p = p0; p < p1; p++) {
            const float *xp = x + p * H * W;
            float *yp = y + p * Hout * Wout;
            for (int64_t oh = 0; oh < Hout; oh++) {
                const float *a = xp + 2 * oh * W, *b = a + W;
                float *dst = yp + oh * Wout;
                for (int64_t ow = 0; ow < Wout; ow++)
                    dst[ow] = max_nan(max_nan(max_nan(a[2 * ow], a[2 * ow + 1]), b[2 * ow]), b[2 * ow + 1]);
            }
        }
        return;
    }
    for (int64_t p = p0; p < p1; p++) {
        const float *xp = x + p * H * W;
        float *yp = y + p * Hout * Wout;
        for (int64_t oh = 0; oh < Hout; oh++) {
            float *dst = yp + oh * Wout;
            for (int64_t ow = 0; ow < Wout; ow++) dst[ow] = -__builtin_inff();
            for (int64_t i = 0; i < k; i++) {
                int64_t ih = oh * stride - pad + i;
                if (ih < 0 || ih >= H) continue;
                for (int64_t j = 0; j < k; j++) {
                    int64_t off = j - pad, lo, hi;
                    valid_range(off, stride, W, Wout, &lo, &hi);
                    const float *src = xp + ih * W + off;
                    if (stride == 1) { for (int64_t ow = lo; ow < hi; ow++) dst[ow] = max_nan(dst[ow], src[ow]); }
                    else if (stride == 2) { for (int64_t ow = lo; ow < hi; ow++) dst[ow] = max_nan(dst[ow], src[2 * ow]); }
                    else { for (int64_t ow = lo; ow < hi; ow++) dst[ow] = max_nan(dst[ow], src[ow * stride]); }
                }
            }
        }
    }
}

FIA_VECTORISED
void fia_maxpool2d_backward(fia_pool_geometry g, const float *x, const float *y, const float *gy, float *gx,
                            ptrdiff_t p0, ptrdiff_t p1) {
    int64_t H = g.h, W = g.w, k = g.k, stride = g.stride, pad = g.pad, Hout = g.hout, Wout = g.wout;
    if (k == 2 && stride == 2 && pad == 0) {   // disjoint windows: set all four cells (caller zeroed the rest)
        // The first cell equal to the window's maximum y gets the gradient (a NaN maximum sends it to the last).
        for (int64_t p = p0; p < p1; p++) {
            const float *xp = x + p * H * W, *gp = gy + p * Hout * Wout, *yp = y + p * Hout * Wout;
            float *gxp = gx + p * H * W;
            for (int64_t oh = 0; oh < Hout; oh++) {
                const float *a = xp + 2 * oh * W, *b = a + W, *grow = gp + oh * Wout, *m = yp + oh * Wout;
                float *ga = gxp + 2 * oh * W, *gb = ga + W;
                for (int64_t ow = 0; ow < Wout; ow++) {
                    float mv = m[ow], gv = grow[ow];
                    int e0 = a[2 * ow] == mv, e1 = a[2 * ow + 1] == mv, e2 = b[2 * ow] == mv;
                    ga[2 * ow] = e0 ? gv : 0.0f;
                    ga[2 * ow + 1] = ((!e0) & e1) ? gv : 0.0f;
                    gb[2 * ow] = (!e0 & !e1 & e2) ? gv : 0.0f;
                    gb[2 * ow + 1] = (!e0 & !e1 & !e2) ? gv : 0.0f;
                }
            }
        }
        return;
    }
    for (int64_t p = p0; p < p1; p++) {
        const float *xp = x + p * H * W, *gp = gy + p * Hout * Wout;
        float *gxp = gx + p * H * W;
        for (int64_t oh = 0; oh < Hout; oh++) {
            int64_t h0 = oh * stride - pad, h1 = h0 + k;
            if (h0 < 0) h0 = 0;
            if (h1 > H) h1 = H;
            for (int64_t ow = 0; ow < Wout; ow++) {
                int64_t w0 = ow * stride - pad, w1 = w0 + k;
                if (w0 < 0) w0 = 0;
                if (w1 > W) w1 = W;
                // Branch-free argmax (random data defeats the branch predictor): first maximum, NaN wins.
                int64_t arg = h0 * W + w0;
                float best = xp[arg];
                for (int64_t ih = h0; ih < h1; ih++)
                    for (int64_t iw = w0; iw < w1; iw++) {
                        float v = xp[ih * W + iw];
                        int better = (v > best) | (v != v);
                        best = better ? v : best;
                        arg = better ? ih * W + iw : arg;
                    }
                gxp[arg] += gp[oh * Wout + ow];
            }
        }
    }
}

FIA_VECTORISED
void fia_avgpool2d(fia_pool_geometry g, const float *x, float *y, ptrdiff_t p0, ptrdiff_t p1) {
    int64_t H = g.h, W = g.w, k = g.k, stride = g.stride, pad = g.pad, Hout = g.hout, Wout = g.wout;
    float scale = 1.0f / (float)(k * k);
    for (int64_t p = p0; p < p1; p++) {
        const float *xp = x + p * H * W;
        float *yp = y + p * Hout * Wout;
        for (int64_t oh = 0; oh < Hout; oh++) {
            float *dst = yp + oh * Wout;
            for (int64_t ow = 0; ow < Wout; ow++) dst[ow] = 0;
            for (int64_t i = 0; i < k; i++) {
                int64_t ih = oh * stride - pad + i;
                if (ih < 0 || ih >= H) continue;
                for (int64_t j = 0; j < k; j++) {
                    int64_t off = j - pad, lo, hi;
                    valid_range(off, stride, W, Wout, &lo, &hi);
                    const float *src = xp + ih * W + off;
                    if (stride == 1) { for (int64_t ow = lo; ow < hi; ow++) dst[ow] += src[ow]; }
                    else if (stride == 2) { for (int64_t ow = lo; ow < hi; ow++) dst[ow] += src[2 * ow]; }
                    else { for (int64_t ow = lo; ow < hi; ow++) dst[ow] += src[ow * stride]; }
                }
            }
            for (int64_t ow = 0; ow < Wout; ow++) dst[ow] *= scale;
        }
    }
}

FIA_VECTORISED
void fia_avgpool2d_backward(fia_pool_geometry g, const float *gy, float *gx, ptrdiff_t p0, ptrdiff_t p1) {
    int64_t H = g.h, W = g.w, k = g.k, stride = g.stride, pad = g.pad, Hout = g.hout, Wout = g.wout;
    float scale = 1.0f / (float)(k * k);
    for (int64_t p = p0; p < p1; p++) {
        const float *gp = gy + p * Hout * Wout;
        float *gxp = gx + p * H * W;
        for (int64_t t = 0; t < H * W; t++) gxp[t] = 0;
        for (int64_t oh = 0; oh < Hout; oh++) {
            const float *src = gp + oh * Wout;
            for (int64_t i = 0; i < k; i++) {
                int64_t ih = oh * stride - pad + i;
                if (ih < 0 || ih >= H) continue;
                for (int64_t j = 0; j < k; j++) {
                    int64_t off = j - pad, lo, hi;
                    valid_range(off, stride, W, Wout, &lo, &hi);
                    float *dst = gxp + ih * W + off;
                    if (stride == 1) { for (int64_t ow = lo; ow < hi; ow++) dst[ow] += scale * src[ow]; }
                    else { for (int64_t ow = lo; ow < hi; ow++) dst[ow * stride] += scale * src[ow]; }
                }
            }
        }
    }
}

static inline int64_t bin_start(int64_t i, int64_t in, int64_t out) { return (i * in) / out; }
static inline int64_t bin_end(int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; }

void fia_adaptive_avgpool2d(fia_pool_geometry g, const float *x, float *y, ptrdiff_t p0, ptrdiff_t p1) {
    int64_t H = g.h, W = g.w, Hout = g.hout, Wout = g.wout;
    for (int64_t p = p0; p < p1; p++) {
        const float *xp = x + p * H * W;
        float *yp = y + p * Hout * Wout;
        for (int64_t oh = 0; oh < Hout; oh++) {
            int64_t h0 = bin_start(oh, H, Hout), h1 = bin_end(oh, H, Hout);
            for (int64_t ow = 0; ow < Wout; ow++) {
                int64_t w0 = bin_start(ow, W, Wout), w1 = bin_end(ow, W, Wout);
                float s = 0;
                for (int64_t ih = h0; ih < h1; ih++)
                    for (int64_t iw = w0; iw < w1; iw++) s += xp[ih * W + iw];
                yp[oh * Wout + ow] = s / (float)((h1 - h0) * (w1 - w0));
            }
        }
    }
}

void fia_adaptive_avgpool2d_backward(fia_pool_geometry g, const float *gy, float *gx, ptrdiff_t p0, ptrdiff_t p1) {
    int64_t H = g.h, W = g.w, Hout = g.hout, Wout = g.wout;
    for (int64_t p = p0; p < p1; p++) {
        const float *gp = gy + p * Hout * Wout;
        float *gxp = gx + p * H * W;
        for (int64_t t = 0; t < H * W; t++) gxp[t] = 0;
        for (int64_t oh = 0; oh < Hout; oh++) {
            int64_t h0 = bin_start(oh, H, Hout), h1 = bin_end(oh, H, Hout);
            for (int64_t ow = 0; ow < Wout; ow++) {
                int64_t w0 = bin_start(ow, W, Wout), w1 = bin_end(ow, W, Wout);
                float share = gp[oh * Wout + ow] / (float)((h1 - h0) * (w1 - w0));
                for (int64_t ih = h0; ih < h1; ih++)
                    for (int64_t iw = w0; iw < w1; iw++) gxp[ih * W + iw] += share;
            }
        }
    }
}
