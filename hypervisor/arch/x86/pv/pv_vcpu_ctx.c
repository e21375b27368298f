/*
 * VCPUOP_initialise for a PV vCPU (docs/pv.md, "More than one vCPU"):
 * Xen's struct vcpu_guest_context, checked as Xen's arch_set_info_guest
 * checks it, then installed: registers, FPU image, trap table, GDT
 * frames, LDT, kernel stack, callbacks, segment bases and the page
 * tables.
 *
 * Every address must be canonical (and handlers, callbacks and segment
 * bases outside the hypervisor's part of the address space, as
 * set_trap_table, callback_op and set_segment_base demand), debug
 * registers set_debugreg would take, at most 7168
 * GDT entries, an LDT page-aligned with at most 8192 entries, a user L4
 * when the vCPU starts in user mode: else -EINVAL. The LDT is taken as
 * MMUEXT_SET_LDT takes it (pv_set_ldt: its pages found through the new
 * kernel tables now, where Xen finds them at their first use; one not
 * mapped there, or not fit to be descriptors, -EINVAL). ctrlreg[3] names the
 * kernel's L4 as Xen's xen_pfn_to_cr3 does: on shared page tables a
 * machine frame of the domain's that shared-pt validates as an L4 (and
 * holds as the vCPU's base pointer, Xen's guest_table), translated a
 * frame of its RAM. A context refused anywhere leaves the vCPU as it was.
 *
 * The context is larger than a heap allocation and than what the stack
 * should hold: it is read from the guest in parts, the trap table
 * straight into the vCPU's new trap page.
 */
#include <stddef.h>
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <public/arch-x86/vcpu-context.h>
#include <public/arch-x86/xen-x86_64.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include "mmu/walk.h"
#include "pv_debug.h"
#include "pv_desc.h"
#include "pv_mm.h"
#include "pv_traps.h"

#define NR_TRAPS	256
#define TRAP_CHUNK	16	/* entries read at a time */

/* The parts before and after the trap table. */
struct ctx_head {
	uint8_t fpu[512];
	uint64_t flags;
	struct cpu_user_regs regs;
};
#define HEAD_SIZE	offsetof(struct vcpu_guest_context, trap_ctxt)
#define TAIL_OFF	offsetof(struct vcpu_guest_context, ldt_base)
#define TAIL_SIZE	(sizeof(struct vcpu_guest_context) - TAIL_OFF)
_Static_assert(sizeof(struct ctx_head) == HEAD_SIZE, "the head of vcpu_guest_context");

struct ctx_tail {
	uint64_t ldt_base, ldt_ents;
	uint64_t gdt_frames[16], gdt_ents;
	uint64_t kernel_ss, kernel_sp;
	uint64_t ctrlreg[8];
	uint64_t debugreg[8];
	uint64_t event_cb, failsafe_cb, syscall_cb;
	uint64_t vm_assist;
	uint64_t fs_base, gs_base_kernel, gs_base_user;
};
_Static_assert(sizeof(struct ctx_tail) == TAIL_SIZE, "the tail of vcpu_guest_context");

static bool canonical(uint64_t va)
{
	return mmu_va_is_canonical(va);
}

/* A handler, callback or segment base: 0, or guest memory. */
static bool guest_addr_ok(uint64_t va)
{
	return !va || (mmu_va_is_canonical(va) && pv_guest_va_ok(va));
}

static int check_head(const struct ctx_head *h, const struct ctx_tail *t)
{
	const struct cpu_user_regs *r = &h->regs;

	if (!canonical(r->rip) || !canonical(r->rsp) || !canonical(t->kernel_sp))
		return -EINVAL;
	if (!guest_addr_ok(t->event_cb) || !guest_addr_ok(t->failsafe_cb) ||
	    !guest_addr_ok(t->syscall_cb))
		return -EINVAL;
	if (!guest_addr_ok(t->fs_base) || !guest_addr_ok(t->gs_base_kernel) ||
	    !guest_addr_ok(t->gs_base_user))
		return -EINVAL;
	if (t->ldt_ents > VGC_LDT_ENTS_MAX || (t->ldt_base & (PAGE_SIZE - 1)) ||
	    (t->ldt_ents && !canonical(t->ldt_base)))
		return -EINVAL;
	if (t->gdt_ents > VGC_GDT_ENTS_MAX)
		return -EINVAL;
	if (!(h->flags & VGCF_IN_KERNEL) && !t->ctrlreg[1])
		return -EINVAL;		/* user mode needs user page tables */
	return 0;
}

/* The LDT at base, its pages looked up in the kernel tables the context
 * names (at root, as pv_translate walks them: a machine address on
 * shared page tables, a guest-physical one translated) before those
 * become the vCPU's: the walk only reads them, and what it finds is
 * checked by pv_set_ldt. 0 or -EINVAL; nothing kept on error. */
static long set_ldt(struct vcpu *v, uint64_t root, uint64_t base, uint64_t ents)
{
	uint64_t cr3 = v->pv.guest_cr3;
	bool kernel = v->pv.kernel_mode;
	long rc;

	if (!ents)
		return 0;
	write_cr3(paging_root());	/* off the tables shared-pt may change */
	pv_mm_lock(v->domain);
	v->pv.guest_cr3 = root;
	v->pv.kernel_mode = true;
	rc = pv_set_ldt(v, base, ents);
	v->pv.guest_cr3 = cr3;
	v->pv.kernel_mode = kernel;
	pv_mm_unlock();
	return rc ? -EINVAL : 0;
}

static bool trap_ok(const struct trap_info *ti)
{
	return mmu_va_is_canonical(ti->address) && pv_guest_va_ok(ti->address) &&
	       ((ti->cs | 3) == FLAT_KERNEL_CS || (ti->cs | 3) == FLAT_RING3_CS32);
}

/* DR0-3, DR6 and DR7 as set_debugreg takes them (DR4/5 are ignored, as
 * Xen does); any refused: -EINVAL and the old values back. */
struct dr_state {
	uint64_t dr[4], dr6, dr7, dr7_io;
};

static void dr_save(const struct vcpu *v, struct dr_state *s)
{
	memcpy(s->dr, v->pv.dr, sizeof(s->dr));
	s->dr6 = v->pv.dr6;
	s->dr7 = v->pv.dr7;
	s->dr7_io = v->pv.dr7_io;
}

static void dr_restore(struct vcpu *v, const struct dr_state *s)
{
	memcpy(v->pv.dr, s->dr, sizeof(s->dr));
	v->pv.dr6 = s->dr6;
	v->pv.dr7 = s->dr7;
	v->pv.dr7_io = s->dr7_io;
}

static int set_debugregs(struct vcpu *v, const uint64_t *dr, const struct dr_state *old)
{
	static const unsigned int regs[] = { 0, 1, 2, 3, 6, 7 };

	for (unsigned int i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (pv_set_debugreg(v, regs[i], dr[regs[i]])) {
			dr_restore(v, old);
			return -EINVAL;
		}
	return 0;
}

/* The trap table, by vector, into a new page of the domain's pool. */
static long read_traps(struct vcpu *caller, uint64_t arg, struct pv_trap **out)
{
	struct trap_info ti[TRAP_CHUNK];
	struct pv_trap *traps;
	uint64_t pa = domain_page_alloc(caller->domain);

	if (!pa)
		return -ENOMEM;
	traps = phys_to_virt(pa);
	memset(traps, 0, NR_TRAPS * sizeof(*traps));
	for (unsigned int v = 0; v < NR_TRAPS; v += TRAP_CHUNK) {
		long rc = 0;

		if (copy_from_guest(caller, ti, arg + offsetof(struct vcpu_guest_context,
							       trap_ctxt[v]), sizeof(ti)))
			rc = -EFAULT;
		for (unsigned int i = 0; !rc && i < TRAP_CHUNK; i++) {
			if (!ti[i].address)
				continue;
			if (!trap_ok(&ti[i]))
				rc = -EINVAL;
			else
				traps[v + i] = (struct pv_trap){ ti[i].address,
								 (uint16_t)(ti[i].cs | 3),
								 ti[i].flags };
		}
		if (rc) {
			domain_page_free(caller->domain, pa);
			return rc;
		}
	}
	*out = traps;
	return 0;
}

/* Shared page tables: the user L4 first (a failure after it can still
 * drop it: a user base of 0 is "none"), then the kernel's. */
static int set_bases_shared(struct vcpu *v, uint64_t kernel, uint64_t user)
{
	struct spt_vcpu *sv = &v->domain->pv->spt_vcpus[v->id];
	int rc = 0;

	write_cr3(paging_root());
	pv_mm_lock(v->domain);
	if (user)
		rc = spt_new_baseptr(sv, user, true);
	if (!rc) {
		rc = spt_new_baseptr(sv, kernel, false);
		if (rc && user)
			spt_new_baseptr(sv, 0, true);
	}
	if (!rc) {
		v->pv.guest_cr3 = kernel << PAGE_SHIFT;
		v->pv.cr3 = spt_vcpu_root(sv, false) << PAGE_SHIFT;
		v->pv.guest_user_cr3 = user ? user << PAGE_SHIFT : 0;
		v->pv.user_cr3 = user ? spt_vcpu_root(sv, true) << PAGE_SHIFT : 0;
	}
	pv_mm_unlock();
	return rc;
}

/* Translated: frames of its RAM; the shadow roots are made now (kernel)
 * and at the first entry into user mode (pv_shadow_sync_root). */
static int set_bases_shadow(struct vcpu *v, uint64_t kernel, uint64_t user)
{
	if (user && !domain_gpa_to_maddr(v->domain, user << PAGE_SHIFT))
		return -EINVAL;
	write_cr3(paging_root());
	v->pv.kernel_mode = true;
	if (pv_shadow_set_base(v, kernel << PAGE_SHIFT))
		return -EINVAL;
	v->pv.guest_user_cr3 = user << PAGE_SHIFT;
	return 0;
}

static void set_regs(struct vcpu *v, const struct cpu_user_regs *u)
{
	struct cpu_regs *r = &v->pv.regs;

	*r = (struct cpu_regs){
		.r15 = u->r15, .r14 = u->r14, .r13 = u->r13, .r12 = u->r12,
		.r11 = u->r11, .r10 = u->r10, .r9 = u->r9, .r8 = u->r8,
		.rbp = u->rbp, .rdi = u->rdi, .rsi = u->rsi, .rdx = u->rdx,
		.rcx = u->rcx, .rbx = u->rbx, .rax = u->rax,
		.rip = u->rip, .rflags = u->rflags, .rsp = u->rsp,
		/* Only the flat ring-3 segments (pv_run.c's sanitize_frame). */
		.cs = (u->cs | 3) == FLAT_RING3_CS32 ? FLAT_RING3_CS32 : FLAT_KERNEL_CS,
		.ss = FLAT_KERNEL_SS,
	};
}

/* An FXSAVE image whose MXCSR has no bit the CPU would #GP on. */
static void set_fpu(struct vcpu *v, const uint8_t *fpu)
{
	static uint8_t probe[512] __attribute__((aligned(16)));
	uint32_t mask, mxcsr;

	__asm__ volatile("fxsave64 %0" : "=m"(probe));
	memcpy(&mask, probe + 28, sizeof(mask));
	if (!mask)
		mask = 0xffbf;	/* the architectural default MXCSR_MASK */
	memcpy(v->pv.fpu, fpu, sizeof(v->pv.fpu));
	memcpy(&mxcsr, v->pv.fpu + 24, sizeof(mxcsr));
	mxcsr &= mask;
	memcpy(v->pv.fpu + 24, &mxcsr, sizeof(mxcsr));
}

static void set_callbacks(struct vcpu *v, const struct ctx_head *h, const struct ctx_tail *t)
{
	v->pv.callback[CALLBACKTYPE_event] = t->event_cb;
	v->pv.callback_flags[CALLBACKTYPE_event] = CALLBACKF_mask_events;
	v->pv.callback[CALLBACKTYPE_failsafe] = t->failsafe_cb;
	v->pv.callback_flags[CALLBACKTYPE_failsafe] =
		h->flags & VGCF_failsafe_disables_events ? CALLBACKF_mask_events : 0;
	v->pv.callback[CALLBACKTYPE_syscall] = t->syscall_cb;
	v->pv.callback_flags[CALLBACKTYPE_syscall] =
		h->flags & VGCF_syscall_disables_events ? CALLBACKF_mask_events : 0;
}

static long initialise(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	struct ctx_head h;
	struct ctx_tail t;
	struct dr_state dr_old;
	struct pv_trap *traps;
	uint64_t kernel, user;
	long rc;

	if (copy_from_guest(caller, &h, arg, sizeof(h)) ||
	    copy_from_guest(caller, &t, arg + TAIL_OFF, sizeof(t)))
		return -EFAULT;
	if (v->state != VCPU_DOWN || v->initialised)
		return -EEXIST;
	rc = check_head(&h, &t);
	if (rc)
		return rc;
	/* The tables below the L4 first, a part per call (pv_vcpu_pre.c). */
	rc = pv_pre_validate(caller, v, arg, t.ctrlreg[3] >> PAGE_SHIFT);
	if (rc)
		return rc;
	dr_save(v, &dr_old);
	rc = set_debugregs(v, t.debugreg, &dr_old);
	if (rc)
		return rc;
	rc = read_traps(caller, arg, &traps);
	if (rc) {
		dr_restore(v, &dr_old);
		return rc;
	}
	rc = pv_set_gdt_frames(v, t.gdt_frames, t.gdt_ents);
	if (rc)
		goto fail_traps;
	kernel = t.ctrlreg[3] >> PAGE_SHIFT;
	user = t.ctrlreg[1] >> PAGE_SHIFT;
	rc = set_ldt(v, kernel << PAGE_SHIFT, t.ldt_base, t.ldt_ents);
	if (rc)
		goto fail_gdt;
	rc = pv_translated(v->domain) ? set_bases_shadow(v, kernel, user)
				      : set_bases_shared(v, kernel, user);
	if (rc) {
		rc = rc == -ENOMEM ? -ENOMEM : -EINVAL;
		goto fail_gdt;
	}
	if (v->pv.traps)
		domain_page_free(v->domain, virt_to_phys(v->pv.traps));
	v->pv.traps = traps;
	set_regs(v, &h.regs);
	if (h.flags & VGCF_I387_VALID)
		set_fpu(v, h.fpu);
	v->pv.kernel_mode = h.flags & VGCF_IN_KERNEL;
	v->pv.kernel_ss = (uint16_t)(t.kernel_ss | 3);
	v->pv.kernel_sp = t.kernel_sp;
	set_callbacks(v, &h, &t);
	v->pv.fs_base = t.fs_base;
	v->pv.gs_base_kernel = t.gs_base_kernel;
	v->pv.gs_base_user = t.gs_base_user;
	v->initialised = true;
	if (h.flags & VGCF_online)
		sched_vcpu_start(v);
	return 0;

fail_gdt:
	pv_desc_release(v);
fail_traps:
	domain_page_free(caller->domain, virt_to_phys(traps));
	dr_restore(v, &dr_old);
	return rc;
}

/* What the walk held goes once the context is taken or refused; a call
 * to be continued keeps it. */
long pv_vcpu_initialise(struct vcpu *caller, struct vcpu *v, uint64_t arg)
{
	long rc = initialise(caller, v, arg);

	if (rc != HYPERCALL_CONTINUE)
		pv_pre_finish(v, rc == 0);
	return rc;
}
