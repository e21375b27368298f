/*
 * Guest-physical memory the domain does not own. Loads and stores there
 * (past its RAM, far above) are completed as if no device answered (the
 * LAPIC page as the virtual APIC); running code there, pointing CR3 there and a triple
 * fault are fatal: the hypervisor must crash this domain and only this
 * one, and returning from any of those is a failure.
 */
#include "cpu.h"
#include "hostile.h"
#include "io.h"
#include "pt.h"
#include "runtime.h"
#include "trap.h"

#define LAPIC_EOI	0xfee000b0ULL
#define HIGH_ALIAS_VA	PML4_SLOT_VA(3)

/* Guest-physical addresses where nothing answers (past its RAM, as
 * high as the CPU allows): as on a machine with no device there, loads give all-ones and
 * stores are dropped; the domain goes on. */
static void expect_absent(const char *what, volatile void *p)
{
	volatile uint64_t *q = p;
	volatile uint32_t *d = p;
	volatile uint8_t *b = p;

	check_that(what, *q == ~0ULL, *q);
	*q = 0x686f7374696c6521ULL;
	check_that("  a 64-bit store there is dropped", *q == ~0ULL, *q);
	check_that("  a 32-bit load there reads all-ones", *d == ~0U, *d);
	check_that("  a byte load there reads all-ones", *b == 0xff, *b);
}

void attack_read_oob(void)
{
	uint64_t end = domain_mem_end();

	con_printf("hostile: reading guest-physical %#lx\n", (unsigned long)end);
	expect_absent("a load past the end of RAM reads all-ones", (void *)(uintptr_t)end);
}

void attack_write_oob(void)
{
	uint64_t target = domain_mem_end() + 0x1000;

	con_printf("hostile: writing guest-physical %#lx\n", (unsigned long)target);
	*(volatile uint64_t *)(uintptr_t)target = 0x686f7374696c6521ULL;
	expect_absent("a store past the end of RAM was dropped", (void *)(uintptr_t)target);
}

void attack_exec_oob(void)
{
	uint64_t target = domain_mem_end() + 0x2000;

	con_printf("hostile: jumping to guest-physical %#lx\n", (unsigned long)target);
	((void (*)(void))(uintptr_t)target)();
}

/* The LAPIC page is the vCPU's virtual APIC: EOI with nothing in
 * service does nothing and reads 0 (Xen's answer), a 64-bit store there
 * is completed; the domain goes on. */
void attack_write_lapic(void)
{
	volatile uint64_t *q = (volatile uint64_t *)(uintptr_t)LAPIC_EOI;
	volatile uint8_t *b = (volatile uint8_t *)(uintptr_t)LAPIC_EOI;

	con_printf("hostile: writing the LAPIC EOI register at %#lx\n",
		   (unsigned long)LAPIC_EOI);
	*(volatile uint32_t *)(uintptr_t)LAPIC_EOI = 0;
	check_that("the vLAPIC's EOI register reads 0", *q == 0, *q);
	*q = 0x686f7374696c6521ULL;
	check_that("  a 64-bit store there leaves it 0", *q == 0, *q);
	check_that("  a byte load there reads 0", *b == 0, *b);
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
	expect_absent("a store far above RAM was dropped", (void *)(uintptr_t)HIGH_ALIAS_VA);
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
