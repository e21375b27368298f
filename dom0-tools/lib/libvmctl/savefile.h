/*
 * The save file (docs/save-format.md): what `vmctl save` writes and
 * `vmctl restore` reads. All integers little-endian (the only
 * architecture is x86-64). Internal to libvmctl and its tests.
 *
 *   header            struct vmctl_save_header (64 bytes)
 *   section table     nr_sections struct vmctl_save_section (32 bytes each)
 *   sections          at the offsets the table gives, in any order
 *
 * The table is the extension point: a section of a type this reader does
 * not know is skipped if it is flagged VMCTL_SECTION_OPTIONAL and refuses
 * the file otherwise (a newer writer's state that cannot be left out).
 */
#ifndef LIBVMCTL_SAVEFILE_H
#define LIBVMCTL_SAVEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "public/mgmt.h"

#define VMCTL_SAVE_MAGIC	"UMBRASAV"
#define VMCTL_SAVE_FORMAT	2		/* this layout (1: no grant section) */
#define VMCTL_SAVE_ARCH_X86_64	62		/* ELF's EM_X86_64 */

struct vmctl_save_header {
	char magic[8];			/* VMCTL_SAVE_MAGIC, no NUL */
	uint32_t format_version;	/* VMCTL_SAVE_FORMAT */
	uint32_t header_size;		/* sizeof(struct vmctl_save_header) */
	uint32_t arch;			/* VMCTL_SAVE_ARCH_* */
	uint32_t umbra_version;		/* UMBRA_VERSION of the saving Umbra */
	uint32_t mgmt_version;		/* UMBRA_MGMT_INTERFACE_VERSION: the records' layouts */
	uint32_t nr_sections;
	uint64_t file_size;		/* every byte of the file */
	uint32_t crc32;			/* zlib's crc32 of the file, this field zero */
	uint32_t flags;			/* zero */
	uint64_t reserved[2];		/* zero */
};
_Static_assert(sizeof(struct vmctl_save_header) == 64, "save header");

/* Section types. */
#define VMCTL_SECTION_CONFIG	1	/* struct vmctl_save_config */
#define VMCTL_SECTION_VCPU	2	/* struct umbra_vcpu_context; index = vCPU */
#define VMCTL_SECTION_DOMAIN	3	/* struct umbra_domain_state + its records */
#define VMCTL_SECTION_MEMORY	4	/* struct vmctl_save_memory + zlib stream */
#define VMCTL_SECTION_GRANTS	5	/* grant_state's buffer (public/mgmt.h) */
/* 6 and up: free. The store and console rings' state (when Umbra keeps
 * one) is the next candidate. */

#define VMCTL_SECTION_OPTIONAL	(1u << 0)	/* a reader may skip it */

struct vmctl_save_section {
	uint32_t type;			/* VMCTL_SECTION_* */
	uint32_t flags;			/* VMCTL_SECTION_OPTIONAL */
	uint64_t offset;		/* from the file's start */
	uint64_t size;
	uint32_t index;			/* VCPU: the vCPU; else 0 */
	uint32_t reserved;		/* zero */
};
_Static_assert(sizeof(struct vmctl_save_section) == 32, "save section");

/* What vmctl create needs to make the domain again. */
struct vmctl_save_config {
	char name[UMBRA_DOMAIN_NAME_MAX];	/* NUL-terminated */
	uint64_t mem_bytes;
	uint32_t nr_vcpus;
	uint32_t type;			/* UMBRA_DOMAIN_TYPE_* */
	uint32_t paging;		/* UMBRA_PAGING_* */
	uint32_t reserved;		/* zero */
	uint64_t affinity[UMBRA_MAX_VCPUS];	/* each vCPU's pCPUs */
};
_Static_assert(sizeof(struct vmctl_save_config) == 120, "save config");

/*
 * Memory: the domain's RAM from guest-physical 0, in groups of
 * VMCTL_SAVE_GROUP_PAGES pages; each group is its bitmap (bit i: page i
 * of the group is not all zeros and follows) then those pages, in order.
 * The groups, one after another, are one zlib stream after this header;
 * pages left out are zero (a new domain's memory is).
 */
#define VMCTL_SAVE_PAGE		4096u
#define VMCTL_SAVE_GROUP_PAGES	256u
#define VMCTL_SAVE_BITMAP_BYTES	(VMCTL_SAVE_GROUP_PAGES / 8)

struct vmctl_save_memory {
	uint64_t mem_bytes;		/* the config's */
	uint64_t pages;			/* pages in the stream (not zero) */
	uint64_t raw_size;		/* the stream inflated */
	uint32_t page_size;		/* VMCTL_SAVE_PAGE */
	uint32_t group_pages;		/* VMCTL_SAVE_GROUP_PAGES */
};
_Static_assert(sizeof(struct vmctl_save_memory) == 32, "save memory");

/* A file checked whole, and where its parts are (pointers into it). */
struct vmctl_save_parsed {
	const struct vmctl_save_header *hdr;
	const struct vmctl_save_config *config;
	const struct umbra_vcpu_context *vcpu[UMBRA_MAX_VCPUS];
	const struct umbra_domain_state *state;
	const struct umbra_evtchn_record *ports;
	const struct vmctl_save_memory *memory;
	const uint8_t *zdata;		/* the memory's zlib stream */
	size_t zsize;
	const struct umbra_grant_state *grants;	/* its records and pages follow */
	size_t grants_size;
	unsigned int skipped;		/* optional sections not understood */
};

/* The raw stream's size for mem_bytes holding `pages` non-zero pages. */
uint64_t vmctl_save_raw_size(uint64_t mem_bytes, uint64_t pages);

/*
 * Check a whole file (`name` for messages): size, magic, CRC, format,
 * architecture, interface version, the section table and each section.
 * Returns 0 with *p filled, or -EINVAL with the error text saying what
 * is wrong ("'f': truncated: 1000 bytes, the header says 2000").
 */
int vmctl_save_parse(const void *file, size_t size, const char *name,
		     struct vmctl_save_parsed *p);

/*
 * Check a grant section (struct umbra_grant_state, its records, its
 * pages) of size bytes: sizes add up, version 1 or 2, nothing mapped
 * between domains, records with known flags (status frames in version 2
 * only), page-aligned addresses, each index once per kind, as many pages
 * as backed frames. 0 or -EINVAL with the error text set.
 */
int vmctl_save_check_grants(const void *sec, size_t size, const char *name);

/* The CRC the header should hold (its own field taken as zero). */
uint32_t vmctl_save_crc(const void *file, size_t size);

#endif
