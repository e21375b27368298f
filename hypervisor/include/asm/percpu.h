/* Per-CPU data, reached through GS base so any code can find its CPU. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <stdint.h>
#include <stdbool.h>
#include <asm/layout.h>
#include <asm/desc.h>

#define MAX_CPUS	64

struct percpu {
	struct percpu *self;		/* at %gs:0 */
	/* A PV vCPU's run (arch/x86/pv/pv_entry.S, at fixed offsets): the
	 * host stack pointer to return on, the top of the vCPU's register
	 * frame, the guest RSP at a SYSCALL, and the top of this CPU's
	 * entry stack (TSS.RSP0 meanwhile), where the guest's registers
	 * are saved before they are copied into the vCPU's frame. */
	uint64_t pv_host_rsp;		/* %gs:8 */
	uint64_t pv_frame_top;		/* %gs:16 */
	uint64_t pv_scratch;		/* %gs:24 */
	uint64_t pv_entry_top;		/* %gs:32 */
	unsigned int cpu_id;		/* dense index, 0 = boot CPU */
	uint32_t apic_id;
	bool online;
	bool svm_enabled;
	uint64_t stack_top;
	uint64_t hsave_pa;		/* SVM host save area */
	uint64_t irq_count;
	uint64_t timer_ticks;
	struct tss64 tss;
	uint64_t *gdt;			/* GDT_SIZE bytes (gdt.c) */
	uint64_t ist_top[IST_STACKS];	/* NMI / #DF / #MC / #DB stacks */
	uint64_t host_save_pa;		/* VMSAVE area for the host's state */
	void *asid_owner[64];		/* last vCPU run per ASID, for flushes */
	/* An NMI sent here on purpose (arch/x86/nmi.c): one for dom0's vCPU
	 * (nmi_guest), or Umbra taking the CPU back (nmi_stop). Any other NMI
	 * in the hypervisor is a fatal trap. */
	bool nmi_guest;
	bool nmi_stop;
	bool stopped;			/* it took nmi_stop and holds still */
	uint32_t dom0_ldr;		/* dom0's pCPUs: the LDR dom0 wrote */
	void *regs_owner;		/* vCPU whose FPU and DR0-3 are loaded */
	bool host_state_saved;		/* host_save_pa holds the host's state */
	/* The PV guest descriptors in this CPU's GDT (pv_desc.c): whose
	 * (a vCPU's gdt_gen) and how many entries. */
	uint64_t pv_gdt_gen;
	unsigned int pv_gdt_ents;
	/* Cross-CPU TLB flushes of PV vCPUs (arch/x86/pv/pv_flush.c): the
	 * vCPU in the guest here now (NULL: none), and the machine-wide
	 * flush generation this CPU last entered a guest with. */
	void *pv_guest;
	uint64_t pv_flush_seen;
};

extern struct percpu percpu_area[MAX_CPUS];
extern unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu_id;
}

void percpu_init(unsigned int cpu, uint32_t apic_id);

#endif
