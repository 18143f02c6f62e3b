#ifndef FIA_WORKERS_H
#define FIA_WORKERS_H
// The engine's one thread pool. It owns every core: OpenBLAS is held at one thread and large GEMMs are
// split here instead (ENGINE-NOTES: at this model's skinny shapes OpenBLAS's own threading is slower
// than one thread), and the Swift `Parallel` helpers run their chunks on it.
//
// Workers spin briefly after a job (a training step issues thousands of short parallel regions, and a
// futex wake-up costs more than most of them) and then sleep. One region runs at a time: a call made
// while another is in flight — from a worker, from inside a region, or from another thread — runs its
// chunks serially on the calling thread, so nesting is always safe and never oversubscribes the cores.

/// Number of threads (the caller included) a region may use; 1 turns the pool off. Default: FIA_THREADS,
/// else the number of cores this process may run on.
void fia_workers_set(int workers);
int fia_workers(void);

/// Calls `fn(ctx, chunk)` for every chunk in 0..<chunks, on the pool when it is free, and returns when
/// all have finished. Which thread runs which chunk is not fixed; chunk boundaries are the caller's.
void fia_parallel_for(long chunks, void (*fn)(void *ctx, long chunk), void *ctx);

/// Whether the calling thread is inside a region (as its caller or a worker).
int fia_in_parallel_region(void);
#endif
