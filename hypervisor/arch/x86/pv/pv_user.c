/*
 * Guest user mode of a 64-bit PV guest, as Xen's x86-64 ABI has it: guest
 * kernel and guest user both run in ring 3, told apart by the hypervisor
 * (v->pv.kernel_mode), each with its own page tables (the kernel's base
 * pointer, MMUEXT_NEW_USER_BASEPTR's) and GS base (SEGBASE_GS_KERNEL,
 * SEGBASE_GS_USER).
 *
 * The mode changes in two places only. An iret hypercall to a frame
 * whose CS has RPL 3 enters user mode (a bounce frame taken in kernel
 * mode reports CS with RPL 0, so an iret back to the kernel has RPL 0);
 * it needs a user base pointer, or the domain is crashed. Any exception,
 * event upcall or user SYSCALL taken in user mode enters kernel mode on
 * the stack stack_switch registered, the frame saying where user mode
 * was. A SYSCALL in kernel mode stays a hypercall.
 *
 * fpu_taskswitch sets and clears the guest's virtual CR0.TS: while it is
 * set the real CR0.TS is too while the guest runs, so its first FPU/SSE
 * instruction raises #NM, which clears the virtual TS and is bounced to
 * the guest (Xen's lazy-FPU protocol). The hypervisor never runs with TS
 * set: pv_run.c clears it on every way out of the guest.
 */
#include <asm/x86.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include "pv_desc.h"
#include "pv_traps.h"

void pv_toggle_guest_mode(struct vcpu *v)
{
	v->pv.kernel_mode = !v->pv.kernel_mode;
	/* The root and GS base follow at the next entry (pv_run.c). */
}

/* stack_switch(ss, sp): the kernel stack for traps from user mode. As in
 * Xen nothing is checked here (the selector gets RPL 3); a stack the
 * guest cannot write crashes the domain at the first such trap. */
static long stack_switch(struct vcpu *v, uint64_t ss, uint64_t sp)
{
	v->pv.kernel_ss = (uint16_t)(ss | 3);
	v->pv.kernel_sp = sp;
	return 0;
}

/* fpu_taskswitch(set): the guest's CR0.TS. */
static long fpu_taskswitch(struct vcpu *v, uint64_t set)
{
	v->pv.fpu_ts = set != 0;
	return 0;
}

void pv_fpu_nm(struct vcpu *v)
{
	v->pv.fpu_ts = false;
}

bool pv_user_syscall(struct vcpu *v)
{
	struct cpu_regs *r = &v->pv.regs;
	unsigned int type = CALLBACKTYPE_syscall;

	/* From 32-bit code the syscall32 callback, or the 64-bit one when
	 * there is none, as Xen's compat SYSCALL entry does. */
	if (r->vector == PV_VECTOR_SYSCALL32 && v->pv.callback[CALLBACKTYPE_syscall32])
		type = CALLBACKTYPE_syscall32;
	if (!v->pv.callback[type]) {
		/* No callback: the guest kernel sees the SYSCALL as #UD at
		 * the instruction, as Xen does. */
		r->rip -= 2;
		pv_guest_exception(v, TRAP_UD);
		return true;
	}
	return pv_bounce_callback(v, type);
}

bool pv_user_hypercall(struct vcpu *v, uint64_t nr, uint64_t *args, long *rc)
{
	switch (nr) {
	case __HYPERVISOR_stack_switch:
		*rc = stack_switch(v, args[0], args[1]);
		return true;
	case __HYPERVISOR_fpu_taskswitch:
		*rc = fpu_taskswitch(v, args[0]);
		return true;
	case __HYPERVISOR_multicall:
		*rc = pv_multicall(v, args);
		return true;
	default:
		return false;
	}
}
