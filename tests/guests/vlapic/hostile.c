/* Odd accesses to the APIC page: each is completed (or dropped) and the
 * domain runs on, with the registers as Xen's vLAPIC leaves them. */
#include "runtime.h"
#include "vlapic.h"

static uint8_t rd8(unsigned int off)
{
	return *(volatile uint8_t *)(APIC_PAGE + off);
}

static uint16_t rd16(unsigned int off)
{
	return *(volatile uint16_t *)(APIC_PAGE + off);
}

static uint64_t rd64(unsigned int off)
{
	return *(volatile uint64_t *)(APIC_PAGE + off);
}

static void wr8(unsigned int off, uint8_t v)
{
	*(volatile uint8_t *)(APIC_PAGE + off) = v;
}

static void wr32u(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(APIC_PAGE + off) = v;
}

void hostile_cases(void)
{
	check(rd8(0x30) == 0x14 && rd8(0x32) == 0x05, "byte reads of the version", rd8(0x32));
	check(rd16(0x31) == 0x0500, "unaligned word read", rd16(0x31));
	check(rd64(0x30) == 0x00050014, "qword read: register, then reserved zeros", rd64(0x30));
	check(apic_rd(0x34) == 0 && apic_rd(0xff0) == 0, "reserved offsets read 0",
	      apic_rd(0xff0));
	wr8(0x80, 0x20);
	check(apic_rd(0x80) == 0x20, "byte write merges into TPR", apic_rd(0x80));
	wr32u(0x81, 0xffffffff);
	check(apic_rd(0x80) == 0x20, "unaligned dword write dropped", apic_rd(0x80));
	apic_wr(0x80, 0);
	apic_wr(0x30, 0);
	apic_wr(0xa0, 0xff);
	apic_wr(0x200, 0xffffffff);
	apic_wr(0x100 + 0x70, 0xffffffff);
	check(apic_rd(0x30) == 0x00050014 && apic_rd(0xa0) == 0 && apic_rd(0x200) == 0 &&
	      apic_rd(0x170) == 0, "writes to read-only registers ignored", apic_rd(0x170));
	apic_wr(0x390, 5);
	check(apic_rd(0x390) == 0, "current count is read-only", apic_rd(0x390));
	/* The largest count: divide by 128, about 550 s; then stopped. */
	apic_wr(0x320, 0x10050);
	apic_wr(0x3e0, 0xa);
	apic_wr(0x380, 0xffffffff);
	check(apic_rd(0x390) > 0xff000000u, "largest initial count counts", apic_rd(0x390));
	apic_wr(0x380, 0);
	/* The smallest periodic count: Xen's 100 us floor, for 20 ms. */
	uint32_t before = irq_count[0x51];
	uint64_t t = guest_time_ns();

	apic_wr(0x3e0, 0xb);
	apic_wr(0x320, 0x20051);
	apic_wr(0x380, 1);
	while (guest_time_ns() - t < 20 * NS_PER_MS)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	apic_wr(0x380, 0);
	apic_wr(0x320, 0x10000);
	check(irq_count[0x51] - before <= 201, "periodic count 1: at most one per 100 us",
	      irq_count[0x51] - before);
	/* String stores to the page go nowhere; the domain runs on. */
	__asm__ volatile("cld; rep stosl"
			 : : "D"(APIC_PAGE + 0x800), "c"(16), "a"(0xffffffffu) : "memory");
	check(apic_rd(0xf0) == 0x1ff, "rep stos on the page left SVR alone", apic_rd(0xf0));
	/* Unsupported delivery modes: ignored. */
	apic_wr(0x300, 0x40000 | (2u << 8));
	apic_wr(0x300, 0x40000 | (7u << 8));
	check(true, "SMI and ExtINT IPIs ignored", 0);
}
