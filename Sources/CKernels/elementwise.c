#include "elementwise.h"
#include <math.h>

static inline float apply(fia_binary_op op, float x, float y) {
    switch (op) {
    case FIA_ADD: return x + y;
    case FIA_SUB: return x - y;
    case FIA_MUL: return x * y;
    case FIA_DIV: return x / y;
    case FIA_MAXIMUM: return x > y ? x : y;
    case FIA_MINIMUM: return x < y ? x : y;
    }
    return 0;
}

// Innermost runs, specialised on the stride pattern so the common cases vectorise.
#define INNER(OPEXPR)                                                                                  \
    if (as == 1 && bs == 1) { for (int64_t i = 0; i < n; i++) { float x = a[i], y = b[i]; out[i] = OPEXPR; } } \
    else if (as == 1 && bs == 0) { float y = b[0]; for (int64_t i = 0; i < n; i++) { float x = a[i]; out[i] = OPEXPR; } } \
    else if (as == 0 && bs == 1) { float x = a[0]; for (int64_t i = 0; i < n; i++) { float y = b[i]; out[i] = OPEXPR; } } \
    else { for (int64_t i = 0; i < n; i++) { float x = a[i * as], y = b[i * bs]; out[i] = OPEXPR; } }

FIA_VECTORISED
static void inner(fia_binary_op op, int64_t n, const float *a, int64_t as, const float *b, int64_t bs, float *out) {
    switch (op) {
    case FIA_ADD: INNER(x + y) break;
    case FIA_SUB: INNER(x - y) break;
    case FIA_MUL: INNER(x * y) break;
    case FIA_DIV: INNER(x / y) break;
    case FIA_MAXIMUM: INNER(x > y ? x : y) break;
    case FIA_MINIMUM: INNER(x < y ? x : y) break;
    }
}

static void walk_binary(fia_binary_op op, int d, int ndim, const int64_t *shape, const float *a, const int64_t *as,
                        const float *b, const int64_t *bs, float **out) {
    if (d == ndim - 1) {
        inner(op, shape[d], a, as[d], b, bs[d], *out);
        *out += shape[d];
        return;
    }
    for (int64_t i = 0; i < shape[d]; i++)
        walk_binary(op, d + 1, ndim, shape, a + i * as[d], as, b + i * bs[d], bs, out);
}

void fia_binary_strided(fia_binary_op op, int ndim, const int64_t *shape, const float *a, const int64_t *astride,
                        const float *b, const int64_t *bstride, float *out) {
    if (ndim == 0) { out[0] = apply(op, a[0], b[0]); return; }
    for (int d = 0; d < ndim; d++) if (shape[d] == 0) return;
    float *o = out;
    walk_binary(op, 0, ndim, shape, a, astride, b, bstride, &o);
}

FIA_VECTORISED
static void acc_inner(int64_t n, const float *src, float *dst, int64_t ds) {
    if (ds == 1) { for (int64_t i = 0; i < n; i++) dst[i] += src[i]; }
    else if (ds == 0) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int64_t i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += src[i]; s1 += src[i + 1]; s2 += src[i + 2]; s3 += src[i + 3];
            s4 += src[i + 4]; s5 += src[i + 5]; s6 += src[i + 6]; s7 += src[i + 7];
        }
        float s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        for (; i < n; i++) s += src[i];
        dst[0] += s;
    } else { for (int64_t i = 0; i < n; i++) dst[i * ds] += src[i]; }
}

static void walk_acc(int d, int ndim, const int64_t *shape, const float **src, float *dst, const int64_t *ds) {
    if (d == ndim - 1) { acc_inner(shape[d], *src, dst, ds[d]); *src += shape[d]; return; }
    for (int64_t i = 0; i < shape[d]; i++) walk_acc(d + 1, ndim, shape, src, dst + i * ds[d], ds);
}

void fia_accumulate_strided(int ndim, const int64_t *shape, const float *src, float *dst, const int64_t *dstride) {
    if (ndim == 0) { dst[0] += src[0]; return; }
    for (int d = 0; d < ndim; d++) if (shape[d] == 0) return;
    const float *s = src;
    walk_acc(0, ndim, shape, &s, dst, dstride);
}

FIA_VECTORISED
static void gather_inner(int64_t n, const float *src, int64_t ss, float *dst) {
    if (ss == 1) memcpy(dst, src, (size_t)n * sizeof(float));
    else if (ss == 0) { float v = src[0]; for (int64_t i = 0; i < n; i++) dst[i] = v; }
    else for (int64_t i = 0; i < n; i++) dst[i] = src[i * ss];
}

// The last two dimensions in one call: `rows` runs of n floats, rows `rs` apart in src. Short contiguous runs
// (a head's 16 or 32 features in attention permutes) are copied inline: a memcpy call per 64-byte run cost more
// than the copy (permute [256, 16, 3, 1, 32] → [3, 256, 1, 16, 32]: 12,288 runs).
FIA_VECTORISED
static void gather_2d(int64_t rows, int64_t n, const float *src, int64_t rs, int64_t ss, float *dst) {
    if (ss == 1 && n < 64) {
        for (int64_t r = 0; r < rows; r++) {
            const float *s = src + r * rs;
            float *d = dst + r * n;
            for (int64_t i = 0; i < n; i++) d[i] = s[i];
        }
        return;
    }
    for (int64_t r = 0; r < rows; r++) gather_inner(n, src + r * rs, ss, dst + r * n);
}

static void walk_gather(int d, int ndim, const int64_t *shape, const float *src, const int64_t *ss, float **dst) {
    if (d == ndim - 1) { gather_inner(shape[d], src, ss[d], *dst); *dst += shape[d]; return; }
    if (d == ndim - 2) { gather_2d(shape[d], shape[d + 1], src, ss[d], ss[d + 1], *dst); *dst += shape[d] * shape[d + 1]; return; }
    for (int64_t i = 0; i < shape[d]; i++) walk_gather(d + 1, ndim, shape, src + i * ss[d], ss, dst);
}

#if defined(__x86_64__)
#include <immintrin.h>
// One 8×8 block: dst[i·ldd + j] = src[i + j·lds] for i, j < 8, in registers (unpack/shuffle/permute).
__attribute__((target("avx2")))
static inline void transpose8x8(const float *src, int64_t lds, float *dst, int64_t ldd) {
    __m256 r0 = _mm256_loadu_ps(src + 0 * lds), r1 = _mm256_loadu_ps(src + 1 * lds), r2 = _mm256_loadu_ps(src + 2 * lds),
           r3 = _mm256_loadu_ps(src + 3 * lds), r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds),
           r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
           t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
           t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE), u2 = _mm256_shuffle_ps(t1, t3, 0x44),
           u3 = _mm256_shuffle_ps(t1, t3, 0xEE), u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
           u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst + 0 * ldd, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + 1 * ldd, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(u3, u7, 0x31));
}

__attribute__((target("avx2")))
static void transpose_tiles_avx2(const float *src, int64_t lds, float *dst, int64_t ldd, int64_t rows, int64_t cols) {
    int64_t i8 = rows & ~(int64_t)7, j8 = cols & ~(int64_t)7;
    for (int64_t i = 0; i < i8; i += 8)           // along dst's rows: its lines fill whole before moving on
        for (int64_t j = 0; j < j8; j += 8) transpose8x8(src + i + j * lds, lds, dst + i * ldd + j, ldd);
    for (int64_t i = 0; i < rows; i++)            // ragged edges
        for (int64_t j = (i < i8 ? j8 : 0); j < cols; j++) dst[i * ldd + j] = src[i + j * lds];
}
#endif

// dst[i·ldd + j] = src[i + j·lds] for i < rows, j < cols: 8×8 blocks in AVX2 registers where the CPU has
// them (a scalar loop moves one float per load and store, and reads one per cache line of src).
static void transpose_tiles(const float *src, int64_t lds, float *dst, int64_t ldd, int64_t rows, int64_t cols) {
#if defined(__x86_64__)
    if (fia_has_avx2()) { transpose_tiles_avx2(src, lds, dst, ldd, rows, cols); return; }
#endif
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++) dst[i * ldd + j] = src[i + j * lds];
}

// Every dimension but `q` (source stride 1) and the last, in order; then one tile transpose per position.
static void walk_transpose(int d, int ndim, int q, const int64_t *shape, const float *src, const int64_t *ss,
                           const int64_t *ds, float *dst) {
    if (d == ndim - 1) { transpose_tiles(src, ss[ndim - 1], dst, ds[q], shape[q], shape[ndim - 1]); return; }
    if (d == q) { walk_transpose(d + 1, ndim, q, shape, src, ss, ds, dst); return; }
    for (int64_t i = 0; i < shape[d]; i++) walk_transpose(d + 1, ndim, q, shape, src + i * ss[d], ss, ds, dst + i * ds[d]);
}

void fia_gather_strided(int ndim, const int64_t *shape, const float *src, const int64_t *sstride, float *dst) {
    if (ndim == 0) { dst[0] = src[0]; return; }
    for (int d = 0; d < ndim; d++) if (shape[d] == 0) return;
    // A transpose (the source's unit-stride dimension is not the last of the output): tiles.
    if (ndim >= 2 && ndim <= 16 && sstride[ndim - 1] != 1 && shape[ndim - 1] >= 4) {
        int q = -1;
        for (int d = ndim - 2; d >= 0; d--) if (sstride[d] == 1 && shape[d] >= 4) { q = d; break; }
        if (q >= 0) {
            int64_t ds[16];
            ds[ndim - 1] = 1;
            for (int d = ndim - 2; d >= 0; d--) ds[d] = ds[d + 1] * shape[d + 1];
            walk_transpose(0, ndim, q, shape, src, sstride, ds, dst);
            return;
        }
    }
    float *o = dst;
    walk_gather(0, ndim, shape, src, sstride, &o);
}

void fia_scatter_add_strided(int ndim, const int64_t *shape, const float *src, float *dst, const int64_t *dstride) {
    fia_accumulate_strided(ndim, shape, src, dst, dstride);
}

FIA_VECTORISED void fia_fill(float *x, size_t n, float value) { for (size_t i = 0; i < n; i++) x[i] = value; }
void fia_copy(const float *x, float *y, size_t n) { if (n) memcpy(y, x, n * sizeof(float)); }
FIA_VECTORISED void fia_add_inplace(float *y, const float *x, size_t n) { for (size_t i = 0; i < n; i++) y[i] += x[i]; }
FIA_VECTORISED void fia_affine(const float *x, float *y, size_t n, float a, float b) {
    for (size_t i = 0; i < n; i++) y[i] = a * x[i] + b;
}
FIA_VECTORISED void fia_mul(const float *x, const float *s, float *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] * s[i];
}

FIA_VECTORISED void fia_masked_fill(const float *x, const float *mask, float *y, size_t n, float value) {
    for (size_t i = 0; i < n; i++) y[i] = mask[i] != 0.0f ? value : x[i];
}
FIA_VECTORISED void fia_masked_fill_backward(const float *mask, const float *gy, float *gx, size_t n) {
    for (size_t i = 0; i < n; i++) gx[i] = mask[i] != 0.0f ? 0.0f : gy[i];
}

FIA_VECTORISED double fia_sum_squares(const float *x, size_t n) {
    double total = 0;
    size_t i = 0;
    // Blocks of 4096 in float lanes keep the sum vectorised; blocks are added in double.
    while (i < n) {
        size_t end = i + 4096 < n ? i + 4096 : n;
        float s[8] = {0};
        size_t j = i;
        for (; j + 8 <= end; j += 8) for (int l = 0; l < 8; l++) s[l] += x[j + l] * x[j + l];
        double block = 0;
        for (int l = 0; l < 8; l++) block += s[l];
        for (; j < end; j++) block += (double)x[j] * x[j];
        total += block;
        i = end;
    }
    return total;
}

FIA_VECTORISED double fia_sum(const float *x, size_t n) {
    double total = 0;
    size_t i = 0;
    while (i < n) {
        size_t end = i + 4096 < n ? i + 4096 : n;
        float s[8] = {0};
        size_t j = i;
        for (; j + 8 <= end; j += 8) for (int l = 0; l < 8; l++) s[l] += x[j + l];
        double block = 0;
        for (int l = 0; l < 8; l++) block += s[l];
        for (; j < end; j++) block += x[j];
        total += block;
        i = end;
    }
    return total;
}
