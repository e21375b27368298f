/*
 * Loading a guest kernel image (ELF32 or ELF64, x86) into a domain's
 * guest-physical memory, PVH style: PT_LOAD segments go to their p_paddr,
 * and the kernel is entered at the address of its
 * XEN_ELFNOTE_PHYS32_ENTRY note (public/elfnote.h).
 *
 * The image is untrusted: every offset and size is checked against the
 * buffer and against the domain's memory before anything is written, and
 * a refused image leaves guest memory untouched. Guest memory is reached
 * only through the caller's callbacks.
 */
#ifndef UMBRA_ELF_LOADER_H
#define UMBRA_ELF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most program headers an image may have (Linux vmlinux has about 5). */
#define ELF_MAX_PHDRS	64

/* Writes into a domain's guest-physical memory; 0 or a negative errno. */
struct guest_writer {
	int (*copy)(void *ctx, uint64_t gpa, const void *src, uint64_t len);
	int (*zero)(void *ctx, uint64_t gpa, uint64_t len);
	void *ctx;
};

struct elf_image {
	unsigned int elf_class;	/* 32 or 64 */
	uint64_t entry;		/* e_entry (a virtual address; PVH ignores it) */
	uint32_t pvh_entry;	/* XEN_ELFNOTE_PHYS32_ENTRY */
	uint64_t load_start;	/* lowest guest-physical byte loaded */
	uint64_t load_end;	/* one past the highest */
	unsigned int nr_load;	/* PT_LOAD segments with memory */
	/* For a PV builder's W^X mapping: the executable ranges (virtual
	 * addresses) of read-only executable PT_LOAD segments and, when a
	 * writable and executable segment (XTF's) is split by its
	 * sections (wx_split), the pages of its code sections. wx_load:
	 * no W^X for this image, wx_why says why (a static string). */
#define ELF_MAX_EXEC	8
	uint64_t exec_start[ELF_MAX_EXEC], exec_end[ELF_MAX_EXEC];
	unsigned int nr_exec;
	unsigned int nr_wx;	/* writable and executable PT_LOADs */
	bool wx_split;
	bool wx_load;
	const char *wx_why;

	/* PV kernels (elf_parse_pv): Xen's PV notes (public/elfnote.h).
	 * Segments are placed at pseudo-physical vaddr - virt_base. */
	uint64_t virt_base;	/* XEN_ELFNOTE_VIRT_BASE, 0 if absent */
	uint64_t pv_entry;	/* XEN_ELFNOTE_ENTRY, else e_entry (virtual) */
	uint64_t hypercall_page;	/* XEN_ELFNOTE_HYPERCALL_PAGE (virtual); 0: none */
	uint64_t virt_start;	/* lowest virtual byte loaded */
	uint64_t virt_end;	/* one past the highest */
	char guest_os[16];	/* XEN_ELFNOTE_GUEST_OS, cut short */
	bool writable_pt;	/* FEATURES asks for writable_page_tables */

	/* Why the image was refused (a static string), and which program
	 * header it is about (-1: none). */
	const char *error;
	int error_phdr;
};

/*
 * Check `size` bytes at `image` as a PVH kernel for a domain with
 * `mem_size` bytes of guest-physical memory and fill *img.
 * Returns 0, or -EINVAL with img->error set.
 */
int elf_parse(const void *image, size_t size, uint64_t mem_size,
	      struct elf_image *img);

/*
 * elf_parse(), then copy every PT_LOAD segment to its p_paddr and zero
 * the rest of its memory size. Nothing is written unless the whole image
 * is acceptable. Returns 0, -EINVAL (refused, img->error says why) or
 * the first error of a callback (img->error says which write).
 */
int elf_load(const void *image, size_t size, uint64_t mem_size,
	     const struct guest_writer *gw, struct elf_image *img);

/*
 * The same for a 64-bit PV kernel: Xen's PV ELF notes instead of the PVH
 * entry (LOADER "generic" and XEN_VERSION "xen-3.0" if given, a FEATURES
 * string with no required feature Umbra lacks, the hypercall page a page
 * of the image, the entry inside it), segments placed at their virtual
 * address minus VIRT_BASE, nothing in the hypervisor's part of the
 * address space. 0, or -EINVAL with img->error set. A writable and
 * executable segment is split by the section headers where they allow
 * it (wx_split), else W^X is off for the image (wx_load, wx_why); the
 * section headers never refuse an image (Xen's PV builder ignores them).
 */
int elf_parse_pv(const void *image, size_t size, uint64_t mem_size,
		 struct elf_image *img);
int elf_load_pv(const void *image, size_t size, uint64_t mem_size,
		const struct guest_writer *gw, struct elf_image *img);

#endif
