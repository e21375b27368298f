/* The hypervisor's name for the freestanding string routines, which live
 * in base/ with mmu/ and shared-pt/. */
#ifndef UMBRA_STRING_H
#define UMBRA_STRING_H

#include "base/string.h"

#endif
