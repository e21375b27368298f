/* Per-CPU areas. GS base points at the CPU's own struct percpu so that
 * this_cpu() is one load, on every CPU, with no lookup by APIC ID. */
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/x86.h>

/* Both in PV guests' tables with xpti (pv/pv_view.c): the entry code
 * reads them before it switches tables. */
struct percpu percpu_area[MAX_CPUS] __attribute__((section(".bss.entry")));
/* For the NMI path's check of GS base (pv_entry.S). */
const uint64_t percpu_area_bytes __attribute__((section(".data.entry"))) = sizeof(percpu_area);
unsigned int nr_cpus_online;

void percpu_init(unsigned int cpu, uint32_t apic_id)
{
	struct percpu *p = &percpu_area[cpu];

	p->self = p;
	p->cpu_id = cpu;
	p->apic_id = apic_id;
	wrmsr(MSR_GS_BASE, (uint64_t)p);
}
