/*
 * dom0's memory size, given as Xen's dom0_mem= option
 * (hypervisor/common/dom0_mem.c):
 *
 *	dom0_mem=[min:<sz>,][max:<sz>,][<sz>]
 *
 * where <sz> is a size ("512M", KiB without a suffix), "-<size>" (all the
 * free memory but that much) or "<n>%" (that share of the free memory).
 * Without an amount dom0 gets a quarter of the free memory, at least
 * 256 MiB: unlike Xen, Umbra does not balloon dom0 down later, so the rest
 * is kept for the other domains. min: and max: then bound the amount.
 */
#ifndef UMBRA_DOM0_MEM_H
#define UMBRA_DOM0_MEM_H

#include <stdbool.h>
#include <stdint.h>

struct dom0_mem_spec {
	bool has_amount;
	enum { DOM0_MEM_BYTES, DOM0_MEM_ALL_BUT, DOM0_MEM_PERCENT } kind;
	uint64_t amount;		/* bytes, or a percentage */
	uint64_t min, max;		/* bytes; max 0: no bound */
};

/* Parse the option's value; 0, or -EINVAL with *spec unchanged. */
int dom0_mem_parse(const char *s, struct dom0_mem_spec *spec);

/* The size asked for, given `avail` bytes free, rounded down to 2 MiB.
 * It may exceed avail (the caller refuses it); 0 if "all but" takes
 * more than there is. */
uint64_t dom0_mem_size(const struct dom0_mem_spec *spec, uint64_t avail);

#endif
