/* The PV hypercall page: slot n (32 bytes) makes hypercall n with
 * SYSCALL, keeping RCX and R11 as Xen's stubs do:
 *     push %rcx; push %r11; mov $n, %eax; syscall; pop %r11; pop %rcx; ret
 *
 * This is the one place a page becomes guest-executable code written by
 * the hypervisor. DESIGN.md §4 wants the hypervisor's own page here,
 * mapped user-executable under a protection key the guest cannot read
 * or write through; until that lands the stubs are written into the
 * guest's page at the HYPERCALL_PAGE note, as Xen does (docs/pv.md). */
#include <asm/guest_access.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/string.h>
#include "pv_build.h"

#define SLOT_SIZE	32
#define NR_SLOTS	(4096 / SLOT_SIZE)

static const uint8_t stub[] = {
	0x51,				/* push %rcx */
	0x41, 0x53,			/* push %r11 */
	0xb8, 0, 0, 0, 0,		/* mov $n, %eax */
	0x0f, 0x05,			/* syscall */
	0x41, 0x5b,			/* pop %r11 */
	0x59,				/* pop %rcx */
	0xc3,				/* ret */
};
#define STUB_NR_OFFSET	4

/* iret is jumped to, not called, and never returns: the stub adds RAX to
 * the guest's frame to make struct iret_context, then SYSCALLs. */
static const uint8_t iret_stub[] = {
	0x51,				/* push %rcx */
	0x41, 0x53,			/* push %r11 */
	0x50,				/* push %rax */
	0xb8, __HYPERVISOR_iret, 0, 0, 0,	/* mov $__HYPERVISOR_iret, %eax */
	0x0f, 0x05,			/* syscall */
};

int pv_hypercall_page_install(struct domain *d, uint64_t gpa)
{
	uint8_t slot[SLOT_SIZE];

	if (gpa & 0xfff)
		return -EINVAL;
	for (unsigned int n = 0; n < NR_SLOTS; n++) {
		memset(slot, 0xcc, sizeof(slot));	/* int3 after each stub */
		if (n == __HYPERVISOR_iret) {
			memcpy(slot, iret_stub, sizeof(iret_stub));
		} else {
			memcpy(slot, stub, sizeof(stub));
			slot[STUB_NR_OFFSET] = (uint8_t)n;
		}
		if (copy_to_gpa(d, gpa + n * SLOT_SIZE, slot, sizeof(slot)))
			return -EFAULT;
	}
	d->hypercall_page_gpa = gpa;
	return 0;
}
