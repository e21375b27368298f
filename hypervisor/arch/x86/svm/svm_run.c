/* One guest entry: pending events, TLB policy, FPU state, VMRUN, exit. */
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/svm/svm.h>
#include <asm/x86.h>
#include <umbra/domain.h>

static void fpu_load(const struct vcpu *v)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(v->hvm.fpu));
}

static void fpu_save(struct vcpu *v)
{
	__asm__ volatile("fxsave64 %0" : "=m"(v->hvm.fpu));
}

/* The ASID's TLB entries may belong to another vCPU (ASIDs are shared
 * when domains outnumber them) or be stale after a migration. */
static void choose_tlb_flush(struct vcpu *v, struct percpu *p)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	unsigned int slot = vmcb->asid % 64;

	uint64_t gen = __atomic_load_n(&v->domain->tlb_gen, __ATOMIC_ACQUIRE);

	if (p->asid_owner[slot] != v || v->hvm.last_pcpu != p->cpu_id ||
	    v->hvm.tlb_gen != gen)
		vmcb->tlb_control = TLB_CONTROL_FLUSH_ALL;
	v->hvm.tlb_gen = gen;
	p->asid_owner[slot] = v;
	v->hvm.last_pcpu = p->cpu_id;
}

static void prepare_events(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint8_t vec = v->domain->callback_vector;

	if (v->hvm.pending_event) {
		vmcb->event_inj = v->hvm.pending_event;
		v->hvm.pending_event = 0;
	}
	if (v->hvm.upcall_pending && vec)
		vmcb->int_ctl = (vmcb->int_ctl & 0xffffffffULL) | V_IRQ | V_IGN_TPR |
				(0xfULL << V_INTR_PRIO_SHIFT) |
				((uint64_t)vec << V_INTR_VECTOR_SHIFT);
}

void hvm_vcpu_timer_fired(struct vcpu *v)
{
	v->hvm.upcall_pending = true;
}

uint64_t hvm_vcpu_tsc_offset(const struct vcpu *v)
{
	return v->hvm.vmcb->tsc_offset;
}

void hvm_inject_exception(struct vcpu *v, unsigned int vector, int error_code)
{
	uint64_t ev = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID;

	if (error_code >= 0)
		ev |= EVENT_ERR_VALID | ((uint64_t)(uint32_t)error_code << 32);
	v->hvm.pending_event = ev;
}

void hvm_vcpu_run(struct vcpu *v)
{
	struct percpu *p = this_cpu();
	struct vmcb *vmcb = v->hvm.vmcb;

	choose_tlb_flush(v, p);
	prepare_events(v);
	fpu_load(v);
	/* With V_INTR_MASKING the host's IF decides whether physical
	 * interrupts end the guest's run, so it must be set at VMRUN; GIF
	 * keeps them from being taken here until the guest is left. */
	__asm__ volatile("clgi; sti" ::: "memory");
	svm_vmrun(&v->hvm.regs, v->hvm.vmcb_pa, p->host_save_pa);
	__asm__ volatile("cli; stgi" ::: "memory");
	fpu_save(v);
	vmcb->tlb_control = 0;
	vmcb->event_inj = 0;
	/* The CPU clears V_IRQ when the guest takes the interrupt. */
	if (v->hvm.upcall_pending && (vmcb->int_ctl & V_IRQ) == 0)
		v->hvm.upcall_pending = false;
	vmcb->int_ctl &= ~V_IRQ;
	v->stats.runs++;
	svm_handle_exit(v);
}
