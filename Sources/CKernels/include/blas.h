#ifndef FIA_BLAS_H
#define FIA_BLAS_H
// OpenBLAS, loaded at run time. OpenBLAS picks its kernels in a library constructor, before main; on
// CPUs newer than its release (0.3.21 on this machine's Sapphire/Emerald Rapids) it falls back to the
// 2004-era Prescott kernels and runs ~10x slower. Loading it ourselves lets us name the kernel family
// from the CPU's features first (only when the user has not set OPENBLAS_CORETYPE).

/// Row-major single-precision GEMM, C = alpha·op(A)·op(B) + beta·C (the cblas_sgemm contract).
void fia_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
               int ldb, float beta, float *c, int ldc);
/// OpenBLAS's worker count (set before the first GEMM, or any time).
void fia_blas_set_threads(int threads);
int fia_blas_threads(void);
/// The kernel family OpenBLAS runs ("SkylakeX", "Haswell", …), or an error message if it did not load.
const char *fia_blas_core(void);
#endif
