/* Fault-safe access to guest memory by guest-virtual address: the guest's
 * page tables are walked in software (mmu/ walker) through the domain's
 * guest-physical map, so a bad pointer becomes -EFAULT, never a host fault. */
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/svm/svm.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/string.h>
#include "mmu/walk.h"


static uint64_t *map_guest_table(void *ctx, uint64_t gpa)
{
	struct domain *d = ctx;
	uint64_t m = domain_gpa_to_maddr(d, gpa & ~0xfffULL);

	return m ? phys_to_virt(m) : NULL;
}

/* Guest-virtual to guest-physical as the CPU would for this access;
 * only flat (paging off) and 4-level long-mode guests. A failed walk
 * fills *fault with the #PF the CPU would raise. */
static int translate(struct vcpu *v, uint64_t gva, unsigned int access, uint64_t *gpa,
		     struct guest_fault *fault)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	struct mmu_mode mode = {
		.cr0 = vmcb->cr0, .cr4 = vmcb->cr4, .efer = vmcb->efer,
	};
	struct mmu_tables tables = { .map = map_guest_table, .ctx = v->domain };
	struct mmu_walk w;

	if (!(vmcb->cr0 & CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}
	if (!(vmcb->efer & EFER_LMA))
		return -EFAULT;	/* 32-bit paging: not supported for copies */
	if (vmcb->rflags & X86_EFLAGS_AC)
		access |= MMU_ACC_AC;	/* SMAP: the guest allowed the access */
	if (mmu_walk(&mode, &tables, svm_guest_cr3(v), gva, access,
		     MMU_WALK_SET_AD, &w) != MMU_WALK_OK) {
		if (fault && w.error_code) {
			fault->page_fault = true;
			fault->error_code = w.error_code;
			fault->addr = gva;
		}
		return -EFAULT;
	}
	*gpa = w.addr;
	return 0;
}

static int copy_guest(struct vcpu *v, uint64_t gva, uint8_t *buf, uint64_t len,
		      unsigned int access, bool count_faults, struct guest_fault *fault)
{
	bool to_guest = access & MMU_ACC_WRITE;

	if (fault)
		fault->page_fault = false;
	while (len) {
		uint64_t n = 4096 - (gva & 0xfff), gpa;
		int err;

		if (n > len)
			n = len;
		err = translate(v, gva, access, &gpa, fault);
		if (!err)
			err = to_guest ? domain_copy_to_gpa(v->domain, gpa, buf, n)
				       : domain_copy_from_gpa(v->domain, buf, gpa, n);
		if (err) {
			if (count_faults)
				v->stats.guest_faults++;
			return -EFAULT;
		}
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int hvm_copy_from_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
	return copy_guest(v, gva, dst, len, 0, true, NULL);
}

int hvm_fetch_guest(struct vcpu *v, void *dst, uint64_t gva, uint64_t len)
{
	return copy_guest(v, gva, dst, len, 0, false, NULL);
}

int hvm_copy_to_guest(struct vcpu *v, uint64_t gva, const void *src, uint64_t len)
{
	return copy_guest(v, gva, (uint8_t *)src, len, MMU_ACC_WRITE, true, NULL);
}

int hvm_copy_guest_as(struct vcpu *v, uint64_t gva, void *buf, uint64_t len,
		      bool write, bool user, struct guest_fault *fault)
{
	return copy_guest(v, gva, buf, len, (write ? MMU_ACC_WRITE : 0) |
			  (user ? MMU_ACC_USER : 0), true, fault);
}
