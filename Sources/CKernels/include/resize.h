#ifndef FIA_RESIZE_H
#define FIA_RESIZE_H
#include "fia_common.h"

#endif
