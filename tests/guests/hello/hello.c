/*
 * hello: the smallest useful guest. Prints a greeting, where it runs and
 * what its start info says, then shuts down. Command line options:
 *   status=N   shut down with reason N instead of SHUTDOWN_poweroff
 *   fault=ud   execute UD2 first (tests the runtime's exception path)
 */
#include <public/sched.h>
#include <public/version.h>

#include "hypercall.h"
#include "runtime.h"

const char guest_name[] = "hello";

static const char *hypervisor_name(void)
{
	switch (guest_hypervisor()) {
	case GUEST_HV_UMBRA:
		return "umbra";
	case GUEST_HV_XEN:
		return "xen";
	default:
		return "none";
	}
}

/* What the hypervisor says about itself and this domain. */
static void print_identity(void)
{
	struct umbra_identity id = { .signature = { 0 } };
	long v, rc;

	if (guest_hypervisor() == GUEST_HV_NONE)
		return;
	v = hv_xen_version(XENVER_version, NULL);
	con_printf("hello: xen_version %ld.%ld\n", v >> 16, v & 0xffff);
	if (guest_hypervisor() != GUEST_HV_UMBRA)
		return;
	rc = hv_umbra_op(UMBRAOP_identity, &id);
	if (rc < 0) {
		con_printf("hello: umbra_op identity failed: %ld\n", rc);
		return;
	}
	id.name[UMBRA_DOMAIN_NAME_MAX - 1] = '\0';
	con_printf("hello: domain %u \"%s\", vcpu %u of %u, %lu MiB, paging %s\n",
		   id.domid, id.name, id.vcpu_id, id.nr_vcpus,
		   (unsigned long)(id.mem_bytes >> 20),
		   id.paging == UMBRA_PAGING_NESTED ? "nested" :
		   id.paging == UMBRA_PAGING_SHADOW ? "shadow" : "other");
}

static int requested_status(void)
{
	return (int)guest_option_u64("status=", SHUTDOWN_poweroff);
}

static void print_modules(const struct hvm_start_info *si)
{
	const struct hvm_modlist_entry *m =
		(const void *)(uintptr_t)si->modlist_paddr;
	unsigned int i;

	for (i = 0; m && i < si->nr_modules; i++)
		con_printf("hello: module %u at %#lx, %lu bytes\n", i,
			   (unsigned long)m[i].paddr, (unsigned long)m[i].size);
}

int guest_main(const struct hvm_start_info *si)
{
	const char *cmdline = guest_cmdline();
	int status = requested_status();

	con_puts("hello: hello, world\n");
	con_printf("hello: hypervisor %s\n", hypervisor_name());
	con_printf("hello: start info version %u, cmdline \"%s\", %u modules, "
		   "%u memory map entries\n", si->version, cmdline,
		   si->nr_modules, si->version >= 1 ? si->memmap_entries : 0);
	print_modules(si);
	print_identity();
	if (guest_option("fault=ud"))
		__asm__ __volatile__("ud2");
	con_printf("hello: shutting down with status %d\n", status);
	return status;
}
