/* VMMCALL: Xen's HVM hypercall convention. 64-bit guests pass the number
 * in RAX and arguments in RDI, RSI, RDX, R10, R8; 32-bit guests in EAX and
 * EBX, ECX, EDX, ESI, EDI. Only the guest kernel (CPL 0) may call. */
#include <asm/hvm.h>
#include <asm/svm/svm.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>

static unsigned int guest_cpl(const struct vmcb *vmcb)
{
	return (vmcb->ss.attrib >> 5) & 3;	/* SS.DPL: QEMU ignores VMCB.CPL */
}

void svm_exit_vmmcall(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	const struct guest_regs *r = &v->hvm.regs;
	uint64_t args[HYPERCALL_ARGS];
	long ret;

	svm_skip_insn(v, 3);
	if (guest_cpl(vmcb) != 0) {
		vmcb->rax = (uint64_t)-EPERM;
		return;
	}
	if (svm_guest_is_64bit(vmcb)) {
		args[0] = r->rdi; args[1] = r->rsi; args[2] = r->rdx;
		args[3] = r->r10; args[4] = r->r8;
		ret = do_hypercall(v, vmcb->rax, args);
		vmcb->rax = (uint64_t)ret;
	} else {
		args[0] = (uint32_t)r->rbx; args[1] = (uint32_t)r->rcx;
		args[2] = (uint32_t)r->rdx; args[3] = (uint32_t)r->rsi;
		args[4] = (uint32_t)r->rdi;
		ret = do_hypercall(v, (uint32_t)vmcb->rax, args);
		vmcb->rax = (uint32_t)ret;
	}
}
