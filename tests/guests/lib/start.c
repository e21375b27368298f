/* Start of day and shutdown for test guests. */
#include <public/sched.h>
#include <public/xen.h>

#include "cpu.h"
#include "hypercall.h"
#include "io.h"
#include "runtime.h"

/* QEMU's isa-debug-exit: the process exits with (value << 1) | 1. */
#define DEBUG_EXIT_PORT		0xf4
#define DEBUG_EXIT_SUCCESS	0x10	/* exit code 33 */
#define DEBUG_EXIT_FAILURE	0x11	/* exit code 35 */

void guest_exit(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };
	long rc;

	if (guest_hypervisor() != GUEST_HV_NONE) {
		rc = hv_sched_op(SCHEDOP_shutdown, &s);
		con_printf("%s: SCHEDOP_shutdown returned %ld\n", guest_name, rc);
	}
	outb(DEBUG_EXIT_PORT, reason == SHUTDOWN_poweroff ? DEBUG_EXIT_SUCCESS :
			      DEBUG_EXIT_FAILURE);
	halt_forever();
}

void guest_start(uint64_t start_info_paddr)
{
	const struct hvm_start_info *si = (const void *)(uintptr_t)start_info_paddr;

	cpu_init();
	traps_init();
	if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE) {
		con_printf("%s: no PVH start info at %#lx\n", guest_name,
			   (unsigned long)start_info_paddr);
		guest_exit(SHUTDOWN_crash);
	}
	guest_set_cmdline((const char *)(uintptr_t)si->cmdline_paddr);
	guest_mem_init(si);
	guest_exit((unsigned int)guest_main(si));
}
