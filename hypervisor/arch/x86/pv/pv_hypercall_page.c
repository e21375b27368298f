/* The PV hypercall page: slot n (32 bytes) makes hypercall n with
 * SYSCALL, keeping RCX and R11 as Xen's stubs do:
 *     push %rcx; push %r11; mov $n, %eax; syscall; pop %r11; pop %rcx; ret
 *
 * The stubs do not depend on the domain, so there is one page, the
 * hypervisor's own, mapped into every PV guest at its HYPERCALL_PAGE note
 * execute-only (pv_xonly.c, DESIGN.md §4): this is the one place the
 * hypervisor writes code a guest runs. */
#include <public/xen.h>
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

void pv_hypercall_page_fill(uint8_t *page)
{
	memset(page, 0xcc, NR_SLOTS * SLOT_SIZE);	/* int3 after each stub */
	for (unsigned int n = 0; n < NR_SLOTS; n++) {
		uint8_t *slot = page + n * SLOT_SIZE;

		if (n == __HYPERVISOR_iret) {
			memcpy(slot, iret_stub, sizeof(iret_stub));
		} else {
			memcpy(slot, stub, sizeof(stub));
			slot[STUB_NR_OFFSET] = (uint8_t)n;
		}
	}
}
