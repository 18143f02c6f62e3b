#ifndef FIA_GATHER_H
#define FIA_GATHER_H
#include "fia_common.h"

#endif
