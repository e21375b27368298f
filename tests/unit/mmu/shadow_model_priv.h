/* Internals of the shadow-engine differential model (shadow_model*.c). */
#ifndef TESTS_MMU_SHADOW_MODEL_PRIV_H
#define TESTS_MMU_SHADOW_MODEL_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "tests/unit/mmu/host_machine.h"
#include "tests/unit/mmu/ref_walk.h"
#include "tests/unit/mmu/shadow_model.h"

/* Guest frames [0, MM_LOW_FRAMES) are real memory (two 2 MiB regions);
 * higher frames are backed by made-up machine frames nobody reads. */
#define MM_LOW_FRAMES	1024ULL
#define MM_REAL_BASE	512ULL		/* machine frame of gfn 0, 2 MiB-aligned */
#define MM_SHADOW_FIRST	2048ULL		/* shadow and bookkeeping frames from here */
#define MM_FRAMES	(MM_SHADOW_FIRST + 4096ULL)
#define MM_SYN_BASE	(1ULL << 28)	/* made-up machine frames of high memory */
#define MM_POOL_FIRST	32ULL		/* guest page tables come from this pool */
#define MM_POOL_FRAMES	64ULL
#define MM_SPACES	4
#define MM_VCPUS	2
#define MM_VAS		32
#define MM_REGIONS	64		/* high 2 MiB regions cycle through these modes */
#define MM_KDM		0xffff888000000000ULL	/* the guest's map of its table pool */

enum mm_region { RM_ALIGNED, RM_READONLY, RM_SHIFTED, RM_SCRAMBLED, RM_HOLE, RM_KINDS };

struct model {
	struct host_machine *hm;
	struct mmu_ops ops;		/* hm's allocator and map, the model's p2m */
	uint64_t (*mmem)[512];		/* the model's copy of low guest memory */
	unsigned int low_shift;		/* 1: low memory is not 2 MiB-aligned */
	uint8_t region[MM_REGIONS];

	uint64_t rng;			/* seeded choices ... */
	const uint8_t *data;		/* ... or fuzzer bytes */
	size_t len, pos;
	bool exhausted;

	struct shadow_domain *d;
	struct shadow_vcpu *v[MM_VCPUS];
	int nvcpus, vcpu;		/* vCPUs, and the one acting now */
	int space_of[MM_VCPUS];
	uint64_t space_root[MM_SPACES];
	int nspaces;
	uint64_t next_pool;		/* first pool frame not handed out yet */
	struct mmu_mode mode;
	struct ref_cpu cpu;
	uint64_t vas[MM_SPACES][MM_VAS];	/* addresses recently mapped, per space */
	unsigned int nvas[MM_SPACES];

	uint64_t seed;
	int step;
	const char *op;
	char err[768];
	struct model_totals totals;
};

/* shadow_model_mem.c */
int mm_init(struct model *m);
void mm_fini(struct model *m);
void mm_reset(struct model *m);
uint64_t *mm_guest_frame(struct model *m, uint64_t gfn);
int mm_p2m(struct model *m, uint64_t gfn, struct mmu_p2m *out);
uint64_t *mm_model_table(void *ctx, uint64_t addr);
uint64_t mm_rand(struct model *m, uint64_t bound);
bool mm_chance(struct model *m, unsigned int pct);
int mm_fail(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* shadow_model.c: choices, the guest's operations, checked accesses.
 * Operations return 0, or -1 after mm_fail(); va_out is the address the
 * operation was about, for the check that follows it. */
uint64_t mm_pick_va(struct model *m);
uint64_t mm_used_pool_gfn(struct model *m);
uint64_t mm_pool_alloc(struct model *m);
int mm_check(struct model *m, uint64_t va);
int mm_apply_mode(struct model *m);
int mm_op_map(struct model *m, uint64_t *va_out);
int mm_op_unmap(struct model *m, uint64_t *va_out);
int mm_op_protect(struct model *m, uint64_t *va_out);
int mm_op_random_pte(struct model *m, uint64_t *va_out);
int mm_op_cr3(struct model *m);
int mm_op_mode(struct model *m);
void mm_op_p2m(struct model *m);

#endif
