/*
 * Fatal attacks: touching guest-physical memory the domain does not own
 * (past its RAM, the LAPIC page, far above), pointing CR3 outside RAM,
 * and a triple fault. The hypervisor must crash this domain and only
 * this one; returning from any of these is a failure.
 */
#include "cpu.h"
#include "hostile.h"
#include "io.h"
#include "pt.h"
#include "runtime.h"
#include "trap.h"

#define LAPIC_EOI	0xfee000b0ULL
#define HIGH_ALIAS_VA	PML4_SLOT_VA(3)

void attack_read_oob(void)
{
	uint64_t end = domain_mem_end();

	con_printf("hostile: reading guest-physical %#lx\n", (unsigned long)end);
	con_printf("hostile: read %#x\n", *(volatile uint8_t *)(uintptr_t)end);
}

void attack_write_oob(void)
{
	uint64_t target = domain_mem_end() + 0x1000;

	con_printf("hostile: writing guest-physical %#lx\n", (unsigned long)target);
	*(volatile uint64_t *)(uintptr_t)target = 0x686f7374696c6521ULL;
}

void attack_exec_oob(void)
{
	uint64_t target = domain_mem_end() + 0x2000;

	con_printf("hostile: jumping to guest-physical %#lx\n", (unsigned long)target);
	((void (*)(void))(uintptr_t)target)();
}

void attack_write_lapic(void)
{
	con_printf("hostile: writing the LAPIC EOI register at %#lx\n",
		   (unsigned long)LAPIC_EOI);
	*(volatile uint32_t *)(uintptr_t)LAPIC_EOI = 0;
}

/* A guest-physical address as high as the CPU allows, through a mapping
 * of the guest's own making. */
void attack_write_high(void)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	unsigned int bits = cpuid(0x80000008, 0).eax & 0xff;
	uint64_t target = (1ULL << (bits - 1)) - 0x1000;

	if (!pt_map(root, HIGH_ALIAS_VA, target, PTE_W)) {
		con_puts("hostile: out of memory for page tables\n");
		return;
	}
	invlpg(HIGH_ALIAS_VA);
	con_printf("hostile: writing guest-physical %#lx (MAXPHYADDR %u)\n",
		   (unsigned long)target, bits);
	*(volatile uint64_t *)(uintptr_t)HIGH_ALIAS_VA = 1;
}

/* The CPU's next page walk reads a "table" outside the domain's RAM. */
void attack_cr3_oob(void)
{
	uint64_t target = domain_mem_end() + 0x3000;

	con_printf("hostile: loading CR3 with guest-physical %#lx\n", (unsigned long)target);
	write_cr3(target);
	con_puts("hostile: still running on the new CR3\n");
}

void attack_triple_fault(void)
{
	con_puts("hostile: loading an empty IDT, then #UD\n");
	traps_break_idt();
	__asm__ __volatile__("ud2");
}
