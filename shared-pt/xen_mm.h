/* Xen-compatible memory-management hypercall arguments, as shared-pt
 * consumes them: struct mmu_update (HYPERVISOR_mmu_update) and struct
 * mmuext_op (HYPERVISOR_mmuext_op). Numbers and layouts are Xen's
 * (xen/include/public/xen.h); the names carry an spt_ prefix so that this
 * header can sit beside hypervisor/include/public/xen.h, where the guest
 * ABI proper belongs. A guest's array can be passed here unchanged: the
 * layouts are checked below. Freestanding. */
#ifndef SHARED_PT_XEN_MM_H
#define SHARED_PT_XEN_MM_H

#include <stddef.h>
#include <stdint.h>

/* mmu_update: ptr[2:0] selects the command, the rest is a machine address. */
#define SPT_MMU_CMD_MASK		7ULL
#define SPT_MMU_NORMAL_PT_UPDATE	0	/* validated *ptr = val */
#define SPT_MMU_MACHPHYS_UPDATE		1	/* m2p[ptr >> 12] = val */
#define SPT_MMU_PT_UPDATE_PRESERVE_AD	2	/* as NORMAL, keep A/D of *ptr */
#define SPT_MMU_PT_UPDATE_NO_TRANSLATE	3	/* as NORMAL for a PV guest */

#define SPT_MMUEXT_PIN_L1_TABLE		0
#define SPT_MMUEXT_PIN_L2_TABLE		1
#define SPT_MMUEXT_PIN_L3_TABLE		2
#define SPT_MMUEXT_PIN_L4_TABLE		3
#define SPT_MMUEXT_UNPIN_TABLE		4
#define SPT_MMUEXT_NEW_BASEPTR		5
#define SPT_MMUEXT_TLB_FLUSH_LOCAL	6
#define SPT_MMUEXT_INVLPG_LOCAL		7
#define SPT_MMUEXT_TLB_FLUSH_MULTI	8
#define SPT_MMUEXT_INVLPG_MULTI		9
#define SPT_MMUEXT_TLB_FLUSH_ALL	10
#define SPT_MMUEXT_INVLPG_ALL		11
#define SPT_MMUEXT_FLUSH_CACHE		12
#define SPT_MMUEXT_SET_LDT		13
#define SPT_MMUEXT_NEW_USER_BASEPTR	15
#define SPT_MMUEXT_CLEAR_PAGE		16
#define SPT_MMUEXT_COPY_PAGE		17
#define SPT_MMUEXT_FLUSH_CACHE_GLOBAL	18
#define SPT_MMUEXT_MARK_SUPER		19
#define SPT_MMUEXT_UNMARK_SUPER		20

/* Xen's reserved domain ids that name owners of frames. */
#define SPT_DOMID_FIRST_RESERVED	0x7FF0
#define SPT_DOMID_XEN			0x7FF2	/* hypervisor pages */
#define SPT_DOMID_INVALID		0x7FF4	/* nobody */

struct spt_mmu_update {
	uint64_t ptr;	/* machine address of the entry | SPT_MMU_* */
	uint64_t val;	/* new contents */
};

struct spt_mmuext_op {
	uint32_t cmd;	/* SPT_MMUEXT_* */
	union {
		uint64_t mfn;		/* pin, unpin, new baseptr */
		uint64_t linear_addr;	/* invlpg */
	} arg1;
	union {
		uint32_t nr_ents;	/* set_ldt */
		uint64_t vcpumask;	/* guest address of a vCPU bitmap */
		uint64_t src_mfn;	/* copy_page */
	} arg2;
};

_Static_assert(sizeof(struct spt_mmu_update) == 16, "mmu_update layout");
_Static_assert(sizeof(struct spt_mmuext_op) == 24, "mmuext_op layout");
_Static_assert(offsetof(struct spt_mmuext_op, arg1) == 8, "mmuext_op.arg1");
_Static_assert(offsetof(struct spt_mmuext_op, arg2) == 16, "mmuext_op.arg2");

#endif
