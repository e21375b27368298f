/* The SVM side of a vCPU. */
#ifndef ASM_HVM_VCPU_H
#define ASM_HVM_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/vlapic.h>

/* Guest registers the VMCB does not hold (RAX and RSP live there). */
struct guest_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct vmcb;
struct shadow_vcpu;

struct hvm_vcpu {
	struct vmcb *vmcb;
	uint64_t vmcb_pa;
	struct guest_regs regs;
	uint8_t fpu[512] __attribute__((aligned(16)));	/* FXSAVE image */
	uint64_t dr[4];			/* DR0-3: VMRUN switches only DR6/DR7 */
	uint64_t pat;
	uint64_t last_pcpu;		/* for TLB flush decisions */
	uint64_t pending_event;		/* EVENTINJ value to inject next entry */
	/* Callback-vector events: raised counts upcalls (any pCPU),
	 * delivered the last count the guest took; pending while they differ. */
	uint64_t upcall_raised;
	uint64_t upcall_delivered;
	uint64_t upcall_injected;	/* raised count behind this entry's V_IRQ; 0: none */
	int vlapic_injected;		/* the APIC vector in this entry's V_IRQ; -1: none */
	/* V_IRQ's vector if V_IRQ was still set at the last exit; -1: none.
	 * QEMU clears V_IRQ only once a delivery completes. */
	int virq_left;
	uint8_t vtpr_entry;		/* V_TPR (the guest's CR8) given at this entry */
	struct vlapic vlapic;		/* not dom0's: it has its pCPU's APIC */
	uint64_t tlb_gen;		/* domain TLB generation last flushed for */
	/* dom0: the page of the last refused access logged (svm_npf.c) */
	uint64_t refused_page;
	bool refused_logged;
	bool ipi_refused_logged;	/* dom0: an IPI to another CPU was refused */
	bool ioapic_refused_logged;	/* dom0: such an I/O APIC entry was refused */
	bool nmi_pending;		/* an NMI to inject next entry: dom0's own, a domU's NMI IPI */
	bool in_guest;			/* from before that is read until #VMEXIT */
	/* paging=shadow */
	struct shadow_vcpu *shadow;
	uint64_t guest_cr3;		/* the guest's CR3; the VMCB holds the shadow's */
	bool shadow_active;		/* guest paging on: running on shadow tables */
	bool cr0_wp_forced;		/* the VMCB's CR0.WP is set, the guest's is clear */
	bool cr4_pae_forced;		/* the VMCB's CR4.PAE is set, the guest's is clear
					 * (a 2-level guest on PAE shadows) */
};

#endif
