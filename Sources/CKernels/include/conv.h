#ifndef FIA_CONV_H
#define FIA_CONV_H
#include "fia_common.h"

#endif
