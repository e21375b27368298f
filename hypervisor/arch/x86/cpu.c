/* Per-CPU bring-up common to the boot CPU and the application processors. */
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/smp.h>
#include <asm/svm.h>
#include <umbra/printk.h>
#include <asm/x86.h>

/* The boot CPU's IST stacks until paging_init() gives it guarded ones;
 * the APs get theirs before they start (smp.c). */
static uint8_t boot_ist_stacks[IST_STACKS][IST_STACK_SIZE] __attribute__((aligned(4096)));

/* Descriptor tables first, so that any fault after this is reported. */
void cpu_early_init_this_cpu(unsigned int cpu)
{
	struct percpu *p = this_cpu();

	if (cpu == 0 && !p->ist_top[0])
		for (int i = 0; i < IST_STACKS; i++)
			p->ist_top[i] = (uint64_t)boot_ist_stacks[i] + IST_STACK_SIZE;
	gdt_load_this_cpu();
	idt_load();
	/* FXSAVE/FXRSTOR of guest FPU state need OSFXSR (and XMM state).
	 * OSXSAVE stays clear whatever the loader left: Umbra switches no
	 * XSAVE state, and with it clear no XRSTOR(S) of a PV guest can load
	 * PKRU, which the execute-only hypercall page relies on. */
	write_cr4((read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT) & ~CR4_OSXSAVE);
}

/* Point this CPU's TSS at the IST stacks now in its struct percpu (the
 * CPU reads them from the TSS at each such interrupt). */
void cpu_reload_ist_this_cpu(void)
{
	struct percpu *p = this_cpu();

	for (int i = 0; i < IST_STACKS; i++)
		p->tss.ist[i] = p->ist_top[i];
}

void cpu_init_this_cpu(unsigned int cpu)
{
	struct percpu *p = this_cpu();
	int err;

	apic_init_this_cpu();
	p->apic_id = apic_id();
	/* Before any guest: the first VMSAVE keeps these syscall MSRs as the
	 * host's, and every VMLOAD after an exit brings them back. */
	pv_cpu_init();
	err = svm_enable_this_cpu();
	if (err)
		pr_err("cpu%u: cannot enable SVM (%d)\n", cpu, err);
	p->online = true;
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	pr_debug("cpu%u: online, APIC ID %u, SVM %s\n", cpu, p->apic_id,
		 p->svm_enabled ? "on" : "off");
}
