/* Names of the management interface's numbers, for people and for JSON. */
#include "internal.h"

#define NAME_OF(table, i) \
	((i) < sizeof(table) / sizeof((table)[0]) && (table)[i] ? (table)[i] : "?")

const char *vmctl_domstate_name(unsigned int state)
{
	static const char *const names[] = {
		[UMBRA_DOMSTATE_RUNNING] = "running",
		[UMBRA_DOMSTATE_BLOCKED] = "blocked",
		[UMBRA_DOMSTATE_PAUSED] = "paused",
		[UMBRA_DOMSTATE_SHUTDOWN] = "shutdown",
		[UMBRA_DOMSTATE_CRASHED] = "crashed",
		[UMBRA_DOMSTATE_DYING] = "dying",
	};

	return NAME_OF(names, state);
}

const char *vmctl_vcpustate_name(unsigned int state)
{
	static const char *const names[] = {
		[UMBRA_VCPUSTATE_RUNNABLE] = "runnable",
		[UMBRA_VCPUSTATE_RUNNING] = "running",
		[UMBRA_VCPUSTATE_BLOCKED] = "blocked",
		[UMBRA_VCPUSTATE_DOWN] = "down",
	};

	return NAME_OF(names, state);
}

const char *vmctl_shutdown_name(unsigned int reason)
{
	static const char *const names[] = {
		[SHUTDOWN_poweroff] = "poweroff",
		[SHUTDOWN_reboot] = "reboot",
		[SHUTDOWN_suspend] = "suspend",
		[SHUTDOWN_crash] = "crash",
		[SHUTDOWN_watchdog] = "watchdog",
		[SHUTDOWN_soft_reset] = "soft_reset",
	};

	return NAME_OF(names, reason);
}

const char *vmctl_type_name(unsigned int type)
{
	static const char *const names[] = {
		[UMBRA_DOMAIN_TYPE_PVH] = "pvh",
		[UMBRA_DOMAIN_TYPE_HVM] = "hvm",
		[UMBRA_DOMAIN_TYPE_PV] = "pv",
	};

	return NAME_OF(names, type);
}

const char *vmctl_paging_name(unsigned int paging)
{
	static const char *const names[] = {
		[UMBRA_PAGING_NESTED] = "nested",
		[UMBRA_PAGING_SHADOW] = "shadow",
		[UMBRA_PAGING_SHARED] = "shared",
	};

	return NAME_OF(names, paging);
}

const char *vmctl_exit_name(unsigned int reason)
{
	static const char *const names[UMBRA_EXIT_NR] = {
		[UMBRA_EXIT_CPUID] = "cpuid",
		[UMBRA_EXIT_MSR] = "msr",
		[UMBRA_EXIT_IO] = "io",
		[UMBRA_EXIT_NPF] = "npf",
		[UMBRA_EXIT_HYPERCALL] = "hypercall",
		[UMBRA_EXIT_HLT] = "hlt",
		[UMBRA_EXIT_INTR] = "intr",
		[UMBRA_EXIT_CR] = "cr",
		[UMBRA_EXIT_EXCEPTION] = "exception",
		[UMBRA_EXIT_OTHER] = "other",
	};

	return reason < UMBRA_EXIT_NR ? names[reason] : NULL;
}
