// FIABench hot loops. Everything here works on contiguous float32 buffers and is compiled with -O3 in
// every build configuration; functions marked FIA_VECTORISED get AVX-512 and AVX2+FMA clones chosen at load
// time (GNU ifunc), so one binary runs everywhere and is fast where AVX2 or AVX-512 exists (see ENGINE-NOTES.md).
#ifndef FIA_CKERNELS_H
#define FIA_CKERNELS_H
#include <stddef.h>
#include <stdint.h>

#include "elementwise.h"
#include "unary.h"
#include "reduce.h"
#include "softmax.h"
#include "conv.h"
#include "pool.h"
#include "resize.h"
#include "norm.h"
#include "gather.h"
#include "optim.h"
#include "threadlocal.h"
#include "blas.h"
#include "workers.h"

#endif
