/* Writing a planned Linux boot into guest memory (see umbra/linux_boot.h).
 * Everything goes through the caller's writer in small pieces, so no
 * page-sized buffer sits on the hypervisor stack. */
#include <umbra/errno.h>
#include <umbra/linux_boot.h>
#include <umbra/string.h>
#include "mmu/pte.h"

#define PD_PAGES	4
#define PD_BATCH	64		/* directory entries written per call */
#define E820_ENTRY_SIZE	20		/* packed: addr, size, type */

/* Flat segments: 64-bit code (L=1) and read/write data, present, DPL 0. */
#define GDT_CODE64	0x00af9a000000ffffULL
#define GDT_DATA	0x00cf92000000ffffULL

struct writer {
	const struct guest_writer *gw;
	struct linux_boot_plan *plan;
	int err;
};

static void put(struct writer *w, uint64_t gpa, const void *src, uint64_t len,
		const char *what)
{
	if (w->err || !len)
		return;
	w->err = w->gw->copy(w->gw->ctx, gpa, src, len);
	if (w->err)
		w->plan->error = what;
}

static void zero(struct writer *w, uint64_t gpa, uint64_t len, const char *what)
{
	if (w->err)
		return;
	w->err = w->gw->zero(w->gw->ctx, gpa, len);
	if (w->err)
		w->plan->error = what;
}

static void put_le(struct writer *w, uint64_t gpa, uint64_t v, unsigned int len)
{
	put(w, gpa, &v, len, "zero page");	/* x86: little-endian in place */
}

static void write_e820(struct writer *w, const struct e820_map *e820)
{
	uint64_t base = w->plan->zero_page + LB_E820_TABLE;

	for (unsigned int i = 0; i < e820->nr; i++) {
		put_le(w, base + i * E820_ENTRY_SIZE, e820->r[i].addr, 8);
		put_le(w, base + i * E820_ENTRY_SIZE + 8, e820->r[i].size, 8);
		put_le(w, base + i * E820_ENTRY_SIZE + 16, e820->r[i].type, 4);
	}
	put_le(w, w->plan->zero_page + LB_E820_ENTRIES, e820->nr, 1);
}

static void write_zero_page(struct writer *w, const struct bzimage *bz,
			    const struct e820_map *e820, uint64_t rsdp)
{
	const struct linux_boot_plan *p = w->plan;
	uint64_t zp = p->zero_page;
	uint8_t loadflags = bz->image[LB_LOADFLAGS] | LB_LOADED_HIGH;

	zero(w, zp, LB_ZERO_PAGE_SIZE, "zero page");
	put(w, zp + LB_SETUP_SECTS, bz->image + LB_SETUP_SECTS,
	    bz->hdr_end - LB_SETUP_SECTS, "zero page");
	put_le(w, zp + LB_TYPE_OF_LOADER, LB_LOADER_UNDEFINED, 1);
	put_le(w, zp + LB_LOADFLAGS, loadflags, 1);
	put_le(w, zp + LB_CMD_LINE_PTR, (uint32_t)p->cmdline, 4);
	put_le(w, zp + LB_EXT_CMD_LINE_PTR, p->cmdline >> 32, 4);
	put_le(w, zp + LB_RAMDISK_IMAGE, (uint32_t)p->initrd_addr, 4);
	put_le(w, zp + LB_EXT_RAMDISK_IMAGE, p->initrd_addr >> 32, 4);
	put_le(w, zp + LB_RAMDISK_SIZE, (uint32_t)p->initrd_size, 4);
	put_le(w, zp + LB_EXT_RAMDISK_SIZE, p->initrd_size >> 32, 4);
	put_le(w, zp + LB_ACPI_RSDP_ADDR, rsdp, 8);
	write_e820(w, e820);
}

/* PML4[0] -> PDPT, PDPT[0..3] -> four directories of 2 MiB pages: the
 * first 4 GiB identity-mapped, as the 64-bit entry requires. */
static void write_page_tables(struct writer *w)
{
	uint64_t pml4 = w->plan->pml4, pdpt = pml4 + PAGE_SIZE, pd = pdpt + PAGE_SIZE;
	uint64_t batch[PD_BATCH];

	zero(w, pml4, 2 * PAGE_SIZE, "page tables");
	put_le(w, pml4, pdpt | PTE_P | PTE_W, 8);
	for (unsigned int i = 0; i < PD_PAGES; i++)
		put_le(w, pdpt + i * 8, (pd + i * PAGE_SIZE) | PTE_P | PTE_W, 8);
	for (uint64_t n = 0; n < PD_PAGES * PT_ENTRIES; n += PD_BATCH) {
		for (unsigned int i = 0; i < PD_BATCH; i++)
			batch[i] = (n + i) * PAGE_SIZE_2M | PTE_P | PTE_W | PTE_PS;
		put(w, pd + n * 8, batch, sizeof(batch), "page tables");
	}
}

static void write_gdt(struct writer *w)
{
	const uint64_t gdt[] = { 0, 0, GDT_CODE64, GDT_DATA };

	zero(w, w->plan->gdt, PAGE_SIZE, "GDT");
	put(w, w->plan->gdt, gdt, sizeof(gdt), "GDT");
}

int linux_boot_write(const struct bzimage *bz, struct linux_boot_plan *plan,
		     const struct e820_map *e820, const char *cmdline,
		     const void *initrd, uint64_t rsdp, const struct guest_writer *gw)
{
	struct writer w = { gw, plan, 0 };
	const char nul = '\0';

	put(&w, plan->kernel_addr, bz->kernel, bz->kernel_size, "kernel");
	put(&w, plan->cmdline, cmdline, plan->cmdline_len, "command line");
	put(&w, plan->cmdline + plan->cmdline_len, &nul, 1, "command line");
	put(&w, plan->initrd_addr, initrd, plan->initrd_size, "initrd");
	write_zero_page(&w, bz, e820, rsdp);
	write_gdt(&w);
	write_page_tables(&w);
	return w.err;
}
