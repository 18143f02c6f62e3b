#include "threadlocal.h"

static _Thread_local int grad_disabled = 0;   // zero-initialised means "enabled" on every new thread
static _Thread_local void *context = 0;

int fia_tls_grad_enabled(void) { return !grad_disabled; }
void fia_tls_set_grad_enabled(int enabled) { grad_disabled = !enabled; }
void *fia_tls_context(void) { return context; }
void fia_tls_set_context(void *c) { context = c; }
