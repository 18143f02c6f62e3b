#ifndef FIA_OPTIM_H
#define FIA_OPTIM_H
#include "fia_common.h"

#endif
