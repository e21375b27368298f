/*
 * Privileged instructions of a PV guest kernel, which runs in ring 3 and
 * so gets #GP(0) for them: the few Xen emulates for a 64-bit PV kernel
 * that Umbra offers too. Reading CR0 (its TS is the guest's virtual TS),
 * CR2 (of the last #PF bounced), CR3 (the machine address of the current
 * mode's L4, as Xen reports it), CR4 (what the guest may know of it);
 * writing CR4 (only DE is the guest's); RDMSR of MSR_DEBUGCTL (0);
 * CLTS (fpu_taskswitch(0)); WBINVD (nothing: the guest has no device
 * memory to clean); `mov` to and from DR0-7 (set_debugreg's rules,
 * pv_debug.c). Only in guest kernel mode; anything else, and a debug
 * register write set_debugreg refuses, stays the guest's #GP.
 */
#include <asm/guest_access.h>
#include <asm/msr.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include "pv_debug.h"
#include "pv_desc.h"
#include "pv_traps.h"

/* CR0 as a 64-bit PV kernel sees it. */
#define GUEST_CR0	(CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG)
/* The CR4 bits that describe the environment rather than control it. */
#define GUEST_CR4_MASK	(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE)

static uint64_t *gpr(struct cpu_regs *r, unsigned int n)
{
	uint64_t *tab[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
			      &r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11,
			      &r->r12, &r->r13, &r->r14, &r->r15 };

	return tab[n & 15];
}

static bool read_cr(struct vcpu *v, unsigned int cr, uint64_t *val)
{
	switch (cr) {
	case 0:
		*val = GUEST_CR0 | (v->pv.fpu_ts ? CR0_TS : 0);
		return true;
	case 2:
		*val = v->pv.cr2;
		return true;
	case 3:
		*val = v->pv.kernel_mode ? v->pv.guest_cr3 : v->pv.guest_user_cr3;
		return true;
	case 4:
		*val = (read_cr4() & GUEST_CR4_MASK) | (v->pv.cr4_de ? CR4_DE : 0);
		return true;
	default:
		return false;
	}
}

bool pv_emulate_priv(struct vcpu *v)
{
	struct cpu_regs *r = &v->pv.regs;
	uint8_t b[4];
	unsigned int rex = 0, i = 0, len;

	if (!v->pv.kernel_mode || r->error_code ||
	    fetch_from_guest(v, b, r->rip, sizeof(b)))
		return false;
	if ((b[0] & 0xf0) == 0x40)
		rex = b[i++];
	if (b[i] != 0x0f)
		return false;
	switch (b[i + 1]) {
	case 0x06:			/* clts */
		v->pv.fpu_ts = false;
		len = i + 2;
		break;
	case 0x09:			/* wbinvd */
		len = i + 2;
		break;
	case 0x20: {			/* mov %crN, %reg */
		uint8_t modrm = b[i + 2];
		unsigned int cr = ((modrm >> 3) & 7) | (rex & 4 ? 8 : 0);
		uint64_t val;

		if ((modrm >> 6) != 3 || !read_cr(v, cr, &val))
			return false;
		*gpr(r, (modrm & 7) | (rex & 1 ? 8 : 0)) = val;
		len = i + 3;
		break;
	}
	case 0x22: {			/* mov %reg, %cr4 */
		uint8_t modrm = b[i + 2];

		/* Of CR4 the guest controls DE alone (I/O breakpoints,
		 * pv_debug.c); the rest is Umbra's and a write leaves it, as
		 * Xen's pv_fixup_guest_cr4 does. */
		if ((modrm >> 6) != 3 || ((modrm >> 3) & 7) != 4 || (rex & 4))
			return false;
		v->pv.cr4_de = (*gpr(r, (modrm & 7) | (rex & 1 ? 8 : 0)) & CR4_DE) != 0;
		len = i + 3;
		break;
	}
	case 0x32:			/* rdmsr */
		/* MSR_DEBUGCTL: no branch recording for PV guests, 0 as in
		 * Xen; any other MSR stays the guest's #GP. */
		if (i || (uint32_t)r->rcx != MSR_DEBUGCTL)
			return false;
		r->rax = 0;
		r->rdx = 0;
		len = 2;
		break;
	case 0x21:			/* mov %drN, %reg */
	case 0x23: {			/* mov %reg, %drN */
		uint8_t modrm = b[i + 2];
		unsigned int dr = (modrm >> 3) & 7;
		uint64_t *reg = gpr(r, (modrm & 7) | (rex & 1 ? 8 : 0));

		/* REX.R names DR8-15, which do not exist: #UD on the CPU,
		 * the guest's #GP here. */
		if ((modrm >> 6) != 3 || (rex & 4))
			return false;
		if (b[i + 1] == 0x21) {
			uint64_t val;

			if (!pv_get_debugreg(v, dr, &val))
				return false;
			*reg = val;
		} else if (pv_set_debugreg(v, dr, *reg)) {
			return false;
		}
		len = i + 3;
		break;
	}
	default:
		return false;
	}
	r->rip += len;
	return true;
}
