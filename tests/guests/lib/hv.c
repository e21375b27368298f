/* Which hypervisor, if any, the guest runs on: by CPUID signature. */
#include <stdbool.h>
#include <public/arch-x86/cpuid.h>
#include <public/umbra.h>

#include "io.h"
#include "runtime.h"

#define CPUID1_ECX_HYPERVISOR	(1u << 31)

static bool is_sig(const struct cpuid_regs *r, uint32_t b, uint32_t c, uint32_t d)
{
	return r->ebx == b && r->ecx == c && r->edx == d;
}

/* Xen's leaves sit at the first 0x100 boundary that carries them. */
static uint32_t find_xen_base(void)
{
	struct cpuid_regs r;
	uint32_t base;

	for (base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000;
	     base += XEN_CPUID_BASE_STRIDE) {
		r = cpuid(base, 0);
		if (is_sig(&r, XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
			   XEN_CPUID_SIGNATURE_EDX) && r.eax >= base + 2)
			return base;
	}
	return 0;
}

static bool known;
static enum guest_hv hv;
static uint32_t xen_base;

/*
 * Several vCPUs may detect at once (the smp guest's APs print first), so
 * known is published only after hv and xen_base: a vCPU that saw known
 * set while hv was still unset would write its line to COM1 byte by byte,
 * into the middle of another vCPU's line.
 */
static void detect(void)
{
	struct cpuid_regs r = cpuid(1, 0);

	if (r.ecx & CPUID1_ECX_HYPERVISOR) {
		xen_base = find_xen_base();
		r = cpuid(UMBRA_CPUID_BASE, 0);
		if (is_sig(&r, UMBRA_CPUID_SIGNATURE_EBX, UMBRA_CPUID_SIGNATURE_ECX,
			   UMBRA_CPUID_SIGNATURE_EDX))
			hv = GUEST_HV_UMBRA;
		else if (xen_base)
			hv = GUEST_HV_XEN;
	}
	__atomic_store_n(&known, true, __ATOMIC_RELEASE);
}

enum guest_hv guest_hypervisor(void)
{
	if (!__atomic_load_n(&known, __ATOMIC_ACQUIRE))
		detect();
	return hv;
}

uint32_t guest_xen_cpuid_base(void)
{
	if (!__atomic_load_n(&known, __ATOMIC_ACQUIRE))
		detect();
	return xen_base;
}
