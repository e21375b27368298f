/* Per-CPU GDT and TSS. Each CPU needs its own TSS (IST stacks, busy bit),
 * hence its own GDT. */
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <umbra/string.h>

#define TSS_TYPE_AVAIL	0x89ULL

/* Each CPU's GDT has Xen's x86-64 layout: 0-0xdfff are the running PV
 * guest's descriptors (pv_desc.c copies them in; zero, not present,
 * otherwise), the hypervisor's own and the PV flat ring-3 segments are in
 * the reserved page at 0xe000 (asm/layout.h). */
/* With xpti, the CPUs' that exist are in PV guests' tables (pv/pv_view.c). */
static uint64_t gdt_tables[MAX_CPUS][GDT_SIZE / 8] __attribute__((aligned(4096)));

static void set_tss_desc(uint64_t *gdt, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (TSS_TYPE_AVAIL << 40) | (((limit >> 16) & 0xf) << 48) |
			   (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

/* Load this CPU's GDT, reload the segment registers and the task register. */
void gdt_load_this_cpu(void)
{
	struct percpu *p = this_cpu();
	struct desc_ptr dp = { GDT_SIZE - 1, (uint64_t)gdt_tables[p->cpu_id] };

	p->gdt = gdt_tables[p->cpu_id];
	p->gdt[0] = 0;
	p->gdt[GDT_CS64 / 8] = GDT_DESC_CS64;
	p->gdt[GDT_DS / 8] = GDT_DESC_DS;
	p->gdt[GDT_CS32 / 8] = GDT_DESC_CS32;
	p->gdt[GDT_PV_CS32 / 8] = GDT_DESC_PV_CS32;
	p->gdt[GDT_PV_DS / 8] = GDT_DESC_PV_DS;
	p->gdt[GDT_PV_CS64 / 8] = GDT_DESC_PV_CS64;
	memset(&p->tss, 0, sizeof(p->tss));
	p->tss.iopb_offset = sizeof(p->tss);	/* no I/O bitmap */
	for (int i = 0; i < IST_STACKS; i++)
		p->tss.ist[i] = p->ist_top[i];
	set_tss_desc(p->gdt, &p->tss);

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "ltr %w3"
			 : : "m"(dp), "i"(GDT_CS64), "r"(GDT_DS), "r"(GDT_TSS)
			 : "rax", "memory");
}
