/* Running a PV vCPU: the guest in ring 3 on its shadow L4, entered with
 * IRET and left through an IDT vector or SYSCALL (pv_entry.S); what each
 * way in means. */
#include <stddef.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/paging.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/hypercall.h>
#include <umbra/sched.h>
#include <umbra/test_hooks.h>
#include "mmu/walk.h"
#include "pv_debug.h"
#include "pv_desc.h"
#include "pv_mm.h"
#include "pv_seg.h"
#include "pv_traps.h"
#include "pv_view.h"
#include "pv_xonly.h"

_Static_assert(offsetof(struct percpu, pv_host_rsp) == 8, "pv_entry.S: PCPU_PV_HOST_RSP");
_Static_assert(offsetof(struct percpu, pv_frame_top) == 16, "pv_entry.S: PCPU_PV_FRAME_TOP");
_Static_assert(offsetof(struct percpu, pv_scratch) == 24, "pv_entry.S: PCPU_PV_SCRATCH");
_Static_assert(offsetof(struct percpu, pv_entry_top) == 32, "pv_entry.S: PCPU_PV_ENTRY_TOP");
_Static_assert(sizeof(struct cpu_regs) == 22 * 8, "pv_entry.S: REGS_SIZE");
_Static_assert(sizeof(struct cpu_regs) % 16 == 0, "the frame top stays 16-byte aligned");

void pv_enter(struct cpu_regs *frame, uint64_t cr3);
extern char pv_syscall_entry[], pv_syscall32_entry[];

/* What SYSCALL clears in RFLAGS: interrupts, single-step, direction,
 * alignment checks and nested task, until the entry code has a stack. */
#define PV_SFMASK (X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_AC | \
		   X86_EFLAGS_NT)

/* Test builds provide a strong definition (hypervisor/test/). */
void __attribute__((weak)) test_hooks_pv_enter(const struct vcpu *v, struct cpu_regs *r)
{
	(void)v;
	(void)r;
}

void pv_cpu_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL: CS = GDT_CS64, SS = GDT_CS64 + 8. SYSRET (unused: the
	 * way back is IRET) would load the PV ring-3 selectors. */
	wrmsr(MSR_STAR, ((uint64_t)(GDT_PV_CS32 | 3) << 48) | ((uint64_t)GDT_CS64 << 32));
	wrmsr(MSR_LSTAR, (uint64_t)pv_syscall_entry);
	wrmsr(MSR_CSTAR, (uint64_t)pv_syscall32_entry);
	wrmsr(MSR_SFMASK, PV_SFMASK);
	pv_xonly_cpu_init();
	pv_view_cpu(smp_processor_id());	/* with xpti, if PV guests exist already */
}

/* The guest may only ever run in ring 3 on its flat selectors, with
 * interrupts on (its own "interrupt flag" is the upcall mask) and no I/O
 * privilege. */
/* Called once the vCPU's descriptors are in this CPU's GDT: a code
 * segment of the guest's own GDT (a far jump or return put it there)
 * survives an interrupt or a bounce; anything else is the flat one. */
static void sanitize_frame(struct cpu_regs *r, const struct percpu *p)
{
	if (!pv_cpu_cs_ok(p, (uint16_t)r->cs) || (r->cs >> 16))
		r->cs = FLAT_RING3_CS64;
	r->ss = FLAT_RING3_SS64;
	r->rflags = (r->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM)) |
		    X86_EFLAGS_IF | X86_EFLAGS_FIXED;
}

static void load_state(struct vcpu *v, struct percpu *p)
{
	uint64_t top = (uint64_t)(&v->pv.regs + 1);

	if (p->regs_owner != v) {
		__asm__ volatile("fxrstor64 %0" : : "m"(v->pv.fpu));
		p->regs_owner = v;
	}
	pv_xonly_load(v);
	pv_gdt_load(v, p);
	/* Traps from ring 3 arrive on the entry stack; pv_entry.S copies
	 * their frame into the vCPU's. */
	p->tss.rsp[0] = p->pv_entry_top;
	p->pv_frame_top = top;
	wrmsr(MSR_FS_BASE, v->pv.fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, v->pv.kernel_mode ? v->pv.gs_base_kernel : v->pv.gs_base_user);
}

static bool pv_hypercall(struct vcpu *v)
{
	struct cpu_regs *r = &v->pv.regs;
	uint64_t args[HYPERCALL_ARGS] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8 };
	uint64_t nr = r->rax;
	long rc;

	v->hypercall_compat = false;
	if (!v->pv.kernel_mode) {	/* guest user mode: the kernel's syscall */
		pv_user_syscall(v);
		return false;
	}
	if (nr == __HYPERVISOR_iret) {
		vcpu_count_hypercall(v, nr);
		pv_iret(v);
		return false;
	}
	if (!pv_hypercall_arch(v, nr, args, &rc))
		rc = do_hypercall(v, nr, args);
	if (rc == HYPERCALL_CONTINUE) {
		/* Back onto the SYSCALL with the arguments left to do. */
		r->rdi = args[0];
		r->rsi = args[1];
		r->rdx = args[2];
		r->r10 = args[3];
		r->r8 = args[4];
		r->rip -= 2;
		return false;
	}
	r->rax = (uint64_t)rc;
	return false;
}

bool pv_vcpu_run(struct vcpu *v)
{
	struct cpu_regs *r = &v->pv.regs;
	unsigned int vec;

	/* IRETQ would fault in ring 0, on the guest's GS base, for a
	 * non-canonical RIP: never let one reach pv_enter(). The guest gets
	 * the #GP(0) the CPU would give it fetching there (a SYSCALL that
	 * ends at the canonical boundary returns there: XSA-7), or is
	 * crashed when it has no handler. */
	if (!mmu_va_is_canonical(r->rip)) {
		r->error_code = 0;
		pv_guest_exception(v, TRAP_GP);
		if (!mmu_va_is_canonical(r->rip)) {
			domain_crash(v->domain, "non-canonical RIP %#llx",
				     (unsigned long long)r->rip);
			return false;
		}
	}
	if (!pv_deliver_events(v))
		return false;
	if (pv_translated(v->domain) && !pv_shadow_sync_root(v))
		return false;
	if (!pv_seg_load(v, this_cpu()))
		return false;
	load_state(v, this_cpu());
	sanitize_frame(r, this_cpu());
	if (!v->stats.runs && !v->id)	/* with xpti: what its tables hold of Umbra */
		pv_view_audit(v->domain->id, v->pv.kernel_mode ? v->pv.cr3 : v->pv.user_cr3, r);
	test_hooks_pv_enter(v, r);
	v->stats.runs++;
	/* The guest's CR0.TS only while it runs: the hypervisor saves and
	 * restores FPU state with TS clear. */
	if (v->pv.fpu_ts)
		write_cr0(read_cr0() | CR0_TS);
	/* A flush another pCPU asked for (pv_flush.c), until the exit. */
	pv_flush_enter(v, this_cpu());
	/* A descriptor another vCPU changed since they were copied: its
	 * writer either sees this CPU in the guest now and kicks it out, or
	 * is seen here; then round again, to copy them afresh. */
	if (!pv_gdt_current(v, this_cpu())) {
		pv_flush_leave(this_cpu());
		return false;
	}
	/* pv_enter loads the guest's tables and, with xpti, the exit path
	 * Umbra's own again before any C code runs (pv_view.c). */
	pv_debug_enter(v);
	pv_enter(r, v->pv.kernel_mode ? v->pv.cr3 : v->pv.user_cr3);
	pv_flush_leave(this_cpu());
	vec = (unsigned int)r->vector;
	pv_debug_exit(v, vec);
	if (v->pv.db_held && pv_debug_held_after(v, vec)) {
		pv_guest_exception(v, TRAP_DB);
		return false;
	}
	if (v->pv.fpu_ts)
		clts();
	if (vec == TRAP_PF)
		v->pv.cr2 = read_cr2();
	v->stats.exits++;
	if (vec == PV_VECTOR_ENTRY_FAULT) {
		pv_entry_fault(v);	/* the CPU refused its IRET frame */
		return false;
	}
	/* SYSCALL from 32-bit code is the guest's system call in user mode;
	 * in kernel mode it stays what it was (pv_guest_exception). */
	if (vec == PV_VECTOR_SYSCALL || (vec == PV_VECTOR_SYSCALL32 && !v->pv.kernel_mode))
		return pv_hypercall(v);
	if (vec >= 32 && vec < 256) {
		v->stats.exits_other++;	/* printed as intr= (benchmarks leave them out) */
		do_trap(r);		/* a host interrupt that arrived in the guest */
		return true;
	}
	pv_guest_exception(v, vec);
	return false;
}

void pv_vcpu_put(struct vcpu *v)
{
	struct percpu *p = this_cpu();

	if (p->regs_owner == v) {
		__asm__ volatile("fxsave64 %0" : "=m"(v->pv.fpu));
		pv_seg_save(v);
		p->regs_owner = NULL;
	}
	/* Off the domain's tables: they may go away while it is not here. */
	write_cr3(paging_root());
}

void pv_vcpu_upcall_raise(struct vcpu *v)
{
	/* Nothing to latch: event_2l.c has set upcall_pending in the vCPU's
	 * vcpu_info, which pv_deliver_events() reads before every entry, and
	 * the sender kicks the vCPU out of the guest (sched_vcpu_kick). */
	(void)v;
}
