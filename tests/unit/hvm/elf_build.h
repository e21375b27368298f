/*
 * Builds small ELF32/ELF64 x86 images for the loader tests: an ELF
 * header, program headers (PT_NOTE first, then one PT_LOAD per segment),
 * the notes, then each segment's bytes, so that the image ends in
 * segment data.
 */
#ifndef HVM_ELF_BUILD_H
#define HVM_ELF_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define EB_MAX_SEGS	4
#define EB_MAX_NOTES	4

struct eb_seg {
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
};

struct eb_note {
	const char *owner;	/* written with its NUL */
	uint32_t type;
	const void *desc;
	uint32_t descsz;
};

struct eb_spec {
	int elf_class;		/* 32 or 64 */
	uint64_t entry;
	unsigned int nr_segs;
	struct eb_seg segs[EB_MAX_SEGS];
	unsigned int nr_notes;
	struct eb_note notes[EB_MAX_NOTES];
};

struct eb_layout {
	size_t size;
	size_t phoff;
	size_t phentsize;
	size_t note_off;	/* offset of the first note */
	size_t note_size;
	size_t seg_off[EB_MAX_SEGS];
};

/* Byte i of segment s's file contents. */
static inline uint8_t eb_seg_byte(unsigned int s, uint64_t i)
{
	return (uint8_t)(0x11 * (s + 1) + i * 7);
}

/* Returns the image size, 0 if `cap` is too small. */
size_t eb_build(const struct eb_spec *spec, uint8_t *buf, size_t cap,
		struct eb_layout *lay);

/* A spec for a PVH kernel: text at 1 MiB, data+bss after it, entry note. */
void eb_pvh_spec(struct eb_spec *spec, int elf_class, const uint32_t *entry);

void eb_put16(uint8_t *buf, size_t off, uint16_t v);
void eb_put32(uint8_t *buf, size_t off, uint32_t v);
void eb_put64(uint8_t *buf, size_t off, uint64_t v);

/* Offset of field `f` (EB_P_*) of program header `i`. */
enum { EB_P_TYPE, EB_P_OFFSET, EB_P_PADDR, EB_P_FILESZ, EB_P_MEMSZ, EB_P_ALIGN, EB_P_FLAGS };
size_t eb_phdr_field(int elf_class, const struct eb_layout *lay, unsigned int i, int f);
/* Store v into that field with the field's width. */
void eb_set_phdr(uint8_t *buf, int elf_class, const struct eb_layout *lay,
		 unsigned int i, int f, uint64_t v);

/* A section header of a 64-bit image (what the PV loader reads). */
struct eb_sect {
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* SHF_* */
	uint64_t addr;
	uint64_t size;
};

#define EB_SHT_PROGBITS	1
#define EB_SHT_NOBITS	8
#define EB_SHF_WA	0x3u	/* SHF_WRITE | SHF_ALLOC */
#define EB_SHF_A	0x2u
#define EB_SHF_AX	0x6u
#define EB_SHF_WAX	0x7u

/* Offsets of the 64-bit ELF header's section-table fields. */
#define EB_E_SHOFF	40
#define EB_E_SHENTSIZE	58
#define EB_E_SHNUM	60

/*
 * Append a 64-bit section header table to an image of `size` bytes: a
 * null section, then the `n` given, and point the ELF header at it.
 * Returns the new size, 0 if `cap` is too small.
 */
size_t eb_add_sections(uint8_t *buf, size_t cap, size_t size, const struct eb_sect *s,
		       unsigned int n);

#endif
