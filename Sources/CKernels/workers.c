#define _GNU_SOURCE
#include "workers.h"
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { MAX_THREADS = 256, SPIN_NANOSECONDS = 200000 };
static const uint64_t CLOSED = 0xffffffffu;

// A job is published by writing fn/ctx/chunks, then opening `ticket` = gen << 32 | 0 and bumping `gen`.
// Workers claim chunk indices by compare-and-swap on `ticket`, which carries the generation, so a worker
// that wakes late for a finished job can never claim an index of the next one; the caller closes the
// ticket (index CLOSED) before the next job's fields are written.
static struct {
    _Atomic int workers;
    _Atomic int started;             // worker threads created so far
    _Atomic int busy;                // a region is in flight
    _Atomic uint32_t gen;            // futex word: bumped once per job
    _Atomic uint64_t ticket;
    _Atomic long done;               // chunks finished in the current job
    _Atomic int sleepers;
    void (*fn)(void *, long);
    void *ctx;
    long chunks;
    pthread_mutex_t start_lock;
} pool = {.workers = 1, .start_lock = PTHREAD_MUTEX_INITIALIZER};

static pthread_once_t configured = PTHREAD_ONCE_INIT;

/// The default worker count: FIA_THREADS when set, else the cores this process may run on.
static void configure(void) {
    const char *env = getenv("FIA_THREADS");
    long n = env ? strtol(env, NULL, 10) : 0;
    if (n <= 0) {
        cpu_set_t set;
        n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : sysconf(_SC_NPROCESSORS_ONLN);
    }
    atomic_store(&pool.workers, n < 1 ? 1 : (n > MAX_THREADS ? MAX_THREADS : (int)n));
}

static _Thread_local int in_region = 0;

static long futex(_Atomic uint32_t *word, int op, uint32_t value) {
    return syscall(SYS_futex, (uint32_t *)word, op | FUTEX_PRIVATE_FLAG, value, NULL, NULL, 0);
}

static uint64_t nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static inline void relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
}

/// Claims and runs chunks of job `g` until none is left (or the job is no longer `g`).
static void work(uint32_t g, void (*fn)(void *, long), void *ctx, long chunks) {
    for (;;) {
        uint64_t t = atomic_load_explicit(&pool.ticket, memory_order_acquire);
        if ((uint32_t)(t >> 32) != g) return;
        long index = (long)(t & 0xffffffffu);
        if (index >= chunks) return;
        if (!atomic_compare_exchange_weak_explicit(&pool.ticket, &t, t + 1, memory_order_acq_rel, memory_order_relaxed))
            continue;
        fn(ctx, index);
        atomic_fetch_add_explicit(&pool.done, 1, memory_order_release);
    }
}

static void *worker_main(void *unused) {
    (void)unused;
    in_region = 1;   // anything a worker calls runs serially
    uint32_t seen = atomic_load(&pool.gen);
    for (;;) {
        uint32_t g;
        uint64_t spin_start = 0;
        unsigned spins = 0;
        while ((g = atomic_load_explicit(&pool.gen, memory_order_acquire)) == seen) {
            relax();
            if ((++spins & 63) != 0) continue;
            uint64_t now = nanoseconds();
            if (spin_start == 0) { spin_start = now; continue; }
            if (now - spin_start < SPIN_NANOSECONDS) continue;
            atomic_fetch_add(&pool.sleepers, 1);
            futex(&pool.gen, FUTEX_WAIT, seen);   // returns at once if gen already moved
            atomic_fetch_sub(&pool.sleepers, 1);
            spin_start = 0;
        }
        seen = g;
        work(g, pool.fn, pool.ctx, pool.chunks);
    }
    return NULL;
}

static void start_threads(int wanted) {
    pthread_mutex_lock(&pool.start_lock);
    int started = atomic_load(&pool.started);
    for (; started < wanted && started < MAX_THREADS; started++) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attr, worker_main, NULL);
        pthread_attr_destroy(&attr);
        if (failed) break;
    }
    atomic_store(&pool.started, started);
    pthread_mutex_unlock(&pool.start_lock);
}

void fia_workers_set(int workers) {
    pthread_once(&configured, configure);
    atomic_store(&pool.workers, workers < 1 ? 1 : (workers > MAX_THREADS ? MAX_THREADS : workers));
}
int fia_workers(void) {
    pthread_once(&configured, configure);
    return atomic_load(&pool.workers);
}
int fia_in_parallel_region(void) { return in_region; }

void fia_parallel_for(long chunks, void (*fn)(void *, long), void *ctx) {
    int expected = 0;
    if (chunks <= 1 || fia_workers() <= 1 || in_region || chunks > (long)CLOSED - 1 ||
        !atomic_compare_exchange_strong(&pool.busy, &expected, 1)) {
        // Serially, but still as a region: what the chunks call must not depend on whether the pool happened
        // to be free (a GEMM splits only outside regions, and a split can round differently from one call
        // when OpenBLAS picks another kernel for the smaller blocks), or results would depend on timing.
        int outer = in_region;
        in_region = chunks > 1 || outer;
        for (long c = 0; c < chunks; c++) fn(ctx, c);
        in_region = outer;
        return;
    }
    int helpers = atomic_load(&pool.workers) - 1;
    if (atomic_load(&pool.started) < helpers) start_threads(helpers);
    in_region = 1;
    pool.fn = fn;
    pool.ctx = ctx;
    pool.chunks = chunks;
    atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
    uint32_t g = atomic_load(&pool.gen) + 1;
    atomic_store_explicit(&pool.ticket, (uint64_t)g << 32, memory_order_release);
    atomic_store(&pool.gen, g);   // seq_cst: ordered before the sleepers check below
    if (atomic_load(&pool.sleepers) > 0) futex(&pool.gen, FUTEX_WAKE, INT_MAX);
    work(g, fn, ctx, chunks);
    while (atomic_load_explicit(&pool.done, memory_order_acquire) < chunks) relax();
    atomic_store_explicit(&pool.ticket, ((uint64_t)g << 32) | CLOSED, memory_order_release);
    in_region = 0;
    atomic_store_explicit(&pool.busy, 0, memory_order_release);
}
