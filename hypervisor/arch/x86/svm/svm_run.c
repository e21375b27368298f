/* One guest entry: pending events, TLB policy, FPU state, VMRUN, exit. */
#include <asm/hvm.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/svm/exit_inline.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/sched.h>
#include <umbra/sched_keep.h>
#include <umbra/hot.h>

static void fpu_load(const struct vcpu *v)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(v->hvm.fpu));
}

static void fpu_save(struct vcpu *v)
{
	__asm__ volatile("fxsave64 %0" : "=m"(v->hvm.fpu));
}

/* Breakpoint addresses are not in the VMCB; without this one domain
 * would see (and could move) the last one's. */
static void debug_regs_load(const struct vcpu *v)
{
	__asm__ volatile("mov %0, %%db0\n\tmov %1, %%db1\n\t"
			 "mov %2, %%db2\n\tmov %3, %%db3"
			 : : "r"(v->hvm.dr[0]), "r"(v->hvm.dr[1]),
			     "r"(v->hvm.dr[2]), "r"(v->hvm.dr[3]));
}

static void debug_regs_save(struct vcpu *v)
{
	__asm__ volatile("mov %%db0, %0\n\tmov %%db1, %1\n\t"
			 "mov %%db2, %2\n\tmov %%db3, %3"
			 : "=r"(v->hvm.dr[0]), "=r"(v->hvm.dr[1]),
			   "=r"(v->hvm.dr[2]), "=r"(v->hvm.dr[3]));
}

/* Umbra itself uses neither the FPU/SSE registers (it is built without)
 * nor DR0-3, and FXSAVE/FXRSTOR and the DR moves cost thousands of
 * cycles per exit under TCG: a vCPU's copy stays in the registers from
 * its first entry on this pCPU until hvm_vcpu_put() at the end of its
 * slice, so it is switched only when another vCPU runs here. */
static __exit_full void guest_regs_load(struct vcpu *v, struct percpu *p)
{
	if (p->regs_owner == v)
		return;
	fpu_load(v);
	debug_regs_load(v);
	p->regs_owner = v;
}

void hvm_vcpu_put(struct vcpu *v)
{
	struct percpu *p = this_cpu();

	if (p->regs_owner != v)
		return;
	debug_regs_save(v);
	fpu_save(v);
	p->regs_owner = NULL;
}

/* The host's FS/GS/TR/LDTR state and syscall MSRs, which VMLOAD brings
 * back after each exit, never change once the CPU is up: VMSAVE them at
 * this pCPU's first guest entry only. */
static void host_state_save_once(struct percpu *p)
{
	if (p->host_state_saved)
		return;
	__asm__ volatile("vmsave %%rax" : : "a"(p->host_save_pa) : "memory");
	p->host_state_saved = true;
}

/* The ASID's TLB entries may belong to another vCPU (ASIDs are shared
 * when domains outnumber them) or be stale after a migration. Inlined
 * (here and in prepare_events and note_delivered_events): every call and
 * return on the exit path costs a translation lookup under TCG. */
static __exit_path __exit_inline void choose_tlb_flush(struct vcpu *v, struct percpu *p)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	unsigned int slot = vmcb->asid % 64;

	uint64_t gen = __atomic_load_n(&v->domain->tlb_gen, __ATOMIC_SEQ_CST);

	if (p->asid_owner[slot] != v || v->hvm.last_pcpu != p->cpu_id ||
	    v->hvm.tlb_gen != gen)
		vmcb->tlb_control = TLB_CONTROL_FLUSH_ALL;
	/* Read by svm_shadow_defer.c on other CPUs: VMRUN flushes before
	 * the guest runs, so this vCPU holds nothing older from here on. */
	__atomic_store_n(&v->hvm.tlb_gen, gen, __ATOMIC_SEQ_CST);
	p->asid_owner[slot] = v;
	v->hvm.last_pcpu = p->cpu_id;
}

static __exit_path __exit_inline void prepare_events(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint8_t vec = v->upcall_vector ? v->upcall_vector : v->domain->callback_vector;

	if (v->hvm.pending_event) {
		vmcb->event_inj = v->hvm.pending_event;
		v->hvm.pending_event = 0;
	} else if (!(vmcb->event_inj & EVENT_VALID) &&
		   __atomic_load_n(&v->hvm.nmi_pending, __ATOMIC_ACQUIRE) &&
		   __atomic_exchange_n(&v->hvm.nmi_pending, false, __ATOMIC_ACQ_REL)) {
		/* dom0's NMI to its own CPU (svm_dom0_apic.c). */
		vmcb->event_inj = TRAP_NMI | EVENT_TYPE_NMI | EVENT_VALID;
	}
	uint64_t raised = __atomic_load_n(&v->hvm.upcall_raised, __ATOMIC_ACQUIRE);
	bool upcall = vec && raised != v->hvm.upcall_delivered;
	int apic = -1;

	/* A domU's CR8 is its vLAPIC's TPR: under V_INTR_MASKING the guest
	 * moves V_TPR without an exit, so it is handed over both ways. */
	if (!domain_is_dom0(v->domain)) {
		v->hvm.vtpr_entry = vlapic_cr8_of(&v->hvm.vlapic);
		vmcb->int_ctl = (vmcb->int_ctl & ~V_TPR_MASK) | v->hvm.vtpr_entry;
		if (vlapic_irr_maybe_pending(&v->hvm.vlapic))
			apic = vlapic_pending_vector(v);
	}

	v->hvm.upcall_injected = 0;
	v->hvm.vlapic_injected = -1;
	/* One virtual interrupt per entry: the higher vector of the upcall
	 * and the local APIC's; the other goes at a following entry (after
	 * an EOI, at the latest the next tick). */
	if (upcall && apic <= vec) {
		v->hvm.upcall_injected = raised;
	} else if (apic >= 0) {
		vec = (uint8_t)apic;
		v->hvm.vlapic_injected = apic;
	} else {
		return;
	}
	vmcb->int_ctl = (vmcb->int_ctl & 0xffffffffULL) | V_IRQ | V_IGN_TPR |
			(0xfULL << V_INTR_PRIO_SHIFT) | ((uint64_t)vec << V_INTR_VECTOR_SHIFT);
}

/* The CPU clears V_IRQ when the guest takes the interrupt: then every
 * event raised up to this entry is delivered; later ones stay pending. */
static __exit_path __exit_inline void note_delivered_events(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	v->hvm.virq_left = vmcb->int_ctl & V_IRQ ?
			   (int)((vmcb->int_ctl >> V_INTR_VECTOR_SHIFT) & V_INTR_VECTOR_MASK) : -1;
	if (v->hvm.upcall_injected && !(vmcb->int_ctl & V_IRQ))
		v->hvm.upcall_delivered = v->hvm.upcall_injected;
	if (v->hvm.vlapic_injected >= 0 && !(vmcb->int_ctl & V_IRQ))
		vlapic_ack(v, (unsigned int)v->hvm.vlapic_injected);
	if (!domain_is_dom0(v->domain) && (vmcb->int_ctl & V_TPR_MASK) != v->hvm.vtpr_entry)
		vlapic_set_cr8(v, (uint8_t)(vmcb->int_ctl & V_TPR_MASK));
	vmcb->int_ctl &= ~V_IRQ;
}

void hvm_vcpu_upcall_raise(struct vcpu *v)
{
	__atomic_fetch_add(&v->hvm.upcall_raised, 1, __ATOMIC_RELEASE);
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

/* Before each entry. In the guest before the generation is read: a CPU
 * freeing shadow pages that sees this vCPU out of the guest knows its
 * next entry reads the newer generation and flushes. */
static inline void entry_prepare(struct vcpu *v, struct percpu *p)
{
	__atomic_store_n(&v->hvm.in_guest, true, __ATOMIC_SEQ_CST);
	choose_tlb_flush(v, p);
	prepare_events(v);
}

/* The same before the fast path enters the guest again: nothing ran on
 * this pCPU since the vCPU's last entry, so the ASID is still its own
 * and it has not moved (what choose_tlb_flush() looks at in the pCPU's
 * data, which this path then need not touch); only the domain's TLB
 * generation can have moved on (another CPU shrank its mappings). */
static __exit_inline void entry_prepare_again(struct vcpu *v)
{
	__atomic_store_n(&v->hvm.in_guest, true, __ATOMIC_SEQ_CST);
	uint64_t gen = __atomic_load_n(&v->domain->tlb_gen, __ATOMIC_SEQ_CST);

	if (v->hvm.tlb_gen != gen)
		v->hvm.vmcb->tlb_control = TLB_CONTROL_FLUSH_ALL;
	__atomic_store_n(&v->hvm.tlb_gen, gen, __ATOMIC_SEQ_CST);
	prepare_events(v);
}

/* After each exit, before it is handled. */
static inline void exit_note(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	__atomic_store_n(&v->hvm.in_guest, false, __ATOMIC_SEQ_CST);
	vmcb->tlb_control = 0;
	vmcb->event_inj = 0;
	note_delivered_events(v);
	v->stats.runs++;
}

/*
 * Called by svm_vmrun right after #VMEXIT, before the VMSAVE of the
 * guest's and the VMLOAD of the host's FS/GS/TR/LDTR and syscall MSRs:
 * the guest's are still loaded and GIF is clear. So this must not use
 * %gs (this_cpu()), print, fault or wait on another CPU (the vLAPIC's
 * short lock, which the entry preparation takes, is all). A domU's CPUID, RDMSR
 * of an MSR Umbra answers, port I/O that reaches no device or console,
 * and the null hypercall, which change nothing but the vCPU's registers
 * and counters (and the domain's UART registers), are handled here by
 * the same handlers, and the guest entered again at once (true), unless
 * the vCPU must leave
 * its pCPU: a host interrupt (a timer, a kick) that came meanwhile stays
 * pending and ends the next entry with an exit of its own. Anything else
 * (false) leaves through the full path, which handles the exit.
 */
static inline bool exit_is_pure(struct vcpu *v, uint32_t code, uint64_t *msr_val)
{
	switch (code) {
	case VMEXIT_CPUID:
		return !domain_is_dom0(v->domain);
	case VMEXIT_MSR:
		return svm_rdmsr_is_pure(v, msr_val);
	case VMEXIT_IOIO:
		return svm_exit_io_is_pure(v);
	case VMEXIT_VMMCALL:
		return svm_vmmcall_is_null(v);
	case VMEXIT_NPF:
		return svm_dom0_apic_write_is_pure(v);
	}
	return false;
}

__exit_path bool svm_exit_fast(struct vcpu *v, struct percpu *p)
{
	uint32_t code = (uint32_t)v->hvm.vmcb->exit_code, usual;
	uint64_t msr_val = 0;

	(void)p;	/* last_pcpu is its cpu_id: set at this run's entry */
	if (!exit_is_pure(v, code, &msr_val) ||
	    !sched_vcpu_keep_running(v, (unsigned int)v->hvm.last_pcpu))
		return false;
	exit_note(v);
	/* svm_handle_exit()'s work for these exits, without its calls:
	 * CPUID, RDMSR and the null hypercall answered here, from the same
	 * sources as their handlers (the domain's copy of the host leaves,
	 * msr_read(), do_hypercall()), and skipped by one inline re-read;
	 * port I/O and dom0's APIC writes straight to their handlers
	 * (umbra/hot.h). */
	svm_count_exit(v, code);
	if (code == VMEXIT_CPUID) {
		if (!svm_cpuid_answer(v)) {
			svm_exit_cpuid(v);
			goto entry;
		}
		usual = INSN_CPUID;
	} else if (code == VMEXIT_MSR) {
		svm_rdmsr_answer(v, msr_val);
		usual = INSN_RDMSR;
	} else if (code == VMEXIT_VMMCALL) {
		svm_vmmcall_null_answer(v);
		usual = INSN_VMMCALL;
	} else {
		if (code == VMEXIT_IOIO)
			svm_exit_io(v);
		else
			svm_exit_npf(v);	/* dom0's APIC write */
		goto entry;
	}
	svm_skip_usual(v, usual);
entry:
	entry_prepare_again(v);
	return true;
}

__exit_full bool hvm_vcpu_run(struct vcpu *v)
{
	struct percpu *p = this_cpu();
	struct vmcb *vmcb = v->hvm.vmcb;
	uint32_t code;

	entry_prepare(v, p);
	guest_regs_load(v, p);
	host_state_save_once(p);
	/* With V_INTR_MASKING the host's IF decides whether physical
	 * interrupts end the guest's run, so it must be set at VMRUN; GIF
	 * keeps them from being taken here until the guest is left. */
	__asm__ volatile("clgi; sti" ::: "memory");
	svm_vmrun(&v->hvm.regs, v->hvm.vmcb_pa, p->host_save_pa, vmcb, v, p);
	__asm__ volatile("cli; stgi" ::: "memory");
	exit_note(v);
	code = (uint32_t)vmcb->exit_code;
	svm_handle_exit(v);
	return code == VMEXIT_INTR || code == VMEXIT_NMI || code == VMEXIT_SMI ||
	       code == VMEXIT_INIT;
}
