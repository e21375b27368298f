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

static enum guest_hv detect(void)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint32_t base;

	if (!(r.ecx & CPUID1_ECX_HYPERVISOR))
		return GUEST_HV_NONE;
	r = cpuid(UMBRA_CPUID_BASE, 0);
	if (is_sig(&r, UMBRA_CPUID_SIGNATURE_EBX, UMBRA_CPUID_SIGNATURE_ECX,
		   UMBRA_CPUID_SIGNATURE_EDX))
		return GUEST_HV_UMBRA;
	/* Xen's leaves sit at the first free 0x100 boundary. */
	for (base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000;
	     base += XEN_CPUID_BASE_STRIDE) {
		r = cpuid(base, 0);
		if (is_sig(&r, XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
			   XEN_CPUID_SIGNATURE_EDX) && r.eax >= base + 2)
			return GUEST_HV_XEN;
	}
	return GUEST_HV_NONE;
}

enum guest_hv guest_hypervisor(void)
{
	static bool known;
	static enum guest_hv hv;

	if (!known) {
		hv = detect();
		known = true;
	}
	return hv;
}
