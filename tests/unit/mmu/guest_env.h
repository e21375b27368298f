/* A guest for shadow-engine tests: guest-physical RAM on a host_machine
 * (gfn g at machine frame GENV_RAM_MFN + g, so every 2 MiB extent is
 * aligned), guest tables built with pt_builder, a shadow domain with one
 * vCPU, and helpers that act like the processor and the hypervisor. */
#ifndef TESTS_MMU_GUEST_ENV_H
#define TESTS_MMU_GUEST_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/shadow.h"
#include "tests/unit/mmu/host_machine.h"
#include "tests/unit/mmu/pt_builder.h"

#define GENV_RAM_MFN	512ULL		/* machine frame of gfn 0 (2 MiB-aligned) */
#define GENV_RAM_FRAMES	3584ULL		/* 14 MiB of guest RAM */
#define GENV_FRAMES	8192ULL		/* machine frames; shadows come from the top half */
#define GENV_TABLE_GFN	16ULL		/* guest tables are allocated from here up */

struct genv {
	struct host_machine *hm;
	struct shadow_domain *d;
	struct shadow_vcpu *v;
	struct mmu_mode mode;
	struct ptb b;			/* the current guest address space */
	uint64_t next_table_gfn;
	uint64_t hw_cr3;
	uint64_t baseline_pages;	/* host pages in use before the domain */
};

/* What one guest access came to, after resolving hidden faults. */
struct gaccess {
	enum shadow_action action;	/* SHADOW_FIXED: the access went through */
	uint64_t maddr;
	uint64_t gpa;
	uint32_t error_code;
	int hidden_faults;
};

struct genv *genv_create(const struct shadow_config *cfg);
/* Set before genv_create: the domain's ops.may_be_table (NULL: none). */
extern bool (*genv_may_be_table)(void *ctx, uint64_t gfn);
void genv_destroy(struct genv *e);	/* checks that every page came back */

uint64_t genv_new_table(struct genv *e);	/* gpa of a zeroed guest frame */
uint64_t genv_maddr(uint64_t gpa);		/* where guest RAM puts gpa */
uint64_t *genv_ptr(struct genv *e, uint64_t gpa);

/* A new guest address space (root table), made current with a CR3 write. */
uint64_t genv_new_space(struct genv *e);
int genv_switch(struct genv *e, uint64_t root_gpa);

/* Guest-physical address of the entry for va at level, or 0 if missing. */
uint64_t genv_entry_gpa(struct genv *e, uint64_t va, int level);
uint64_t genv_entry(struct genv *e, uint64_t va, int level);
/* A guest store to a page-table entry, as the hypervisor sees it: trapped
 * and applied with shadow_pt_write() if the frame is tracked. */
void genv_write(struct genv *e, uint64_t gpa, uint64_t value);
void genv_set_entry(struct genv *e, uint64_t va, int level, uint64_t value);

/* One access as the processor running the shadow would make it. Returns
 * 0, or the error of shadow_page_fault(). */
int genv_access(struct genv *e, uint64_t va, unsigned int access, struct gaccess *out);

/* cmocka checks on one access (genv_access must succeed): */
struct gaccess genv_acc(struct genv *e, uint64_t va, unsigned int access);
/* ... it went through, to gpa's machine address; */
void genv_expect_fixed(struct genv *e, uint64_t va, unsigned int access, uint64_t gpa);
/* ... it is the guest's #PF with error code ec. */
void genv_expect_inject(struct genv *e, uint64_t va, unsigned int access, uint32_t ec);
/* Does the shadow already allow the access (no hidden fault needed)? */
int genv_hw_allows(struct genv *e, uint64_t va, unsigned int access);

#endif
