#ifndef FIA_COMMON_H
#define FIA_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(__linux__)
// x86-64-v4 (AVX-512) halves the time of the transcendental maps on this machine (exp 0.86 → 0.42, GELU
// 1.64 → 0.81 ns per element on one core). The v3 and v4 clones give the same bits: neither reassociates
// (no fast-math) and both contract the same multiply-adds into FMAs — checked on the unary maps and their
// gradients, softmax, layer norm, the norm row kernels and AdamW built both ways.
#define FIA_VECTORISED __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FIA_VECTORISED
#endif

#if defined(__x86_64__)
/// Whether the CPU has AVX2: the hand-written AVX2 paths (tile transposes, im2col gathers) check it once per
/// translation unit; FIA_VECTORISED functions are chosen by the loader instead.
static inline int fia_has_avx2(void) {
    static int known = -1;
    if (known < 0) known = __builtin_cpu_supports("avx2") ? 1 : 0;
    return known;
}
#endif

/// A vectorisable exp(x) for float32: Cody–Waite range reduction by ln 2 and a degree-6 polynomial,
/// relative error < 2e-7 on [-87, 88]. Returns exactly 0 below -87.3 (so -inf masks give 0), +inf above 88.7.
static inline float fia_expf(float x) {
    const float hi = 88.7f, lo = -87.3f;
    float xc = x > hi ? hi : (x < lo ? lo : x);
    float k = __builtin_floorf(xc * 1.44269504088896341f + 0.5f);
    float r = xc - k * 0.693359375f;
    r = r - k * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)k + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float y = p * scale;
    y = x < lo ? 0.0f : y;
    y = x > hi ? __builtin_inff() : y;
    return x != x ? x : y;
}

/// log(x) for x > 0 (vectorisable): frexp-style split and a minimax polynomial; log(0) = -inf.
static inline float fia_logf(float x) {
    int32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int32_t e = ((bits >> 23) & 0xff) - 127;
    int32_t mbits = (bits & 0x007fffff) | 0x3f800000;
    float m;
    memcpy(&m, &mbits, sizeof m);          // m in [1, 2)
    // map m to [sqrt(1/2), sqrt(2))
    int big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e = big ? e + 1 : e;
    float f = m - 1.0f;
    float s = f / (2.0f + f);
    float z = s * s;
    float w = z * z;
    float t1 = w * (0.40000972152f + w * 0.24279078841f);
    float t2 = z * (0.66666662693f + w * 0.28498786688f);
    float R = t2 + t1;
    float hfsq = 0.5f * f * f;
    float y = (float)e * 0.69314718056f + (f - (hfsq - s * (hfsq + R)));
    y = x == 0.0f ? -__builtin_inff() : y;
    y = x < 0.0f ? __builtin_nanf("") : y;
    y = x == __builtin_inff() ? x : y;
    return x != x ? x : y;
}
#endif
