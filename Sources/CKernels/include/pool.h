#ifndef FIA_POOL_H
#define FIA_POOL_H
#include "fia_common.h"

#endif
