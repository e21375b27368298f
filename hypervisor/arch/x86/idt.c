/* The IDT: one gate per vector, all through entry.S into do_trap(). */
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/sections.h>
#include <asm/traps.h>

#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3	0x60	/* `int3`/`into` from ring 3 (PV guests) arrive as such */

static struct idt_gate idt[256] __attribute__((aligned(16), section(".bss.entry")));	/* xpti: pv_view.c */

static void set_gate(unsigned int vec, uint64_t addr, unsigned int ist)
{
	struct idt_gate *g = &idt[vec];

	g->offset_lo = addr & 0xffff;
	g->selector = GDT_CS64;
	g->ist = ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_hi = addr >> 32;
	g->reserved = 0;
}

void idt_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, entry_table[v], 0);
	/* These can arrive on a broken stack; give them known-good ones. */
	idt[TRAP_NMI].ist = IST_NMI;
	/* A PV guest's INT3 and INTO are its #BP and #OF (as on Xen); every
	 * other `int $n` from ring 3 is a #GP the PV code decodes. */
	idt[TRAP_BP].type_attr |= GATE_DPL3;
	idt[TRAP_OF].type_attr |= GATE_DPL3;
	idt[TRAP_DF].ist = IST_DF;
	idt[TRAP_MC].ist = IST_MC;
	/* A PV guest's deferred data breakpoint can arrive at SYSCALL's
	 * entry, still on the guest's stack (XSA-260; pv/pv_debug.c). */
	idt[TRAP_DB].ist = IST_DB;
}

void idt_load(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(p));
}
