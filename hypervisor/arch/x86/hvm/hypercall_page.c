/* Xen's hypercall page for HVM guests: the guest writes a page address to
 * the MSR CPUID leaf 0x40000102 names; slot n (32 bytes) then holds
 * "mov $n, %eax; vmmcall; ret". */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <public/arch-x86/cpuid.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/guest_log.h>
#include <umbra/printk.h>
#include <umbra/string.h>

#define SLOT_SIZE	32
#define NR_SLOTS	(4096 / SLOT_SIZE)

int hvm_write_hypercall_page(struct vcpu *v, uint64_t val)
{
	struct domain *d = v->domain;
	uint64_t gpa = val & ~0xfffULL;
	uint8_t slot[SLOT_SIZE];

	/* Bits 11:0 index the page within the area; Umbra has one page. */
	if ((val & 0xfff) || !domain_owns_gpa_range(d, gpa, 4096))
		return -EINVAL;
	memset(slot, 0xcc, sizeof(slot));	/* int3 after each stub */
	slot[0] = 0xb8;				/* mov $n, %eax */
	slot[5] = 0x0f;				/* vmmcall */
	slot[6] = 0x01;
	slot[7] = 0xd9;
	slot[8] = 0xc3;				/* ret */
	for (unsigned int n = 0; n < NR_SLOTS; n++) {
		slot[1] = (uint8_t)n;
		slot[2] = slot[3] = slot[4] = 0;
		if (copy_to_gpa(d, gpa + n * SLOT_SIZE, slot, sizeof(slot)))
			return -EINVAL;
	}
	d->hypercall_page_gpa = gpa;
	gprintk(d, LOG_DEBUG, "d%u: hypercall page at %#llx\n", d->id, (unsigned long long)gpa);
	return 0;
}
