/* VMMCALL: Xen's HVM hypercall convention. 64-bit guests pass the number
 * in RAX and arguments in RDI, RSI, RDX, R10, R8; 32-bit guests in EAX and
 * EBX, ECX, EDX, ESI, EDI. Only the guest kernel (CPL 0) may call. A
 * continued hypercall leaves RIP on the VMMCALL with updated arguments. */
#include <asm/hvm.h>
#include <asm/svm/svm.h>
#include <public/version.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/hot.h>

__exit_handler void svm_exit_vmmcall(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct guest_regs *r = &v->hvm.regs;
	bool wide = svm_guest_is_64bit(vmcb);
	uint64_t *regs64[HYPERCALL_ARGS] = { &r->rdi, &r->rsi, &r->rdx, &r->r10, &r->r8 };
	uint64_t *regs32[HYPERCALL_ARGS] = { &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi };
	uint64_t **regs = wide ? regs64 : regs32;
	uint64_t args[HYPERCALL_ARGS];
	long ret;

	if (svm_guest_cpl(vmcb) != 0) {
		vmcb->rax = (uint64_t)-EPERM;
		svm_skip_insn(v, INSN_VMMCALL);
		return;
	}
	for (int i = 0; i < HYPERCALL_ARGS; i++)
		args[i] = wide ? *regs[i] : (uint32_t)*regs[i];
	v->hypercall_compat = !wide;
	ret = do_hypercall(v, wide ? vmcb->rax : (uint32_t)vmcb->rax, args);
	if (ret == HYPERCALL_CONTINUE) {
		/* RIP stays on the VMMCALL: it runs again with what is left. */
		for (int i = 0; i < HYPERCALL_ARGS; i++)
			*regs[i] = args[i];
		return;
	}
	vmcb->rax = wide ? (uint64_t)ret : (uint32_t)ret;
	svm_skip_insn(v, INSN_VMMCALL);
}
