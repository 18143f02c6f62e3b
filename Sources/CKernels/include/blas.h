#ifndef FIA_BLAS_H
#define FIA_BLAS_H
// OpenBLAS, loaded at run time. OpenBLAS picks its kernels in a library constructor, before main; on
// CPUs newer than its release (0.3.21 on this machine's Sapphire/Emerald Rapids) it falls back to the
// 2004-era Prescott kernels and runs ~10x slower. Loading it ourselves lets us name the kernel family
// from the CPU's features first (only when the user has not set OPENBLAS_CORETYPE).

/// Row-major single-precision GEMM, C = alpha·op(A)·op(B) + beta·C (the cblas_sgemm contract). OpenBLAS runs
/// single-threaded; outside a parallel region a large product is split into row (or column) blocks of C, one
/// per worker of the engine's pool (workers.h), each of at least FIA_GEMM_SPLIT_MACS multiply-adds — large
/// enough that OpenBLAS uses the same kernels as for the whole product, so the result is bit-identical to
/// one call whatever the thread count.
void fia_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
               int ldb, float beta, float *c, int ldc);
/// The same product straight through OpenBLAS with its own threading at `threads` threads — the reference
/// the benchmarks compare against; never used by the engine.
void fia_sgemm_openblas(int threads, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                        const float *b, int ldb, float beta, float *c, int ldc);
/// OpenBLAS's own thread count (1 whenever the engine calls it).
int fia_blas_threads(void);
/// The kernel family OpenBLAS runs ("SkylakeX", "Haswell", …), or an error message if it did not load.
const char *fia_blas_core(void);
enum { FIA_GEMM_SPLIT_MACS = 1 << 20 };
#endif
