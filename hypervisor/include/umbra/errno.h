/* The hypervisor's name for the error numbers of base/errno.h (the guest
 * ABI's values, so an error crosses to a guest unchanged). */
#ifndef UMBRA_ERRNO_H
#define UMBRA_ERRNO_H

#include "base/errno.h"

#endif
