/*
 * A vCPU's state for save and restore (asm/hvm.h: hvm_vcpu_context_*):
 * everything the VMCB and struct hvm_vcpu hold for the guest, in the
 * management ABI's struct umbra_vcpu_context. A state is checked whole
 * against what the CPU's VMRUN and Umbra's own intercepts would accept
 * before any of it is loaded: a refused one changes nothing.
 */
#include <asm/hvm.h>
#include <asm/msr.h>
#include <asm/svm/svm.h>
#include <asm/vlapic.h>
#include <asm/x86.h>
#include <public/mgmt.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/sched.h>
#include <umbra/string.h>

/* RFLAGS bits that exist (ID, VIP, VIF, AC, VM, RF, NT, IOPL, OF, DF, IF,
 * TF, SF, ZF, AF, PF, CF, and the fixed bit 1). */
#define RFLAGS_DEFINED		0x003f7fd7ULL
#define MXCSR_OFFSET		24	/* in the FXSAVE image */
#define EVENT_RESERVED		0x7ffff000ULL	/* EVENTINJ bits 30:12 */

static void seg_get(struct umbra_seg *d, const struct vmcb_seg *s)
{
	*d = (struct umbra_seg){ s->selector, s->attrib, s->limit, s->base };
}

static void seg_set(struct vmcb_seg *d, const struct umbra_seg *s)
{
	*d = (struct vmcb_seg){ s->selector, s->attrib, s->limit, s->base };
}

static void regs_get(const struct vcpu *v, struct umbra_vcpu_context *c)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	const struct guest_regs *r = &v->hvm.regs;

	c->rax = vmcb->rax;
	c->rbx = r->rbx;
	c->rcx = r->rcx;
	c->rdx = r->rdx;
	c->rsi = r->rsi;
	c->rdi = r->rdi;
	c->rbp = r->rbp;
	c->rsp = vmcb->rsp;
	c->r8 = r->r8;
	c->r9 = r->r9;
	c->r10 = r->r10;
	c->r11 = r->r11;
	c->r12 = r->r12;
	c->r13 = r->r13;
	c->r14 = r->r14;
	c->r15 = r->r15;
	c->rip = vmcb->rip;
	c->rflags = vmcb->rflags;
}

static void regs_set(struct vcpu *v, const struct umbra_vcpu_context *c)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	vmcb->rax = c->rax;
	vmcb->rsp = c->rsp;
	vmcb->rip = c->rip;
	vmcb->rflags = c->rflags;
	v->hvm.regs = (struct guest_regs){
		.rbx = c->rbx, .rcx = c->rcx, .rdx = c->rdx, .rsi = c->rsi,
		.rdi = c->rdi, .rbp = c->rbp, .r8 = c->r8, .r9 = c->r9,
		.r10 = c->r10, .r11 = c->r11, .r12 = c->r12, .r13 = c->r13,
		.r14 = c->r14, .r15 = c->r15,
	};
}

static void system_get(const struct vcpu *v, struct umbra_vcpu_context *c)
{
	const struct vmcb *vmcb = v->hvm.vmcb;

	c->cr0 = svm_guest_cr0(v);
	c->cr2 = vmcb->cr2;
	c->cr3 = svm_guest_cr3(v);
	c->cr4 = svm_guest_cr4(v);
	c->efer = vmcb->efer & ~EFER_SVME;
	c->dr0 = v->hvm.dr[0];
	c->dr1 = v->hvm.dr[1];
	c->dr2 = v->hvm.dr[2];
	c->dr3 = v->hvm.dr[3];
	c->dr6 = vmcb->dr6;
	c->dr7 = vmcb->dr7;
	seg_get(&c->es, &vmcb->es);
	seg_get(&c->cs, &vmcb->cs);
	seg_get(&c->ss, &vmcb->ss);
	seg_get(&c->ds, &vmcb->ds);
	seg_get(&c->fs, &vmcb->fs);
	seg_get(&c->gs, &vmcb->gs);
	seg_get(&c->ldtr, &vmcb->ldtr);
	seg_get(&c->tr, &vmcb->tr);
	seg_get(&c->gdtr, &vmcb->gdtr);
	seg_get(&c->idtr, &vmcb->idtr);
	c->star = vmcb->star;
	c->lstar = vmcb->lstar;
	c->cstar = vmcb->cstar;
	c->sfmask = vmcb->sfmask;
	c->kernel_gs_base = vmcb->kernel_gs_base;
	c->sysenter_cs = vmcb->sysenter_cs;
	c->sysenter_esp = vmcb->sysenter_esp;
	c->sysenter_eip = vmcb->sysenter_eip;
	c->pat = vmcb->g_pat;
	c->debugctl = vmcb->dbgctl;
}

static void system_set(struct vcpu *v, const struct umbra_vcpu_context *c)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	svm_set_guest_cr0(v, c->cr0);
	vmcb->cr2 = c->cr2;
	svm_set_guest_cr4(v, c->cr4);
	vmcb->efer = c->efer | EFER_SVME;
	v->hvm.guest_cr3 = c->cr3;
	vmcb->cr3 = c->cr3;
	v->hvm.dr[0] = c->dr0;
	v->hvm.dr[1] = c->dr1;
	v->hvm.dr[2] = c->dr2;
	v->hvm.dr[3] = c->dr3;
	vmcb->dr6 = c->dr6;
	vmcb->dr7 = c->dr7;
	seg_set(&vmcb->es, &c->es);
	seg_set(&vmcb->cs, &c->cs);
	seg_set(&vmcb->ss, &c->ss);
	seg_set(&vmcb->ds, &c->ds);
	seg_set(&vmcb->fs, &c->fs);
	seg_set(&vmcb->gs, &c->gs);
	seg_set(&vmcb->ldtr, &c->ldtr);
	seg_set(&vmcb->tr, &c->tr);
	seg_set(&vmcb->gdtr, &c->gdtr);
	seg_set(&vmcb->idtr, &c->idtr);
	vmcb->cpl = (uint8_t)svm_guest_cpl(vmcb);
	vmcb->star = c->star;
	vmcb->lstar = c->lstar;
	vmcb->cstar = c->cstar;
	vmcb->sfmask = c->sfmask;
	vmcb->kernel_gs_base = c->kernel_gs_base;
	vmcb->sysenter_cs = c->sysenter_cs;
	vmcb->sysenter_esp = c->sysenter_esp;
	vmcb->sysenter_eip = c->sysenter_eip;
	vmcb->g_pat = c->pat;
	vmcb->dbgctl = c->debugctl;
}

static bool canonical(uint64_t a)
{
	return (uint64_t)(((int64_t)a << 16) >> 16) == a;
}

static bool segs_valid(const struct umbra_vcpu_context *c, bool long_mode)
{
	const struct umbra_seg *s[] = { &c->es, &c->cs, &c->ss, &c->ds, &c->fs,
					&c->gs, &c->ldtr, &c->tr, &c->gdtr, &c->idtr };

	for (unsigned int i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if ((s[i]->attrib & 0xf000) || !canonical(s[i]->base))
			return false;
	/* L and D/B together are reserved for a code segment. */
	if (long_mode && (c->cs.attrib & SEG_ATTR_L) && (c->cs.attrib & SEG_ATTR_DB))
		return false;
	return (c->tr.attrib & SEG_ATTR_P) != 0;
}

/* CR0, CR3, CR4 and EFER together, as MOV to CR and WRMSR would allow. */
static bool control_valid(const struct umbra_vcpu_context *c)
{
	bool lma = (c->efer & EFER_LME) && (c->cr0 & CR0_PG);

	if ((c->cr0 >> 32) || ((c->cr0 & CR0_PG) && !(c->cr0 & CR0_PE)) ||
	    ((c->cr0 & CR0_NW) && !(c->cr0 & CR0_CD)))
		return false;
	if ((c->efer & ~EFER_GUEST_MASK) || !!(c->efer & EFER_LMA) != lma)
		return false;
	return svm_cr3_valid(c->cr3) && svm_cr4_valid(c->cr4, c->efer);
}

/* An event to inject: valid, a type VMRUN takes, an exception's vector
 * below 32, an error code only with an exception. */
static bool event_valid(uint64_t ev)
{
	uint64_t type = ev & EVENT_TYPE_MASK;

	if (!ev)
		return true;
	if (!(ev & EVENT_VALID) || (ev & EVENT_RESERVED))
		return false;
	if (type == EVENT_TYPE_EXCEPTION)
		return (ev & 0xff) < 32;
	if (ev & EVENT_ERR_VALID)
		return false;
	return type == EVENT_TYPE_INTR || type == EVENT_TYPE_NMI ||
	       type == EVENT_TYPE_SOFT_INT;
}

static bool misc_valid(const struct umbra_vcpu_context *c)
{
	uint32_t mxcsr;

	memcpy(&mxcsr, c->fpu + MXCSR_OFFSET, sizeof(mxcsr));
	return !(c->rflags & ~RFLAGS_DEFINED) && (c->rflags & X86_EFLAGS_FIXED) &&
	       !(c->dr6 >> 32) && !(c->dr7 >> 32) && svm_pat_valid(c->pat) &&
	       !(c->debugctl & ~(DEBUGCTL_LBR | DEBUGCTL_BTF)) &&
	       !(c->interrupt_shadow & ~1ULL) && event_valid(c->pending_event) &&
	       !(mxcsr & ~0xffffu) && canonical(c->kernel_gs_base) &&
	       canonical(c->lstar) && canonical(c->cstar) &&
	       canonical(c->sysenter_esp) && canonical(c->sysenter_eip) &&
	       !(c->sysenter_cs >> 32);
}

int hvm_vcpu_context_check(const struct vcpu *v, const struct umbra_vcpu_context *c)
{
	bool long_mode = c->efer & EFER_LMA;

	if (!control_valid(c) || !segs_valid(c, long_mode) || !misc_valid(c))
		return -EINVAL;
	if (long_mode && (c->cs.attrib & SEG_ATTR_L) && !canonical(c->rip))
		return -EINVAL;
	if (!long_mode && (c->rip >> 32))
		return -EINVAL;
	return vlapic_check_state(v, &c->lapic);
}

void hvm_vcpu_context_get(struct vcpu *v, struct umbra_vcpu_context *c, uint64_t now_ns)
{
	uint64_t raised = __atomic_load_n(&v->hvm.upcall_raised, __ATOMIC_ACQUIRE);

	regs_get(v, c);
	system_get(v, c);
	c->tsc = rdtsc() + v->hvm.vmcb->tsc_offset;
	c->interrupt_shadow = v->hvm.vmcb->int_state & 1;
	c->pending_event = v->hvm.pending_event;
	if (raised != v->hvm.upcall_delivered)
		c->flags |= UMBRA_VCPUCTX_UPCALL_PENDING;
	if (__atomic_load_n(&v->hvm.nmi_pending, __ATOMIC_ACQUIRE))
		c->flags |= UMBRA_VCPUCTX_NMI_PENDING;
	memcpy(c->fpu, v->hvm.fpu, sizeof(c->fpu));
	vlapic_save(v, &c->lapic, now_ns);
}

/* The vCPU is off every pCPU (its domain paused), so its FPU image in
 * memory is the one its next entry loads, and nothing races with the
 * event fields. */
void hvm_vcpu_context_set(struct vcpu *v, const struct umbra_vcpu_context *c)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint64_t delivered = v->hvm.upcall_delivered;

	regs_set(v, c);
	system_set(v, c);
	vmcb->tsc_offset = c->tsc - rdtsc();
	vmcb->int_state = c->interrupt_shadow;
	vmcb->event_inj = 0;
	vmcb->int_ctl &= ~V_IRQ;
	v->hvm.pending_event = c->pending_event;
	v->hvm.upcall_injected = 0;
	v->hvm.vlapic_injected = -1;
	__atomic_store_n(&v->hvm.upcall_raised,
			 delivered + !!(c->flags & UMBRA_VCPUCTX_UPCALL_PENDING), __ATOMIC_RELEASE);
	__atomic_store_n(&v->hvm.nmi_pending, !!(c->flags & UMBRA_VCPUCTX_NMI_PENDING),
			 __ATOMIC_RELEASE);
	memcpy(v->hvm.fpu, c->fpu, sizeof(v->hvm.fpu));
	/* Whatever this pCPU's TLB holds for it is of another state. */
	v->hvm.last_pcpu = ~0ULL;
	vmcb->clean_bits = 0;
	vlapic_load(v, &c->lapic, guest_time_ns(v));
	svm_shadow_mode_changed(v);
}
