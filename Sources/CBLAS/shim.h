#include <cblas.h>
// OpenBLAS extensions used to own the thread count (one threading owner at a time: see ENGINE-NOTES.md).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
