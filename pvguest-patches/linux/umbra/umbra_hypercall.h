/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one hypercall the driver makes, umbra_mgmt, with Umbra's VMMCALL
 * convention (Xen's HVM one): number in RAX, first argument in RDI,
 * result in RAX. A long command is continued inside the hypervisor,
 * which may rewrite the argument registers before it returns; only the
 * final RAX matters here.
 */
#ifndef UMBRA_HYPERCALL_H
#define UMBRA_HYPERCALL_H

#include "public/mgmt.h"

static inline long umbra_mgmt_hypercall(struct umbra_mgmt *req)
{
	long ret = __HYPERVISOR_umbra_mgmt;

	asm volatile("vmmcall"
		     : "+a" (ret), "+D" (req)
		     :
		     : "rsi", "rdx", "r10", "r8", "memory");
	return ret;
}

#endif
