/*
 * A PV guest's debug registers, as Xen's x86-64 PV ABI has them:
 * set_debugreg(reg, value) and get_debugreg(reg), and the same through
 * `mov %drN` in guest kernel mode (a #GP in ring 3, emulated).
 *
 * The values live in struct pv_vcpu. DR0-3 and DR7 reach the CPU only
 * while the guest runs and only when DR7 enables a breakpoint: loaded
 * just before the entry's IRET, DR7 cleared again right after the exit,
 * so Umbra's own accesses to guest memory (copy_to_guest) never meet a
 * guest breakpoint. DR6 stays virtual: a #DB taken in the guest adds the
 * CPU's DR6 to it (as Xen merges it) and resets the CPU's.
 *
 * What the guest cannot do: point DR0-3 into the hypervisor's part of
 * the address space (or at a non-canonical address), set DR7.GD, or set
 * I/O breakpoints while its virtual CR4.DE is clear: -EPERM, as in Xen.
 * I/O breakpoints it may set are recorded and read back but never fire
 * (no I/O of a PV guest reaches a port, pv_io.c). DR4/DR5 are DR6/DR7
 * while CR4.DE is clear, else -ENODEV like other numbers (hypercall) or
 * the guest's #GP (mov).
 *
 * A #DB can still arrive in ring 0 with the guest's DR7 live: a data
 * breakpoint on a `mov %ss`/`pop %ss` operand is deferred past the next
 * instruction, and when that is SYSCALL or `int` it is delivered at
 * Umbra's entry point (XSA-260). #DB therefore has its own IST stack
 * (idt.c), entry.S swaps GS base when the guest's is still in place, and
 * traps.c lets it pass (debug_trap_hypervisor).
 */
#include <asm/guest_access.h>
#include <asm/insn.h>
#include <asm/x86.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include "mmu/walk.h"
#include "pv_debug.h"
#include "pv_traps.h"

#define DR6_RESERVED_ZERO	(~0xffffefffULL)	/* bit 12, bits 32-63 */
#define DR7_RESERVED_ONE	DR7_DEFAULT
#define DR7_RESERVED_ZERO	(~0xffff27ffULL)	/* bits 11-12, 14-15, 32-63 */
#define DR7_ACTIVE		0xffULL		/* L0-3, G0-3 */
#define DR7_RW_IO		2		/* an R/W field meaning I/O */
#define DR6_HITS		0xfULL		/* B0-B3 */
#define DR6_BS			X86_BIT(14)	/* single step */

static uint64_t dr6_read(void)
{
	uint64_t v;

	__asm__ volatile("mov %%db6, %0" : "=r"(v));
	return v;
}

static void dr6_write(uint64_t v)
{
	__asm__ volatile("mov %0, %%db6" : : "r"(v));
}

static void dr7_write(uint64_t v)
{
	__asm__ volatile("mov %0, %%db7" : : "r"(v));
}

/* DR7: I/O breakpoints only with the guest's CR4.DE, and kept apart
 * (dr7_io): they never reach the CPU, whose CR4.DE is not the guest's.
 * A refused value changes nothing. */
static long set_dr7(struct vcpu *v, uint64_t val)
{
	uint64_t io = 0;

	val = (val & ~DR7_RESERVED_ZERO) | DR7_RESERVED_ONE;
	if (val & DR7_GD)
		return -EPERM;
	if (val & DR7_ACTIVE)
		for (unsigned int i = 16; i < 32; i += 4) {
			if (((val >> i) & 3) != DR7_RW_IO)
				continue;
			if (!v->pv.cr4_de)
				return -EPERM;
			io |= val & (3ULL << ((i - 16) >> 1));
		}
	v->pv.dr7_io = io;
	v->pv.dr7 = val & ~io;
	return 0;
}

long pv_set_debugreg(struct vcpu *v, unsigned int reg, uint64_t val)
{
	switch (reg) {
	case 0:
	case 1:
	case 2:
	case 3:
		/* An address the guest could use itself, never Umbra's. */
		if (!mmu_va_is_canonical(val) || !pv_guest_va_ok(val))
			return -EPERM;
		v->pv.dr[reg] = val;
		return 0;
	case 4:
	case 5:
		/* With CR4.DE they do not exist; without, they are DR6/DR7. */
		if (v->pv.cr4_de)
			return -ENODEV;
		return pv_set_debugreg(v, reg + 2, val);
	case 6:
		v->pv.dr6 = (val & ~DR6_RESERVED_ZERO) | DR6_DEFAULT;
		return 0;
	case 7:
		return set_dr7(v, val);
	default:
		return -ENODEV;
	}
}

bool pv_get_debugreg(struct vcpu *v, unsigned int reg, uint64_t *val)
{
	switch (reg) {
	case 0:
	case 1:
	case 2:
	case 3:
		*val = v->pv.dr[reg];
		return true;
	case 4:
	case 5:
		return !v->pv.cr4_de && pv_get_debugreg(v, reg + 2, val);
	case 6:
		*val = v->pv.dr6;
		return true;
	case 7:
		*val = v->pv.dr7 | v->pv.dr7_io;
		return true;
	default:
		return false;
	}
}

void pv_debug_init(struct vcpu *v)
{
	v->pv.dr6 = DR6_DEFAULT;
	v->pv.dr7 = DR7_RESERVED_ONE;
}

bool pv_debug_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args, long *rc)
{
	uint64_t val;

	switch (nr) {
	case __HYPERVISOR_set_debugreg:
		*rc = args[0] > 7 ? -ENODEV : pv_set_debugreg(v, (unsigned int)args[0], args[1]);
		return true;
	case __HYPERVISOR_get_debugreg:
		/* The value is the result: Xen's ABI has no room for an error
		 * but -EINVAL for a register that does not exist. */
		*rc = args[0] <= 7 && pv_get_debugreg(v, (unsigned int)args[0], &val) ? (long)val
										     : -EINVAL;
		return true;
	default:
		return false;
	}
}

void pv_debug_enter(struct vcpu *v)
{
	if (!(v->pv.dr7 & DR7_ACTIVE))
		return;
	__asm__ volatile("mov %0, %%db0\n\tmov %1, %%db1\n\t"
			 "mov %2, %%db2\n\tmov %3, %%db3"
			 : : "r"(v->pv.dr[0]), "r"(v->pv.dr[1]),
			     "r"(v->pv.dr[2]), "r"(v->pv.dr[3]));
	dr7_write(v->pv.dr7);
}

void pv_debug_exit(struct vcpu *v, unsigned int vec)
{
	if (v->pv.dr7 & DR7_ACTIVE)
		dr7_write(DR7_RESERVED_ONE);
	if (vec == TRAP_DB) {
		uint64_t dr6 = dr6_read();

		dr6_write(DR6_DEFAULT);
		v->pv.db_exit_dr6 = dr6;
		/* Xen's merge: the sticky status bits accumulate, the
		 * reserved-one bits follow the CPU's. */
		v->pv.dr6 |= dr6 & ~DR6_DEFAULT;
		v->pv.dr6 &= dr6 | ~DR6_DEFAULT;
	}
}

/*
 * QEMU 7.2's TCG delivers a data breakpoint hit by MOV SS (POP SS in
 * 32-bit code) right after that instruction; the CPU holds it past the
 * next one (the MOV SS shadow), which is what XSA-260 is about and what
 * XTF's xsa-260 and xsa-265 check first. Umbra corrects for it: a #DB
 * from the guest that is only data breakpoints (no single step), with
 * the guest not single-stepping, right after an instruction that decodes
 * as MOV to SS ending at RIP, is held back; the guest runs one more
 * instruction with TF set by Umbra. The single step that follows is the
 * held #DB, delivered at the CPU's place with the CPU's DR6 (no BS).
 * Any other way out of that instruction (SYSCALL, an exception, `int`)
 * is where the CPU would have delivered the #DB in ring 0, which Xen
 * and Umbra ignore: it is dropped, and Umbra's TF taken out of the
 * guest's saved RFLAGS. A decode that matches by accident only delays a
 * #DB by one instruction; nothing else changes.
 */
static bool after_mov_ss(struct vcpu *v)
{
	const struct cpu_regs *r = &v->pv.regs;
	int mode = (r->cs & 0xffff) == FLAT_RING3_CS32 ? 32 : 64;
	uint8_t b[15];
	struct insn in;

	if (fetch_from_guest(v, b, r->rip - sizeof(b), sizeof(b)))
		return false;
	if (mode == 32 && b[14] == 0x17)
		return true;		/* pop %ss */
	for (unsigned int k = 2; k <= sizeof(b); k++)
		if (insn_decode(&b[sizeof(b) - k], k, mode, &in) == (int)k &&
		    in.map == INSN_MAP_1BYTE && in.opcode == 0x8e && (in.reg & 7) == 2)
			return true;
	return false;
}

bool pv_debug_hold_movss(struct vcpu *v)
{
	struct cpu_regs *r = &v->pv.regs;
	uint64_t dr6 = v->pv.db_exit_dr6;

	if (v->pv.db_held || !(dr6 & DR6_HITS) || (dr6 & DR6_BS) ||
	    (r->rflags & X86_EFLAGS_TF) || !after_mov_ss(v))
		return false;
	v->pv.db_held = true;
	r->rflags |= X86_EFLAGS_TF;
	return true;
}

bool pv_debug_held_after(struct vcpu *v, unsigned int vec)
{
	struct cpu_regs *r = &v->pv.regs;

	if (!v->pv.db_held || (vec >= 32 && vec < 256))
		return false;		/* a host interrupt: not yet run */
	v->pv.db_held = false;
	r->rflags &= ~X86_EFLAGS_TF;
	if (vec == PV_VECTOR_SYSCALL || vec == PV_VECTOR_SYSCALL32) {
		r->r11 &= ~X86_EFLAGS_TF;	/* SYSCALL's copy of RFLAGS */
		return false;
	}
	if (vec == TRAP_DB && (v->pv.db_exit_dr6 & DR6_BS)) {
		v->pv.dr6 &= ~DR6_BS;	/* Umbra's step, not the guest's */
		return true;		/* the held #DB: deliver it now */
	}
	return false;
}

