#ifndef UMBRA_SYMBOLS_H
#define UMBRA_SYMBOLS_H

#include <stdint.h>

/* Name of the hypervisor function containing addr, and addr's offset in
 * it; NULL if addr is outside the hypervisor's text. */
const char *symbol_lookup(uint64_t addr, uint64_t *offset);

#endif
