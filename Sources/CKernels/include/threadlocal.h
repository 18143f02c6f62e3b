#ifndef FIA_THREADLOCAL_H
#define FIA_THREADLOCAL_H
// Per-thread engine state (whether autograd records, the cost-accounting context). Kept in C because
// Swift has no cheap thread-local variables, and Swift Testing runs tests on many threads at once.
int fia_tls_grad_enabled(void);
void fia_tls_set_grad_enabled(int enabled);
void *fia_tls_context(void);
void fia_tls_set_context(void *context);
#endif
