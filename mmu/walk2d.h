/* The two-dimensional walk of AMD nested paging, in software: a guest
 * virtual address through the guest's tables (whose guest-physical
 * addresses are themselves translated through the NPT), then the final
 * guest-physical address through the NPT. Tells a guest page fault (the
 * guest handles it) from a nested page fault (#VMEXIT(NPF), the
 * hypervisor's), with the error codes the hardware would report.
 *
 * Following AMD APM vol. 2 §15.25: every nested access is a user access;
 * reads and A/D updates of guest page tables count as user writes; the
 * nested walk uses the host's EFER.NXE and MAXPHYADDR (host mode). A
 * nested fault reports EXITINFO1 = the nested walk's error code plus
 * MMU_NPF_TABLE (translating a guest table) or MMU_NPF_FINAL, and
 * EXITINFO2 = the guest-physical address being translated. Guest A/D
 * bits are set once the guest walk itself succeeds (before the final
 * nested translation), as on hardware. Freestanding. */
#ifndef MMU_WALK2D_H
#define MMU_WALK2D_H

#include <stdint.h>

#include "mmu/mode.h"
#include "mmu/ops.h"
#include "mmu/walk.h"

enum mmu_2d_status {
	MMU_2D_OK = 0,
	MMU_2D_GUEST_PF = 1,		/* inject #PF(error_code) into the guest */
	MMU_2D_NPF = 2,			/* nested fault: exitinfo1/exitinfo2 */
	MMU_2D_NONCANONICAL = 3,	/* #GP in the guest */
};

struct mmu_2d_result {
	uint64_t maddr;		/* OK: machine address */
	uint64_t gpa;		/* OK, or NPF on the final address: its guest-physical address */
	uint32_t error_code;	/* GUEST_PF */
	uint64_t exitinfo1;	/* NPF */
	uint64_t exitinfo2;	/* NPF */
	struct mmu_walk guest;	/* the guest walk as far as it got */
	struct mmu_walk nested;	/* the last nested walk */
};

/* Translate va as the guest (mode `guest`, CR3 `guest_cr3`) under the NPT
 * rooted at ncr3, reached through ops->map. flags: MMU_WALK_SET_AD
 * updates A/D in both dimensions. Returns an enum mmu_2d_status, -EINVAL
 * for bad arguments, -EFAULT if the NPT names a frame ops->map refuses. */
int mmu_walk_2d(const struct mmu_mode *guest, uint64_t guest_cr3,
		const struct mmu_mode *host, uint64_t ncr3, const struct mmu_ops *ops,
		uint64_t va, unsigned int access, unsigned int flags,
		struct mmu_2d_result *r);

#endif
