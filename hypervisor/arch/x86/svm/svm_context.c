/* A secondary vCPU's first register state from VCPUOP_initialise. */
#include <asm/hvm.h>
#include <asm/svm/svm.h>
#include <asm/x86.h>
#include <public/hvm/hvm_vcpu.h>
#include <umbra/domain.h>
#include <umbra/errno.h>


/* What a MOV to CR3/CR4 or a WRMSR to EFER would refuse is refused here
 * too: a context must not reach what the intercepts keep out. */
static bool state_valid(uint64_t cr3, uint64_t cr4, uint64_t efer)
{
	return svm_cr3_valid(cr3) && svm_cr4_valid(cr4, efer) &&
	       !(efer & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE));
}

static void flat_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib)
{
	*s = (struct vmcb_seg){ .selector = sel, .attrib = attrib, .limit = 0xffffffff };
}

static void seg32(struct vmcb_seg *s, uint32_t base, uint32_t limit, uint16_t ar)
{
	*s = (struct vmcb_seg){ .attrib = ar & 0xfff, .limit = limit, .base = base };
}

static int load_64(struct vcpu *v, const struct vcpu_hvm_x86_64 *c)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct guest_regs *r = &v->hvm.regs;

	if (!(c->efer & EFER_LME) || (c->cr0 & (CR0_PG | CR0_PE)) != (CR0_PG | CR0_PE) ||
	    (c->cr0 >> 32) || !(c->rflags & X86_EFLAGS_FIXED) || !state_valid(c->cr3, c->cr4, c->efer | EFER_LMA))
		return -EINVAL;
	flat_seg(&vmcb->cs, 0x10, SEG_CODE64);
	flat_seg(&vmcb->ds, 0x18, SEG_DATA);
	vmcb->es = vmcb->ss = vmcb->fs = vmcb->gs = vmcb->ds;
	flat_seg(&vmcb->tr, 0x20, SEG_TSS_BUSY);
	vmcb->tr.limit = 0x67;
	vmcb->efer = c->efer | EFER_LMA | EFER_SVME;
	svm_set_guest_cr0(v, c->cr0);
	svm_set_guest_cr4(v, c->cr4);
	vmcb->rip = c->rip;
	vmcb->rsp = c->rsp;
	vmcb->rflags = c->rflags;
	vmcb->rax = c->rax;
	*r = (struct guest_regs){ .rbx = c->rbx, .rcx = c->rcx, .rdx = c->rdx,
				  .rsi = c->rsi, .rdi = c->rdi, .rbp = c->rbp };
	v->hvm.guest_cr3 = c->cr3;
	vmcb->cr3 = c->cr3;
	return 0;
}

static int load_32(struct vcpu *v, const struct vcpu_hvm_x86_32 *c)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct guest_regs *r = &v->hvm.regs;

	if (!(c->cr0 & CR0_PE) || (c->efer & EFER_LME) || !(c->eflags & X86_EFLAGS_FIXED) ||
	    !(c->cs_ar & SEG_ATTR_P) || !state_valid(c->cr3, c->cr4, c->efer))
		return -EINVAL;
	seg32(&vmcb->cs, c->cs_base, c->cs_limit, c->cs_ar);
	seg32(&vmcb->ds, c->ds_base, c->ds_limit, c->ds_ar);
	seg32(&vmcb->ss, c->ss_base, c->ss_limit, c->ss_ar);
	seg32(&vmcb->es, c->es_base, c->es_limit, c->es_ar);
	vmcb->fs = vmcb->gs = vmcb->ds;
	seg32(&vmcb->tr, c->tr_base, c->tr_limit, c->tr_ar ? c->tr_ar : SEG_TSS_BUSY);
	vmcb->efer = c->efer | EFER_SVME;
	svm_set_guest_cr0(v, c->cr0);
	svm_set_guest_cr4(v, c->cr4);
	vmcb->rip = c->eip;
	vmcb->rsp = c->esp;
	vmcb->rflags = c->eflags;
	vmcb->rax = c->eax;
	*r = (struct guest_regs){ .rbx = c->ebx, .rcx = c->ecx, .rdx = c->edx,
				  .rsi = c->esi, .rdi = c->edi, .rbp = c->ebp };
	v->hvm.guest_cr3 = c->cr3;
	vmcb->cr3 = c->cr3;
	return 0;
}

int hvm_vcpu_load_context(struct vcpu *v, const struct vcpu_hvm_context *ctx)
{
	int err;

	if (ctx->mode == VCPU_HVM_MODE_64B)
		err = load_64(v, &ctx->cpu_regs.x86_64);
	else if (ctx->mode == VCPU_HVM_MODE_32B)
		err = load_32(v, &ctx->cpu_regs.x86_32);
	else
		err = -EINVAL;
	if (!err)
		svm_shadow_mode_changed(v);
	return err;
}
