/*
 * Starting a Linux kernel the way a boot loader does (the Linux x86 boot
 * protocol, Documentation/arch/x86/boot.rst): the bzImage's setup header
 * is checked, the protected-mode kernel, command line, initrd, zero page
 * (struct boot_params), a GDT and identity page tables are laid out in
 * the domain's RAM, and the kernel is entered at its 64-bit entry point
 * (load address + 0x200) in long mode with RSI = the zero page.
 * (hypervisor/common/bzimage.c parses, linux_boot.c lays out and writes.)
 *
 * The image is untrusted: every field is checked against the image size
 * before it is used, and nothing is written unless the whole layout fits.
 */
#ifndef UMBRA_LINUX_BOOT_H
#define UMBRA_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <umbra/e820.h>
#include <umbra/elf_loader.h>

/* Offsets in the image and in the zero page (the setup header sits at the
 * same place in both). */
#define LB_SETUP_SECTS		0x1f1
#define LB_SYSSIZE		0x1f4
#define LB_BOOT_FLAG		0x1fe
#define LB_JUMP_LEN		0x201	/* the header ends at 0x202 + this byte */
#define LB_HEADER		0x202
#define LB_VERSION		0x206
#define LB_TYPE_OF_LOADER	0x210
#define LB_LOADFLAGS		0x211
#define LB_RAMDISK_IMAGE	0x218
#define LB_RAMDISK_SIZE		0x21c
#define LB_CMD_LINE_PTR		0x228
#define LB_INITRD_ADDR_MAX	0x22c
#define LB_KERNEL_ALIGNMENT	0x230
#define LB_RELOCATABLE		0x234
#define LB_XLOADFLAGS		0x236
#define LB_CMDLINE_SIZE		0x238
#define LB_PAYLOAD_OFFSET	0x248	/* from the protected-mode kernel's start */
#define LB_PAYLOAD_LENGTH	0x24c
#define LB_PREF_ADDRESS		0x258
#define LB_INIT_SIZE		0x260
#define LB_HEADER_MIN_END	0x268	/* through handover_offset (2.12+) */
/* zero page only */
#define LB_ACPI_RSDP_ADDR	0x070
#define LB_EXT_RAMDISK_IMAGE	0x0c0
#define LB_EXT_RAMDISK_SIZE	0x0c4
#define LB_EXT_CMD_LINE_PTR	0x0c8
#define LB_E820_ENTRIES		0x1e8
#define LB_E820_TABLE		0x2d0
#define LB_ZERO_PAGE_SIZE	0x1000

#define LB_BOOT_FLAG_MAGIC	0xaa55
#define LB_HEADER_MAGIC		0x53726448	/* "HdrS" */
#define LB_MIN_VERSION		0x020c		/* 2.12: xloadflags, 64-bit entry */
#define LB_LOADER_UNDEFINED	0xff
#define LB_LOADED_HIGH		0x01
#define LB_XLF_KERNEL_64	0x0001
#define LB_ENTRY64_OFFSET	0x200

/* The GDT the 64-bit entry expects: flat __BOOT_CS and __BOOT_DS. */
#define LB_BOOT_CS		0x10
#define LB_BOOT_DS		0x18

struct bzimage {
	uint16_t version;
	uint64_t setup_size;		/* boot sector + real-mode setup */
	const uint8_t *image;
	uint64_t hdr_end;		/* one past the setup header */
	const uint8_t *kernel;		/* the protected-mode part */
	uint64_t kernel_size;
	uint64_t init_size;		/* memory the kernel needs from its load address */
	uint64_t pref_address;
	uint64_t kernel_alignment;
	int relocatable;
	uint32_t cmdline_max;		/* longest command line, without the NUL */
	uint32_t initrd_addr_max;	/* highest byte an initrd may occupy */
	const char *error;		/* why the image was refused (static) */
};

/* Check `size` bytes at `image` as a 64-bit bzImage; 0 or -EINVAL with
 * bz->error set. The image must stay in place while bz is used. */
int bzimage_parse(const void *image, size_t size, struct bzimage *bz);

/* Where everything goes, in guest-physical addresses. */
struct linux_boot_plan {
	uint64_t kernel_addr;
	uint64_t boot_area;		/* zero page, command line, GDT, page tables */
	uint64_t zero_page, cmdline, gdt, pml4;
	uint64_t initrd_addr, initrd_size;
	uint64_t cmdline_len;
	/* The vCPU's first state. */
	uint64_t entry;			/* RIP */
	uint64_t rsi;			/* the zero page */
	uint64_t cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	const char *error;
	struct e820_map free;		/* scratch: RAM not yet taken */
};

/*
 * Plan a boot of `bz` with a command line of `cmdline_len` bytes and an
 * initrd of `initrd_size` bytes (0: none) in a domain whose memory map is
 * `e820`. Identity page tables cover the first 4 GiB, so everything is
 * placed below 4 GiB. 0, or -EINVAL / -ENOMEM with plan->error set.
 */
int linux_boot_plan(const struct bzimage *bz, const struct e820_map *e820,
		    uint64_t cmdline_len, uint64_t initrd_size,
		    struct linux_boot_plan *plan);

/*
 * Write the plan: kernel, command line, initrd, zero page (setup header,
 * e820 map, `rsdp` if not 0), GDT and page tables. 0 or the first
 * writer error (plan->error says which write).
 */
int linux_boot_write(const struct bzimage *bz, struct linux_boot_plan *plan,
		     const struct e820_map *e820, const char *cmdline,
		     const void *initrd, uint64_t rsdp, const struct guest_writer *gw);

#endif
