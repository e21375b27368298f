/* Where a Linux boot goes: kernel, boot area (zero page, command line,
 * GDT, page tables) and initrd, placed in free RAM (see umbra/linux_boot.h). */
#include <umbra/errno.h>
#include <umbra/linux_boot.h>
#include <umbra/string.h>
#include "mmu/pte.h"

#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)
#define LOW_LIMIT	(4 * GIB)	/* what the identity tables cover */
#define PT_PAGES	6		/* PML4, PDPT, four page directories */
#define GDT_ENTRIES	4

static uint64_t page_up(uint64_t n)
{
	return (n + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static int fail(struct linux_boot_plan *plan, int err, const char *why)
{
	plan->error = why;
	return err;
}

/* Take [addr, addr+size) out of the free RAM the next placements see. */
static int take(struct linux_boot_plan *plan, uint64_t addr, uint64_t size)
{
	return e820_set(&plan->free, addr, size, E820_RESERVED) ?
	       fail(plan, -ENOMEM, "memory map too fragmented") : 0;
}

static uint64_t place_kernel(const struct bzimage *bz, const struct e820_map *free)
{
	uint64_t at;

	if (!bz->relocatable) {
		at = e820_find_ram(free, bz->pref_address, LOW_LIMIT, bz->init_size, PAGE_SIZE, 0);
		return at == bz->pref_address ? at : 0;
	}
	/* At or above pref_address first, as GRUB does: the low 16 MiB stay
	 * free for DMA-limited devices. */
	at = e820_find_ram(free, bz->pref_address, LOW_LIMIT, bz->init_size,
			   bz->kernel_alignment, 0);
	if (!at)
		at = e820_find_ram(free, MIB, LOW_LIMIT, bz->init_size, bz->kernel_alignment, 0);
	return at;
}

static int plan_boot_area(struct linux_boot_plan *plan, uint64_t cmdline_len)
{
	uint64_t cmd_bytes = page_up(cmdline_len + 1);
	uint64_t size = PAGE_SIZE + cmd_bytes + PAGE_SIZE + PT_PAGES * PAGE_SIZE;
	uint64_t at = e820_find_ram(&plan->free, PAGE_SIZE, LOW_LIMIT, size, PAGE_SIZE, 0);

	if (!at)
		return fail(plan, -ENOMEM, "no room below 4 GiB for the zero page and boot tables");
	plan->boot_area = at;
	plan->zero_page = at;
	plan->cmdline = at + PAGE_SIZE;
	plan->gdt = plan->cmdline + cmd_bytes;
	plan->pml4 = plan->gdt + PAGE_SIZE;
	return take(plan, at, size);
}

static int plan_initrd(const struct bzimage *bz, struct linux_boot_plan *plan, uint64_t size)
{
	uint64_t limit = (uint64_t)bz->initrd_addr_max + 1;

	plan->initrd_size = size;
	if (!size)
		return 0;
	if (limit > LOW_LIMIT)
		limit = LOW_LIMIT;
	plan->initrd_addr = e820_find_ram(&plan->free, MIB, limit, size, PAGE_SIZE, 1);
	if (!plan->initrd_addr)
		return fail(plan, -ENOMEM, "no room for the initrd below its initrd_addr_max");
	return take(plan, plan->initrd_addr, page_up(size));
}

int linux_boot_plan(const struct bzimage *bz, const struct e820_map *e820,
		    uint64_t cmdline_len, uint64_t initrd_size,
		    struct linux_boot_plan *plan)
{
	int err;

	memset(plan, 0, sizeof(*plan));
	if (cmdline_len > bz->cmdline_max)
		return fail(plan, -EINVAL, "command line longer than the kernel accepts");
	plan->cmdline_len = cmdline_len;
	plan->free = *e820;
	err = take(plan, 0, PAGE_SIZE);	/* the real-mode IVT and BIOS data */
	if (err)
		return err;
	plan->kernel_addr = place_kernel(bz, &plan->free);
	if (!plan->kernel_addr)
		return fail(plan, -ENOMEM, "no RAM below 4 GiB for the kernel's init_size");
	err = take(plan, plan->kernel_addr, page_up(bz->init_size));
	if (!err)
		err = plan_boot_area(plan, cmdline_len);
	if (!err)
		err = plan_initrd(bz, plan, initrd_size);
	if (err)
		return err;
	plan->entry = plan->kernel_addr + LB_ENTRY64_OFFSET;
	plan->rsi = plan->zero_page;
	plan->cr3 = plan->pml4;
	plan->gdt_base = plan->gdt;
	plan->gdt_limit = GDT_ENTRIES * 8 - 1;
	return 0;
}
