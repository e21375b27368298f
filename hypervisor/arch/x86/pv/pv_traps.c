/*
 * A PV guest's exceptions: set_trap_table, the bounce frame Xen's x86-64
 * ABI puts on the guest kernel stack, and the iret hypercall that comes
 * back from it.
 *
 * The frame, from the new stack pointer up (16-byte aligned below the
 * interrupted RSP): RCX, R11, [error code], RIP, CS with the saved upcall
 * mask in bits 32-39, RFLAGS with IF = events enabled, RSP, SS. The
 * handler pops RCX and R11 and sees what the CPU would have pushed.
 */
#include <stddef.h>
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include <umbra/vcpu_shared.h>
#include "mmu/walk.h"
#include "pv_debug.h"
#include "pv_desc.h"
#include "pv_io.h"
#include "pv_mm.h"
#include "pv_seg.h"
#include "pv_traps.h"
#include "pv_xonly.h"

#define NR_TRAPS	256
/* Vectors whose exceptions push an error code. */
#define ERRCODE_VECTORS	((1u << TRAP_DF) | (1u << TRAP_TS) | (1u << TRAP_NP) | \
			 (1u << TRAP_SS) | (1u << TRAP_GP) | (1u << TRAP_PF) | \
			 (1u << TRAP_AC))
/* What a trap clears in the interrupted RFLAGS, as the CPU does (and AC:
 * no alignment checks in the guest kernel). */
#define BOUNCE_CLEAR	(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM | \
			 X86_EFLAGS_AC)

bool pv_guest_va_ok(uint64_t va)
{
	return va < 0x0000800000000000ULL ||
	       (va >= 0xffff880000000000ULL && va < 0xffffff8000000000ULL);
}

static int upcall_mask_gpa(struct vcpu *v, uint64_t *gpa)
{
	if (!vcpu_info_at(v, gpa))
		return -EFAULT;
	*gpa += offsetof(struct vcpu_info, evtchn_upcall_mask);
	return 0;
}

static uint8_t get_upcall_mask(struct vcpu *v)
{
	uint64_t gpa;
	uint8_t m = 1;

	if (!upcall_mask_gpa(v, &gpa))
		copy_from_gpa(v->domain, &m, gpa, 1);
	return m;
}

static void set_upcall_mask(struct vcpu *v, uint8_t m)
{
	uint64_t gpa;

	if (!upcall_mask_gpa(v, &gpa))
		copy_to_gpa(v->domain, gpa, &m, 1);
}

static void set_cr2(struct vcpu *v, uint64_t cr2)
{
	uint64_t gpa;

	if (vcpu_info_at(v, &gpa))
		copy_to_gpa(v->domain, gpa + offsetof(struct vcpu_info, arch.cr2), &cr2,
			    sizeof(cr2));
}

/* Build the frame and enter the handler; false if the guest's stack
 * cannot take it. From guest user mode the guest kernel is entered on
 * its stack_switch stack; in kernel mode the frame goes on the current
 * stack and reports CS with RPL 0 ("kernel context", as Xen does). */
static bool bounce_segs(struct vcpu *v, const struct pv_trap *t, bool has_err, uint64_t err,
			const uint64_t *segs)
{
	struct cpu_regs *r = &v->pv.regs;
	uint64_t frame[12], sp = r->rsp, cs = r->cs & 0xffff;
	uint8_t mask = get_upcall_mask(v);
	unsigned int n = 0;

	if (v->pv.kernel_mode) {
		cs &= ~3ULL;
	} else {
		pv_toggle_guest_mode(v);
		sp = v->pv.kernel_sp;
	}
	sp &= ~0xfULL;
	frame[n++] = r->rcx;
	frame[n++] = r->r11;
	for (unsigned int i = 0; segs && i < 4; i++)
		frame[n++] = segs[i];
	if (has_err)
		frame[n++] = err;
	frame[n++] = r->rip;
	frame[n++] = cs | ((uint64_t)mask << 32);
	frame[n++] = (r->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) |
		     (mask ? 0 : X86_EFLAGS_IF) | pv_io_bounce_flags(v);
	frame[n++] = r->rsp;
	frame[n++] = r->ss;
	sp -= n * sizeof(uint64_t);
	if (!pv_guest_va_ok(sp) || copy_to_guest(v, sp, frame, n * sizeof(uint64_t)))
		return false;
	if (t->flags & 4)		/* TI_GET_IF: an "interrupt gate" */
		set_upcall_mask(v, 1);
	r->rip = t->address;
	r->cs = FLAT_KERNEL_CS;
	r->ss = FLAT_KERNEL_SS;
	r->rsp = sp;
	r->rflags &= ~BOUNCE_CLEAR;
	return true;
}

static bool bounce(struct vcpu *v, const struct pv_trap *t, bool has_err, uint64_t err)
{
	return bounce_segs(v, t, has_err, err, NULL);
}

/* The failsafe callback (pv_seg.c): an exception frame with the four
 * selectors that could not be loaded between R11 and RIP, Xen's layout. */
bool pv_bounce_failsafe(struct vcpu *v, const uint64_t segs[4])
{
	struct pv_trap t = { 0 };

	t.address = v->pv.callback[CALLBACKTYPE_failsafe];
	t.cs = FLAT_KERNEL_CS;
	t.flags = (v->pv.callback_flags[CALLBACKTYPE_failsafe] & CALLBACKF_mask_events) ? 4 : 0;
	if (t.address && bounce_segs(v, &t, false, 0, segs))
		return true;
	domain_crash(v->domain, "a data selector (ds %#llx es %#llx fs %#llx gs %#llx) cannot be loaded: %s",
		     (unsigned long long)segs[0], (unsigned long long)segs[1],
		     (unsigned long long)segs[2], (unsigned long long)segs[3],
		     t.address ? "no stack for the failsafe frame" : "no failsafe callback");
	return false;
}

/* The entry's IRETQ faulted on the guest's frame (pv_entry.S), which
 * the iret hypercall and sanitize_frame() should never let happen: as in
 * Xen, the guest's failsafe callback with the frame it had, else the
 * domain is crashed, saying so. Never the hypervisor. */
void pv_entry_fault(struct vcpu *v)
{
	const struct cpu_regs *r = &v->pv.regs;
	uint64_t segs[4];

	pr_warn("d%u: an IRET frame the CPU refuses (rip %#llx cs %#llx rflags %#llx rsp %#llx ss %#llx)\n",
		v->domain->id, (unsigned long long)r->rip, (unsigned long long)r->cs,
		(unsigned long long)r->rflags, (unsigned long long)r->rsp, (unsigned long long)r->ss);
	if (!v->pv.callback[CALLBACKTYPE_failsafe]) {
		domain_crash(v->domain, "the CPU refused its IRET frame and it has no failsafe callback");
		return;
	}
	pv_seg_save(v);		/* its selectors are live here */
	for (unsigned int i = 0; i < 4; i++)
		segs[i] = v->pv.sel[i];
	pv_bounce_failsafe(v, segs);
}

static const struct pv_trap *trap_of(struct vcpu *v, unsigned int vec)
{
	const struct pv_trap *t = v->pv.traps ? &v->pv.traps[vec & 0xff] : NULL;

	return t && t->address ? t : NULL;
}

/* Enter a registered callback (syscall, syscall32) like an exception
 * without error code; events masked if it was registered with
 * CALLBACKF_mask_events. False: no stack for the frame, domain crashed. */
bool pv_bounce_callback(struct vcpu *v, unsigned int type)
{
	struct pv_trap t = { 0 };

	t.address = v->pv.callback[type];
	t.cs = FLAT_KERNEL_CS;
	t.flags = (v->pv.callback_flags[type] & CALLBACKF_mask_events) ? 4 : 0;
	if (bounce(v, &t, false, 0))
		return true;
	domain_crash(v->domain, "callback %u at %#llx: no stack for the frame (rsp %#llx)", type,
		     (unsigned long long)t.address, (unsigned long long)v->pv.kernel_sp);
	return false;
}

/* Before each entry: an event upcall is due when the vCPU's vcpu_info has
 * upcall_pending set and the mask clear, and the guest registered its
 * event callback. It is entered like an exception (no error code), with
 * events masked, as Xen does; the guest's iret unmasks them. */
bool pv_deliver_events(struct vcpu *v)
{
	static const struct pv_trap none;
	struct pv_trap t = none;
	uint8_t b[2];
	uint64_t gpa;

	if (!v->pv.callback[CALLBACKTYPE_event] || !vcpu_info_at(v, &gpa) ||
	    copy_from_gpa(v->domain, b, gpa, sizeof(b)) || !b[0] || b[1])
		return true;
	t.address = v->pv.callback[CALLBACKTYPE_event];
	t.cs = FLAT_KERNEL_CS;
	t.flags = 4;
	if (bounce(v, &t, false, 0))
		return true;
	domain_crash(v->domain, "event upcall at %#llx: no stack for the frame (rsp %#llx)",
		     (unsigned long long)t.address, (unsigned long long)v->pv.regs.rsp);
	return false;
}

/* `int $n` from ring 3 meets a DPL-0 gate: #GP with error code n*8+2
 * (the IDT flag). If the guest's own entry for n allows the guest's
 * privilege (Xen's permit_softint: DPL >= 1 in kernel mode, 3 in user
 * mode), it is the guest's software interrupt: deliver n after the
 * 2-byte instruction.
 *
 * QEMU 7.2's TCG reports n*16+2 for a 64-bit `int $n` (the "QEMU
 * bug"). So n is taken from the instruction itself (CD nn at RIP), the
 * error code only has to name the IDT and agree with it either way; a
 * #GP that stays one gets the architectural n*8+2. */
static bool soft_interrupt(struct vcpu *v, unsigned int *vec)
{
	struct cpu_regs *r = &v->pv.regs;
	const struct pv_trap *t;
	uint8_t insn[2];
	unsigned int n;

	if ((r->error_code & 7) != 2 || fetch_from_guest(v, insn, r->rip, sizeof(insn)) ||
	    insn[0] != 0xcd)
		return false;
	n = insn[1];
	if (r->error_code >> 3 != n && r->error_code >> 4 != n)
		return false;
	r->error_code = (uint64_t)n << 3 | 2;
	t = trap_of(v, n);
	if (!t || (t->flags & 3) < (v->pv.kernel_mode ? 1u : 3u))
		return false;
	*vec = n;
	r->rip += 2;
	return true;
}

void pv_guest_exception(struct vcpu *v, unsigned int vec)
{
	const struct cpu_regs *r = &v->pv.regs;
	const struct pv_trap *t;
	bool has_err;

	if (vec == TRAP_PF && pv_translated(v->domain) && pv_shadow_fault(v))
		return;
	if ((vec == TRAP_PF && v->pv.kernel_mode && pv_ptwr_fault(v)) ||
	    (vec == TRAP_UD && (pv_forced_cpuid(v) || pv_xonly_ud(v, &vec))))
		return;
	if (vec == TRAP_DB && pv_debug_hold_movss(v))
		return;
	if (vec == TRAP_NM)
		pv_fpu_nm(v);
	if (vec == TRAP_GP && (pv_emulate_io(v) || pv_emulate_priv(v)))
		return;
	if (vec == TRAP_GP && pv_gp_is_stack_fault(v))
		vec = TRAP_SS;		/* QEMU's #GP for #SS (pv_stackref.c) */
	has_err = vec < 32 && (ERRCODE_VECTORS >> vec) & 1;
	if (vec == TRAP_GP && soft_interrupt(v, &vec))
		has_err = false;
	else if (vec == TRAP_PF)
		set_cr2(v, v->pv.cr2);
	t = vec < 256 ? trap_of(v, vec) : NULL;
	if (t && bounce(v, t, has_err, r->error_code))
		return;
	/* crash_reason holds 96 bytes: the essentials only. */
	domain_crash(v->domain, "%s at %#llx (error %#llx, cr2 %#llx): %s",
		     vec == PV_VECTOR_SYSCALL32 ? "SYSCALL from 32-bit code" : trap_name(vec),
		     (unsigned long long)r->rip, (unsigned long long)r->error_code,
		     (unsigned long long)v->pv.cr2, t ? "no stack for the frame" : "no trap table");
}

static bool trap_info_ok(const struct trap_info *ti)
{
	return mmu_va_is_canonical(ti->address) && pv_guest_va_ok(ti->address) &&
	       ((ti->cs | 3) == FLAT_KERNEL_CS || (ti->cs | 3) == FLAT_RING3_CS32);
}

/* One pass over the guest's table: check every entry, and with `apply`
 * also install it. The number of entries, or -EFAULT / -EINVAL. */
static long walk_trap_table(struct vcpu *v, uint64_t gva, bool apply)
{
	struct trap_info ti;
	unsigned int i;

	for (i = 0; i < NR_TRAPS; i++, gva += sizeof(ti)) {
		if (copy_from_guest(v, &ti, gva, sizeof(ti)))
			return -EFAULT;
		if (!ti.address)
			break;
		if (!trap_info_ok(&ti))
			return -EINVAL;
		if (apply)
			v->pv.traps[ti.vector] = (struct pv_trap){ ti.address,
								   (uint16_t)(ti.cs | 3), ti.flags };
	}
	return i;
}

/* set_trap_table(table): entries up to one whose address is 0; NULL
 * clears the table. A handler must be guest code on a flat ring-3 code
 * segment: one in the hypervisor's part of the address space is -EINVAL.
 * The whole table is checked before any entry is installed (a vCPU's
 * own call: its domain has one vCPU, nothing else writes it meanwhile). */
static long set_trap_table(struct vcpu *v, uint64_t gva)
{
	long rc;

	if (!v->pv.traps) {
		uint64_t pa = domain_page_alloc(v->domain);

		if (!pa)
			return -ENOMEM;
		v->pv.traps = phys_to_virt(pa);
	}
	if (!gva) {
		memset(v->pv.traps, 0, NR_TRAPS * sizeof(struct pv_trap));
		return 0;
	}
	rc = walk_trap_table(v, gva, false);
	if (rc >= 0)
		rc = walk_trap_table(v, gva, true);
	return rc < 0 ? rc : 0;
}

/* iret: the guest's stack holds struct iret_context (the hypercall
 * page's stub pushed RAX, R11 and RCX onto the frame the guest gave).
 * Back to a guest code segment (flat, or a DPL-3 code entry of its own
 * GDT), never to ring 0 or a hypervisor segment, RIP and RSP as IRETQ
 * takes them;
 * a CS with RPL 3 enters guest user mode (its page tables must exist),
 * RPL 0 stays in the kernel; events as its RFLAGS.IF says. */
void pv_iret(struct vcpu *v)
{
	struct cpu_regs *r = &v->pv.regs;
	struct iret_context c = { 0 };
	bool read = !copy_from_guest(v, &c, r->rsp, sizeof(c));

	/* CS's bits 32-39 hold the upcall mask of a bounce frame: only the
	 * selector counts, RFLAGS.IF says what becomes of events. */
	c.cs &= 0xffff;
	if (!read || !pv_guest_cs_ok(v, (uint16_t)(c.cs | 3))) {
		domain_crash(v->domain, "iret with a bad frame at %#llx (cs %#llx, rip %#llx)",
			     (unsigned long long)r->rsp, (unsigned long long)c.cs,
			     (unsigned long long)c.rip);
		return;
	}
	if ((c.cs & 3) == 3) {
		if (!v->pv.guest_user_cr3) {
			domain_crash(v->domain, "iret to user mode without user page tables");
			return;
		}
		pv_toggle_guest_mode(v);
	}
	if (!(c.flags & VGCF_in_syscall)) {
		r->r11 = c.r11;
		r->rcx = c.rcx;
	}
	r->rip = c.rip;
	r->cs = c.cs | 3;
	r->rflags = c.rflags;
	pv_io_iret(v, c.rflags);
	r->rsp = c.rsp;
	r->ss = FLAT_KERNEL_SS;
	set_upcall_mask(v, !(c.rflags & X86_EFLAGS_IF));
	r->rax = c.rax;
	/* IRETQ loads a non-canonical RSP as it is (the guest's first use of
	 * that stack is its own fault), but a non-canonical RIP is its #GP
	 * in ring 0 on hardware (QEMU's TCG lets it through and faults at
	 * the fetch): the same outcome as that fault, on every CPU. */
	if (!mmu_va_is_canonical(c.rip))
		pv_entry_fault(v);
}

/* Which callbacks a 64-bit PV guest may register (any other type is
 * Xen's -ENOSYS). */
static bool callback_type_ok(unsigned int type)
{
	return type == CALLBACKTYPE_event || type == CALLBACKTYPE_failsafe ||
	       type == CALLBACKTYPE_syscall || type == CALLBACKTYPE_syscall32 ||
	       type == CALLBACKTYPE_sysenter || type == CALLBACKTYPE_nmi;
}

/* Xen's register_guest_callback: the address first (not canonical:
 * -EINVAL; Umbra also refuses one in the hypervisor's part of the
 * address space), then the type. CALLBACKF_mask_events is kept for
 * every type; the event callback masks events whatever it says. */
static long set_callback(struct vcpu *v, unsigned int type, uint64_t address, unsigned int flags)
{
	if (address && (!mmu_va_is_canonical(address) || !pv_guest_va_ok(address)))
		return -EINVAL;
	if (!callback_type_ok(type))
		return -ENOSYS;
	v->pv.callback[type] = address;
	v->pv.callback_flags[type] = (uint8_t)(flags & CALLBACKF_mask_events);
	return 0;
}

/* callback_op: register a callback, or unregister one. As in Xen only
 * the NMI callback can be unregistered; the others are replaced, never
 * removed (-EINVAL). The event callback is delivered (pv_deliver_events),
 * the failsafe when a selector cannot be loaded or the entry IRET faults,
 * the syscall callbacks on SYSCALL from user mode; the NMI callback is
 * recorded only. */
static long callback_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	struct callback_register reg;
	struct callback_unregister unreg;

	switch (cmd) {
	case CALLBACKOP_register:
		if (copy_from_guest(v, &reg, arg, sizeof(reg)))
			return -EFAULT;
		return set_callback(v, reg.type, reg.address, reg.flags);
	case CALLBACKOP_unregister:
		if (copy_from_guest(v, &unreg, arg, sizeof(unreg)))
			return -EFAULT;
		if (unreg.type == CALLBACKTYPE_nmi)
			return set_callback(v, unreg.type, 0, 0);
		return callback_type_ok(unreg.type) ? -EINVAL : -ENOSYS;
	default:
		return -ENOSYS;
	}
}

/* set_callbacks(event, failsafe, syscall), the older form, as Xen's
 * do_set_callbacks: each registered on its own with flags 0 (neither
 * the failsafe nor the syscall callback masks events), one that is
 * refused left as it was, and the result always 0. */
static long set_callbacks(struct vcpu *v, const uint64_t *args)
{
	static const unsigned int types[3] = {
		CALLBACKTYPE_event, CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall,
	};

	for (unsigned int i = 0; i < 3; i++)
		set_callback(v, types[i], args[i], 0);
	return 0;
}

/* set_segment_base(which, base): FS, and GS for guest kernel or user
 * mode; a base in the hypervisor's part of the address space (or not
 * canonical) is -EINVAL. SEGBASE_GS_USER_SEL: pv_gs_user_sel(). */
static long set_segment_base(struct vcpu *v, uint64_t which, uint64_t base)
{
	if (which == SEGBASE_GS_USER_SEL)
		return pv_gs_user_sel(v, (uint16_t)base);
	if (which > SEGBASE_GS_KERNEL)
		return -EINVAL;
	if (!mmu_va_is_canonical(base) || !pv_guest_va_ok(base))
		return -EINVAL;
	if (which == SEGBASE_FS)
		v->pv.fs_base = base;
	else if (which == SEGBASE_GS_USER)
		v->pv.gs_base_user = base;
	else
		v->pv.gs_base_kernel = base;
	return 0;
}

/* vm_assist(cmd, type): the assists Xen offers a 64-bit PV guest and
 * Umbra has: writable page tables (the one that changes anything), and
 * those that mean nothing in long mode or on a machine without a
 * guest-visible m2p (4gb_segments[_notify], pae_extended_cr3,
 * m2p_strict), accepted as Xen accepts them, runstate_update_flag,
 * which the common runstate code honours (d->vm_assist), and
 * architectural_iopl (pv_io.c). */
#define VMASST_HAVE	((1ULL << VMASST_TYPE_4gb_segments) | \
			 (1ULL << VMASST_TYPE_4gb_segments_notify) | \
			 (1ULL << VMASST_TYPE_writable_pagetables) | \
			 (1ULL << VMASST_TYPE_pae_extended_cr3) | \
			 (1ULL << VMASST_TYPE_runstate_update_flag) | \
			 (1ULL << VMASST_TYPE_m2p_strict) | \
			 (1ULL << VMASST_TYPE_architectural_iopl))

static long vm_assist(struct vcpu *v, uint64_t cmd, uint64_t type)
{
	if (cmd != VMASST_CMD_enable && cmd != VMASST_CMD_disable)
		return -ENOSYS;
	if (type >= 64 || !((VMASST_HAVE >> type) & 1))
		return -EINVAL;
	if (type == VMASST_TYPE_writable_pagetables)
		v->domain->pv->writable_pt = cmd == VMASST_CMD_enable;
	if (cmd == VMASST_CMD_enable)
		__atomic_fetch_or(&v->domain->vm_assist, 1ULL << type, __ATOMIC_ACQ_REL);
	else
		__atomic_fetch_and(&v->domain->vm_assist, ~(1ULL << type), __ATOMIC_ACQ_REL);
	return 0;
}

bool pv_hypercall_arch(struct vcpu *v, uint64_t nr, uint64_t *args, long *rc)
{
	if (pv_desc_hypercall(v, nr, args, rc) || pv_user_hypercall(v, nr, args, rc) ||
	    pv_debug_hypercall(v, nr, args, rc) || pv_io_hypercall(v, nr, args, rc)) {
		vcpu_count_hypercall(v, nr);
		return true;
	}
	switch (nr) {
	case __HYPERVISOR_vm_assist:
		*rc = vm_assist(v, args[0], args[1]);
		break;
	case __HYPERVISOR_set_segment_base:
		*rc = set_segment_base(v, args[0], args[1]);
		break;
	case __HYPERVISOR_callback_op:
		*rc = callback_op(v, args[0], args[1]);
		break;
	case __HYPERVISOR_set_callbacks:
		*rc = set_callbacks(v, args);
		break;
	case __HYPERVISOR_set_trap_table:
		*rc = set_trap_table(v, args[0]);
		break;
	case __HYPERVISOR_mmu_update:
		*rc = pv_do_mmu_update(v, args);
		break;
	case __HYPERVISOR_mmuext_op:
		*rc = pv_do_mmuext_op(v, args);
		break;
	case __HYPERVISOR_update_va_mapping:
		*rc = pv_do_update_va_mapping(v, args);
		break;
	case __HYPERVISOR_memory_op:
		if (!pv_xonly_memory_op(v, args[0], args[1], rc))
			return false;
		break;
	default:
		return false;
	}
	vcpu_count_hypercall(v, nr);
	return true;
}
