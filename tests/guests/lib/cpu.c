/*
 * The guest's own GDT and TSS, replacing the boot GDT of head.S: user
 * segments for the tests that run code at CPL 3, and a TSS whose RSP0
 * is the stack a trap from CPL 3 lands on. No I/O bitmap, so any port
 * access at CPL 3 raises #GP.
 */
#include "cpu.h"
#include "runtime.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iopb_offset;
} __attribute__((packed));

#define GDT_ENTRIES	7	/* null, 4 segments, a 16-byte TSS descriptor */
#define TSS_AVAILABLE	0x89

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t trap_stack[16384] __attribute__((aligned(16)));

static void set_tss_descriptor(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	gdt[SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   ((uint64_t)TSS_AVAILABLE << 40) |
			   (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[SEL_TSS / 8 + 1] = base >> 32;
}

static void load_segments(void)
{
	__asm__ __volatile__(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"mov %[ds], %%eax\n\t"
		"mov %%eax, %%ds\n\t"
		"mov %%eax, %%es\n\t"
		"mov %%eax, %%ss\n\t"
		"mov %%eax, %%fs\n\t"
		"mov %%eax, %%gs"
		: : [cs] "i"(SEL_KERNEL_CS), [ds] "i"(SEL_KERNEL_DS) : "rax", "memory");
}

void kernel_segments_reload(void)
{
	__asm__ __volatile__(
		"mov %0, %%eax\n\t"
		"mov %%eax, %%ds\n\t"
		"mov %%eax, %%es\n\t"
		"mov %%eax, %%ss"
		: : "i"(SEL_KERNEL_DS) : "rax", "memory");
}

void cpu_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };

	gdt[SEL_KERNEL_CS / 8] = 0x00af9a000000ffffULL;	/* 64-bit code, DPL 0 */
	gdt[SEL_KERNEL_DS / 8] = 0x00cf92000000ffffULL;	/* data, DPL 0 */
	gdt[SEL_USER_DS / 8] = 0x00cff2000000ffffULL;	/* data, DPL 3 */
	gdt[SEL_USER_CS / 8] = 0x00affa000000ffffULL;	/* 64-bit code, DPL 3 */
	tss.rsp[0] = (uint64_t)(uintptr_t)(trap_stack + sizeof(trap_stack));
	tss.iopb_offset = sizeof(tss);
	set_tss_descriptor();
	__asm__ __volatile__("lgdt %0" : : "m"(desc) : "memory");
	load_segments();
	__asm__ __volatile__("ltr %w0" : : "r"(SEL_TSS));
}
