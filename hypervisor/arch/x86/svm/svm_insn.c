/* The guest instruction at RIP, decoded from guest memory (TCG has no
 * NRIP save or decode assists), and the guest's registers in the form the
 * decoder computes addresses and operands with. */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/svm/exit_inline.h>
#include <asm/svm/svm.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hot.h>
#include "mmu/pte.h"

static int guest_code_mode(const struct vmcb *vmcb)
{
	if (svm_guest_is_64bit(vmcb))
		return 64;
	return (vmcb->cs.attrib & SEG_ATTR_DB) ? 32 : 16;
}

int svm_decode_at_rip(struct vcpu *v, struct insn *insn)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	uint64_t lin = vmcb->cs.base + vmcb->rip;
	unsigned int n = INSN_MAX_LEN;
	uint8_t bytes[INSN_MAX_LEN];
	bool user = svm_guest_cpl(vmcb) == 3;

	/* The 15-byte window may run into an unmapped page: then read up to
	 * the page end only. */
	if (fetch_guest_insn(v, bytes, lin, n, user)) {
		n = PAGE_SIZE - (lin & (PAGE_SIZE - 1));
		if (n > sizeof(bytes))
			n = sizeof(bytes);
		if (fetch_guest_insn(v, bytes, lin, n, user))
			return -EFAULT;
	}
	return insn_decode(bytes, n, guest_code_mode(vmcb), insn);
}

/* The guest's own CR3, for callers off the exit path (asm/svm/exit_inline.h). */
uint64_t svm_guest_cr3(const struct vcpu *v)
{
	return svm_guest_cr3_of(v);
}

/* fetch_guest_insn_short() with the paging state it looks at read from
 * the VMCB without a call: the VMCB's CR0 differs from the guest's in WP
 * alone (svm_shadow.c), which the re-read does not look at. */
static __exit_inline int fetch_short(const struct vcpu *v, uint8_t *dst, uint64_t gva,
				     unsigned int len)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	struct vcpu_paging_state st = {
		.cr0 = vmcb->cr0, .efer = vmcb->efer, .cr3 = svm_guest_cr3_of(v),
	};

	return fetch_guest_insn_short((struct vcpu *)v, &st, dst, gva, len);
}

__exit_handler int svm_fetch_insn_short(const struct vcpu *v, uint8_t *dst, uint64_t gva,
				     unsigned int len)
{
	return fetch_short(v, dst, gva, len);
}

/* Are the bytes at RIP exactly the usual encoding? A re-read of 1-3
 * bytes (fetch_short) instead of the 15-byte window and the
 * decoder; when it cannot be made, the answer is no and the decoder
 * decides. */
static __exit_handler bool insn_is_usual(struct vcpu *v, uint32_t usual)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	unsigned int len = SVM_INSN_LEN(usual);
	uint8_t bytes[4] = { 0 };

	if (fetch_short(v, bytes, vmcb->cs.base + vmcb->rip, len))
		return false;
	return (bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16) ==
	       (usual & 0xffffff);
}

__exit_handler void svm_skip_insn(struct vcpu *v, uint32_t usual)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct insn insn;
	int len;

	if (insn_is_usual(v, usual)) {
		len = (int)SVM_INSN_LEN(usual);
	} else {
		/* Prefixes can make the instruction longer than usual. */
		len = svm_decode_at_rip(v, &insn);
		if (len <= 0)
			len = (int)SVM_INSN_LEN(usual);
		v->stats.insn_slow_decodes++;
	}
	vmcb->rip += (unsigned int)len;
	if (!svm_guest_is_64bit(vmcb))
		vmcb->rip &= 0xffffffffULL;
}

__exit_handler void svm_regs_get(const struct vcpu *v, struct insn_regs *r)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	const struct guest_regs *g = &v->hvm.regs;

	r->gpr[INSN_RAX] = vmcb->rax;
	r->gpr[INSN_RCX] = g->rcx;
	r->gpr[INSN_RDX] = g->rdx;
	r->gpr[INSN_RBX] = g->rbx;
	r->gpr[INSN_RSP] = vmcb->rsp;
	r->gpr[INSN_RBP] = g->rbp;
	r->gpr[INSN_RSI] = g->rsi;
	r->gpr[INSN_RDI] = g->rdi;
	r->gpr[INSN_R8] = g->r8;
	r->gpr[INSN_R9] = g->r9;
	r->gpr[INSN_R10] = g->r10;
	r->gpr[INSN_R11] = g->r11;
	r->gpr[INSN_R12] = g->r12;
	r->gpr[INSN_R13] = g->r13;
	r->gpr[INSN_R14] = g->r14;
	r->gpr[INSN_R15] = g->r15;
	r->rip = vmcb->rip;
	r->seg_base[INSN_SEG_ES] = vmcb->es.base;
	r->seg_base[INSN_SEG_CS] = vmcb->cs.base;
	r->seg_base[INSN_SEG_SS] = vmcb->ss.base;
	r->seg_base[INSN_SEG_DS] = vmcb->ds.base;
	r->seg_base[INSN_SEG_FS] = vmcb->fs.base;
	r->seg_base[INSN_SEG_GS] = vmcb->gs.base;
}

void svm_regs_put(struct vcpu *v, const struct insn_regs *r)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct guest_regs *g = &v->hvm.regs;

	vmcb->rax = r->gpr[INSN_RAX];
	g->rcx = r->gpr[INSN_RCX];
	g->rdx = r->gpr[INSN_RDX];
	g->rbx = r->gpr[INSN_RBX];
	vmcb->rsp = r->gpr[INSN_RSP];
	g->rbp = r->gpr[INSN_RBP];
	g->rsi = r->gpr[INSN_RSI];
	g->rdi = r->gpr[INSN_RDI];
	g->r8 = r->gpr[INSN_R8];
	g->r9 = r->gpr[INSN_R9];
	g->r10 = r->gpr[INSN_R10];
	g->r11 = r->gpr[INSN_R11];
	g->r12 = r->gpr[INSN_R12];
	g->r13 = r->gpr[INSN_R13];
	g->r14 = r->gpr[INSN_R14];
	g->r15 = r->gpr[INSN_R15];
}
