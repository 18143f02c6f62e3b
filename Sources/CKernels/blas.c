#define _GNU_SOURCE
#include "blas.h"
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
}

static void ensure(void) {
    pthread_once(&once, load);
    if (!sgemm) {
        fprintf(stderr, "fiabench: %s\n", failure);
        abort();
    }
}

void fia_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
               int ldb, float beta, float *c, int ldc) {
    ensure();
    sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void fia_blas_set_threads(int threads) { ensure(); if (set_threads) set_threads(threads); }
int fia_blas_threads(void) { ensure(); return get_threads ? get_threads() : 1; }
const char *fia_blas_core(void) {
    pthread_once(&once, load);
    if (!sgemm) return failure;
    return corename ? corename() : "unknown";
}
