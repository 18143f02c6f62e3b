#ifndef FIA_NORM_H
#define FIA_NORM_H
#include "fia_common.h"

#endif
