#define _GNU_SOURCE
#include "blas.h"
#include "workers.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*corename_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;
static set_threads_fn set_threads;
static get_threads_fn get_threads;
static corename_fn corename;
static char failure[512];

static void load(void) {
    if (!getenv("OPENBLAS_CORETYPE")) {
        __builtin_cpu_init();
        const char *core = NULL;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
            core = "SkylakeX";
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
            core = "Haswell";
        if (core) setenv("OPENBLAS_CORETYPE", core, 0);
    }
    const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp-r0.3.21.so"};
    void *lib = NULL;
    for (unsigned i = 0; i < sizeof names / sizeof *names && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        snprintf(failure, sizeof failure, "OpenBLAS could not be loaded (%s): install libopenblas-dev (apt-get install -y libopenblas-dev)", dlerror());
        return;
    }
    sgemm = (sgemm_fn)dlsym(lib, "cblas_sgemm");
    set_threads = (set_threads_fn)dlsym(lib, "openblas_set_num_threads");
    get_threads = (get_threads_fn)dlsym(lib, "openblas_get_num_threads");
    corename = (corename_fn)dlsym(lib, "openblas_get_corename");
    if (!sgemm) snprintf(failure, sizeof failure, "the loaded BLAS library has no cblas_sgemm");
    // One threading owner: the engine's pool. At this model's skinny shapes (4096×32×96 and the like)
    // OpenBLAS's two-thread GEMM ran at 0.6–0.8× its one-thread speed here, and row halves on our pool at 1.5×.
    if (set_threads) set_threads(1);
}

static void ensure(void) {
    pthread_once(&once, load);
    if (!sgemm) {
        fprintf(stderr, "fiabench: %s\n", failure);
        abort();
    }
}

struct gemm_job {
    int trans_a, trans_b, m, n, k, lda, ldb, ldc, by_rows;
    long parts;
    float alpha, beta;
    const float *a, *b;
    float *c;
};

/// Block boundaries on multiples of 16 (the kernels' register-tile height), so no block gets a ragged tile
/// in the middle of C.
static int boundary(int total, long part, long parts) {
    long units = (total + 15) / 16;
    long at = units * part / parts * 16;
    return (int)(at < total ? at : total);
}

/// Rows (or columns) in the smallest of `parts` blocks of `total`.
static int smallest_block(int total, long parts) {
    int smallest = total;
    for (long p = 0; p < parts; p++) {
        int size = boundary(total, p + 1, parts) - boundary(total, p, parts);
        if (size < smallest) smallest = size;
    }
    return smallest;
}

static void gemm_part(void *ctx, long part) {
    const struct gemm_job *j = ctx;
    if (j->by_rows) {
        int lo = boundary(j->m, part, j->parts), hi = boundary(j->m, part + 1, j->parts);
        if (hi <= lo) return;
        const float *a = j->trans_a ? j->a + lo : j->a + (long)lo * j->lda;
        sgemm(ROW_MAJOR, j->trans_a ? TRANS : NO_TRANS, j->trans_b ? TRANS : NO_TRANS, hi - lo, j->n, j->k, j->alpha, a, j->lda,
              j->b, j->ldb, j->beta, j->c + (long)lo * j->ldc, j->ldc);
    } else {
        int lo = boundary(j->n, part, j->parts), hi = boundary(j->n, part + 1, j->parts);
        if (hi <= lo) return;
        const float *b = j->trans_b ? j->b + (long)lo * j->ldb : j->b + lo;
        sgemm(ROW_MAJOR, j->trans_a ? TRANS : NO_TRANS, j->trans_b ? TRANS : NO_TRANS, j->m, hi - lo, j->k, j->alpha, j->a, j->lda,
              b, j->ldb, j->beta, j->c + lo, j->ldc);
    }
}

void fia_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
               int ldb, float beta, float *c, int ldc) {
    ensure();
    int workers = fia_workers();
    double macs = (double)m * n * k;
    if (workers > 1 && macs >= 2.0 * FIA_GEMM_SPLIT_MACS) {
        // Split the longer side of C into blocks of at least two 16-wide tiles and FIA_GEMM_SPLIT_MACS
        // multiply-adds each. At or below 100³ = 10⁶ multiply-adds OpenBLAS may switch to its small-matrix
        // kernels (sgemm_small_kernel_permit_skylakex.c), which round differently; 2^20 keeps blocks above
        // that. Whether the blocks then equal one call to the last bit depends on the kernels OpenBLAS
        // picked: with SkylakeX kernels (Intel, AVX-512) they did in 26,000 random shapes, with Haswell
        // kernels on AMD Zen 3 they differ in the last bits. So the blocks are the same wherever the call is
        // made: inside a parallel region (or with the pool busy) they run one after another on this thread,
        // and a GEMM's result depends only on its shape and the worker count, never on its caller.
        int by_rows = m >= n;
        int side = by_rows ? m : n;
        double per_unit = macs / side;   // multiply-adds per row (or column) of C
        long parts = workers;
        if ((side + 15) / 16 < 2 * parts) parts = (side + 15) / 16 / 2;
        while (parts >= 2 && smallest_block(side, parts) * per_unit < FIA_GEMM_SPLIT_MACS) parts--;
        if (parts >= 2) {
            struct gemm_job job = {trans_a, trans_b, m, n, k, lda, ldb, ldc, by_rows, parts, alpha, beta, a, b, c};
            fia_parallel_for(parts, gemm_part, &job);
            return;
        }
    }
    sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void fia_sgemm_openblas(int threads, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                        const float *b, int ldb, float beta, float *c, int ldc) {
    ensure();
    if (set_threads) set_threads(threads);
    sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (set_threads) set_threads(1);
}

int fia_blas_threads(void) { ensure(); return get_threads ? get_threads() : 1; }
const char *fia_blas_core(void) {
    pthread_once(&once, load);
    if (!sgemm) return failure;
    return corename ? corename() : "unknown";
}
