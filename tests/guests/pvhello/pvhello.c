/*
 * pvhello: the smallest PV guest. Prints what its start_info says and
 * what the hypervisor reports, checks a few hypercall answers and the
 * time records in shared_info (time.c), then shuts down. Command line options:
 *   status=N   shut down with reason N instead of SHUTDOWN_poweroff
 *   fault=ud   execute UD2 (no trap table: the domain is crashed)
 *   spin       spin in ring 3 for ever instead (only host interrupts and
 *              NMIs take it out: tests/e2e/pv.sh's NMI under xpti)
 */
#include <public/sched.h>
#include <public/version.h>
#include "hypercall.h"
#include "minios.h"
#include "pvhello.h"

const char guest_name[] = "pvhello";



static void check_start_info(const struct start_info *si)
{
	uint64_t cs, ss;

	__asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
	con_printf("pvhello: start_info \"%s\", %lu pages, pt_base %#lx (%lu frames), "
		   "mfn_list %#lx, shared_info at machine %#lx, flags %#x\n",
		   si->magic, (unsigned long)si->nr_pages, (unsigned long)si->pt_base,
		   (unsigned long)si->nr_pt_frames, (unsigned long)si->mfn_list,
		   (unsigned long)si->shared_info, si->flags);
	expect(!strncmp(si->magic, "xen-3.0-x86_64", 14), "start_info magic is xen-3.0-x86_64");
	expect((cs & 3) == 3 && cs == 0xe033 && ss == 0xe02b,
	       "running in ring 3 on FLAT_RING3_CS64/SS64");
	expect(si->mfn_list && ((const uint64_t *)si->mfn_list)[0x100] != 0,
	       "the p2m list names a machine frame for pfn 0x100");
	expect(si->pt_base > (uint64_t)(uintptr_t)si && si->nr_pt_frames >= 4,
	       "page tables after start_info, at least L4+L3+L2+L1");
}

static void check_hypercalls(void)
{
	char extra[XEN_EXTRAVERSION_LEN], caps[XEN_CAPABILITIES_INFO_LEN];
	struct xen_feature_info fi = { .submap_idx = 0 };
	long v = hv_xen_version(XENVER_version, NULL);
	long rc;

	con_printf("pvhello: xen_version %ld.%ld\n", v >> 16, v & 0xffff);
	expect(v > 0, "xen_version answers");
	rc = hv_xen_version(XENVER_extraversion, extra);
	expect(rc == 0 && extra[XEN_EXTRAVERSION_LEN - 1] == '\0', "XENVER_extraversion fills a buffer");
	rc = hv_xen_version(XENVER_capabilities, caps);
	con_printf("pvhello: capabilities \"%s\"\n", rc ? "" : caps);
	expect(rc == 0 && !strncmp(caps, "xen-3.0-x86_64 ", 15),
	       "XENVER_capabilities begins with xen-3.0-x86_64 (64-bit PV)");
	rc = hv_xen_version(XENVER_get_features, &fi);
	con_printf("pvhello: features %#x (%ld)\n", fi.submap, rc);
	rc = hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, 8, 0xffff830000000000ULL);
	expect(rc == -14, "console_io from a hypervisor address: -EFAULT");
	rc = hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, 8, 0x7ff000000000ULL);
	expect(rc == -14, "console_io from an unmapped address: -EFAULT");
	rc = hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	expect(rc == 0, "SCHEDOP_yield");
	rc = hypercall2(45, 0, 0);
	expect(rc == -38, "an unknown hypercall: -ENOSYS");
}

/* CPUID is not intercepted for a PV guest: it sees the CPU's own leaves.
 * Leaf 7 ECX bit 3 says whether protection keys (PKU) exist, which the
 * execute-only hypercall page (DESIGN.md §4) needs. */
static void print_pku(void)
{
	uint32_t a = 7, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	con_printf("pvhello: cpuid 7.0 ecx %#x: pku %u ospke %u\n", c, (c >> 3) & 1, (c >> 4) & 1);
	/* Leaf 1 ECX bit 27 mirrors CR4.OSXSAVE: clear, no XRSTOR can load
	 * PKRU (the emulation of a rewritten one gives #UD, as the CPU). */
	a = 1;
	c = 0;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	con_printf("pvhello: cpuid 1 ecx %#x: osxsave %u\n", c, (c >> 27) & 1);
}

int guest_main(const struct start_info *si)
{
	unsigned int status = (unsigned int)guest_option_u64("status=", SHUTDOWN_poweroff);

	con_puts("pvhello: hello from ring 3\n");
	con_printf("pvhello: cmdline \"%s\"\n", guest_cmdline());
	/* At once, well before a neighbour doing its checks shuts down. */
	if (guest_option("spin")) {
		con_puts("pvhello: spinning in ring 3\n");
		for (;;)
			__asm__ volatile("pause");
	}
	check_start_info(si);
	check_hypercalls();
	check_time(si);
	print_pku();
	if (guest_option("fault=ud"))
		__asm__ volatile("ud2");
	con_printf("pvhello: %u failed, shutting down with reason %u\n", failures, status);
	return (int)status;
}
