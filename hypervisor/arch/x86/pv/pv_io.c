/*
 * A PV guest's I/O privilege, as Xen's PV ABI has it. The guest always
 * runs with the real IOPL 0 (else it could play with the real interrupt
 * flag), so CLI, STI, IN and OUT raise #GP in ring 3, in guest kernel
 * and user mode alike; Umbra looks at the vCPU's virtual IOPL:
 *
 * - the privilege of the code that ran it: guest user mode 3; the guest
 *   kernel 1 (PHYSDEVOP_set_iopl's classic ABI), or 0 with
 *   VMASST_TYPE_architectural_iopl, where the iret hypercall also sets
 *   the virtual IOPL from the frame's RFLAGS and every bounce frame
 *   carries it (pv_traps.c);
 * - at or below the virtual IOPL, CLI and STI do nothing (events are
 *   masked through vcpu_info, as in Xen) and IN/OUT complete on ports
 *   the domain may use: none of Umbra's domains may use any, so a read
 *   gives all ones and a write goes nowhere, as Xen does for ports a
 *   domain was not given;
 * - above it, the #GP(0) is the guest's.
 *
 * String I/O (INS/OUTS) is not emulated: it stays the guest's #GP. I/O
 * breakpoints in DR7 are recorded (pv_debug.c) but never fire.
 */
#include <asm/guest_access.h>
#include <asm/x86.h>
#include <public/physdev.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include "pv_io.h"

#define IOPL_SHIFT	12

static unsigned int vcpl(const struct vcpu *v)
{
	if (!v->pv.kernel_mode)
		return 3;
	return (v->domain->vm_assist >> VMASST_TYPE_architectural_iopl) & 1 ? 0 : 1;
}

static bool iopl_ok(const struct vcpu *v)
{
	return vcpl(v) <= v->pv.iopl;
}

static void in_all_ones(struct cpu_regs *r, unsigned int bytes)
{
	if (bytes == 4)
		r->rax = 0xffffffffULL;	/* a 32-bit result zero-extends */
	else if (bytes == 2)
		r->rax |= 0xffff;
	else
		r->rax |= 0xff;
}

bool pv_emulate_io(struct vcpu *v)
{
	struct cpu_regs *r = &v->pv.regs;
	unsigned int len = 0, bytes = 4;
	uint8_t op;

	if (r->error_code || fetch_from_guest(v, &op, r->rip, 1))
		return false;
	/* An operand-size prefix and a REX byte are all IN/OUT take. */
	if (op == 0x66) {
		bytes = 2;
		if (fetch_from_guest(v, &op, r->rip + ++len, 1))
			return false;
	}
	if ((op & 0xf0) == 0x40 && fetch_from_guest(v, &op, r->rip + ++len, 1))
		return false;
	switch (op) {
	case 0xfa:			/* cli */
	case 0xfb:			/* sti */
		if (len)
			return false;
		len = 1;
		break;
	case 0xe4:			/* in $imm8, %al / %ax / %eax */
	case 0xe5:
	case 0xe6:			/* out ..., $imm8 */
	case 0xe7:
		len += 2;
		break;
	case 0xec:			/* in %dx, %al / %ax / %eax */
	case 0xed:
	case 0xee:			/* out ..., %dx */
	case 0xef:
		len += 1;
		break;
	default:
		return false;
	}
	if (!iopl_ok(v))
		return false;
	if (op == 0xe4 || op == 0xec)
		in_all_ones(r, 1);
	else if (op == 0xe5 || op == 0xed)
		in_all_ones(r, bytes);
	r->rip += len;
	return true;
}

/* physdev_op(PHYSDEVOP_set_iopl, arg). */
static long set_iopl(struct vcpu *v, uint64_t arg)
{
	struct physdev_set_iopl s;

	if (copy_from_guest(v, &s, arg, sizeof(s)))
		return -EFAULT;
	if (s.iopl > 3)
		return -EINVAL;
	v->pv.iopl = (uint8_t)s.iopl;
	return 0;
}

bool pv_io_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args, long *rc)
{
	if (nr != __HYPERVISOR_physdev_op || args[0] != PHYSDEVOP_set_iopl)
		return false;
	*rc = set_iopl(v, args[1]);
	return true;
}

void pv_io_iret(struct vcpu *v, uint64_t rflags)
{
	if ((v->domain->vm_assist >> VMASST_TYPE_architectural_iopl) & 1)
		v->pv.iopl = (uint8_t)((rflags & X86_EFLAGS_IOPL) >> IOPL_SHIFT);
}

uint64_t pv_io_bounce_flags(const struct vcpu *v)
{
	if ((v->domain->vm_assist >> VMASST_TYPE_architectural_iopl) & 1)
		return (uint64_t)v->pv.iopl << IOPL_SHIFT;
	return 0;
}
