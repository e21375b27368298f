/*
 * What the ELF loader's files share about an image being parsed
 * (elf_loader.c reads headers and notes, elf_wx.c plans a PV image's W^X
 * mapping from its section headers): the image, its program headers
 * whichever the class, and reads of unaligned little-endian fields.
 * Internal to the loader; struct elf_image (umbra/elf_loader.h) is what
 * callers see.
 */
#ifndef UMBRA_COMMON_ELF_FILE_H
#define UMBRA_COMMON_ELF_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <umbra/elf_loader.h>
#include <umbra/string.h>

#define PT_LOAD		1
#define PT_NOTE		4
#define PF_X		1u
#define PF_W		2u

struct elf_file {
	const uint8_t *base;
	uint64_t size;
	unsigned int cls;	/* 32 or 64 */
	uint64_t phoff;
	unsigned int phnum;
	bool pv;		/* place by vaddr - virt_base (PV kernels) */
	uint64_t virt_base;
};

/* A program header, whichever the class. paddr is where it is placed in
 * guest-physical memory: p_paddr (PVH) or vaddr - virt_base (PV). */
struct phdr {
	uint32_t type;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
	uint32_t flags;		/* PF_X, PF_W, PF_R */
};

/* Fields are read with memcpy: a boot module need not be aligned. */
static inline uint16_t elf_rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t elf_rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t elf_rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* [off, off + len) lies within [0, limit): checked without overflow. */
static inline bool elf_range_in(uint64_t off, uint64_t len, uint64_t limit)
{
	return off <= limit && len <= limit - off;
}

/* Program header i of a file whose header table was checked. */
void elf_read_phdr(const struct elf_file *f, unsigned int i, struct phdr *ph);

/* Record [start, end) as executable (img->exec_*), merged with a range
 * it touches; false when there is no room left. */
bool elf_add_exec(struct elf_image *img, uint64_t start, uint64_t end);

/*
 * A parsed PV image with writable and executable segments
 * (img->nr_wx): map them per section if the section headers allow it
 * (img->wx_split, their code pages added to img->exec_*), else W^X off
 * (img->wx_load, img->wx_why says why). Never refuses the image: Xen
 * ignores section headers when it builds a PV domain.
 */
void elf_wx_plan(const struct elf_file *f, struct elf_image *img);

#endif
