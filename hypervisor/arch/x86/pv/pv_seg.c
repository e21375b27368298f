/*
 * A PV guest's data selectors (DS, ES, FS, GS), which it loads itself in
 * ring 3 from its GDT (set_gdt, copied into the CPU's) or the flat ring-3
 * ones. They are part of its state: saved when its slice on a CPU ends
 * (pv_vcpu_put) and loaded again before it runs on a CPU whose registers
 * are not its own (another vCPU, HVM or PV, ran there: VMRUN's #VMEXIT
 * loads the host's selectors), and whenever its descriptor table changed
 * meanwhile, so that a selector always names what the guest's table now
 * holds.
 *
 * A selector that can no longer be loaded (its descriptor was changed or
 * dropped) is loaded as null and the guest is entered at its failsafe
 * callback, as Xen's x86-64 ABI says: the bounce frame of an exception
 * with, between R11 and RIP, the four selectors it had (DS, ES, FS, GS,
 * from the lowest address up); events masked when it registered the
 * callback with CALLBACKF_mask_events. Without a failsafe callback the
 * domain is crashed, saying so.
 *
 * Each load is checked first in ring 0 (VERR: a readable segment of DPL
 * 3, within the table; LAR: present), so no load faults in the
 * hypervisor. GS is loaded between two SWAPGS, where the NMI path already
 * expects a guest GS base (pv_entry.S); its base is the guest's again
 * when load_state() writes MSR_KERNEL_GS_BASE.
 */
#include <asm/percpu.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include "pv_desc.h"
#include "pv_seg.h"
#include "pv_traps.h"

#define AR_PRESENT	(1u << 15)	/* in LAR's result */

enum { SEG_DS, SEG_ES, SEG_FS, SEG_GS };

static bool loadable(uint16_t sel)
{
	uint32_t ar = 0;
	bool readable;

	if (!(sel & ~3))
		return true;		/* null: any RPL */
	__asm__ volatile("verr %w1; setz %0" : "=q"(readable) : "r"(sel) : "cc");
	if (!readable)
		return false;
	__asm__ volatile("lar %w1, %0; jz 1f; xor %0, %0; 1:" : "=r"(ar) : "r"(sel) : "cc");
	return (ar & AR_PRESENT) != 0;
}

static void load(unsigned int which, uint16_t sel)
{
	switch (which) {
	case SEG_DS:
		__asm__ volatile("mov %0, %%ds" : : "r"(sel));
		break;
	case SEG_ES:
		__asm__ volatile("mov %0, %%es" : : "r"(sel));
		break;
	case SEG_FS:
		__asm__ volatile("mov %0, %%fs" : : "r"(sel));
		break;
	default:
		__asm__ volatile("swapgs; mov %0, %%gs; swapgs" : : "r"(sel) : "memory");
		break;
	}
}

void pv_seg_save(struct vcpu *v)
{
	uint16_t s[4];

	__asm__ volatile("mov %%ds, %0" : "=r"(s[SEG_DS]));
	__asm__ volatile("mov %%es, %0" : "=r"(s[SEG_ES]));
	__asm__ volatile("mov %%fs, %0" : "=r"(s[SEG_FS]));
	__asm__ volatile("mov %%gs, %0" : "=r"(s[SEG_GS]));
	for (unsigned int i = 0; i < 4; i++)
		v->pv.sel[i] = s[i];
}

bool pv_seg_load(struct vcpu *v, struct percpu *p)
{
	uint64_t had[4];
	bool ok = true;

	if (p->regs_owner == v && p->pv_gdt_gen == v->pv.gdt_gen)
		return true;		/* its selectors are live and current */
	if (p->regs_owner == v)
		pv_seg_save(v);		/* it may have loaded some since */
	pv_gdt_load(v, p);
	pv_ldt_activate(v, p);		/* before VERR looks at an LDT selector */
	for (unsigned int i = 0; i < 4; i++) {
		had[i] = v->pv.sel[i];
		if (!loadable(v->pv.sel[i])) {
			v->pv.sel[i] = 0;
			ok = false;
		}
		load(i, v->pv.sel[i]);
	}
	return ok || pv_bounce_failsafe(v, had);
}
