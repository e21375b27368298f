/* A host-side machine for shared-pt: machine memory is an anonymous
 * mapping, the hypervisor's page pool is its first frames, domains get
 * their 2 MiB extents from the top down (so pseudo-physical and machine
 * frame numbers differ). Used by the unit tests, the fuzzer and the
 * benchmark; no cmocka here. */
#ifndef SPT_TEST_HARNESS_H
#define SPT_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared-pt/check.h"
#include "shared-pt/shared-pt.h"

#define H_MAX_DOMS	4
#define H_VCPUS		2
#define H_MAX_GRANTS	8
#define H_PHYS_BITS	40

struct h_grant {
	uint16_t owner, grantee;
	uint64_t mfn;
	bool writable;
};

struct h_page {
	uint64_t pfn, mfn;
	pte_t *p;
};

struct h_dom {
	struct harness *h;
	struct spt_domain d;
	uint64_t *p2m;
	struct spt_vcpu vcpu[H_VCPUS];
	uint64_t next_pfn;		/* guest's bump allocator */
	uint64_t nr_pfns;
};

struct harness {
	uint64_t exec_refused_mfn;	/* spt_ops.may_exec refuses it */
	unsigned long exec_asked;	/* spt_ops.may_exec calls */
	/* spt_ops.hv_leaf allows this hypervisor frame read-only under
	 * protection key H_HV_PKEY (SPT_INVALID_MFN: none). */
	uint64_t hv_page_mfn;
	unsigned long gone_calls;	/* spt_ops.gone calls */
	uint64_t gone_mfn;		/* ... the last one's frame */
	uint8_t *raw;
	size_t raw_len;
	uint8_t *mem;			/* 2 MiB aligned */
	uint64_t nr_frames;
	struct spt_frame *frames;
	struct spt_machine m;
	uint64_t pool_frames;		/* frames [0, pool_frames) */
	uint8_t *pool_used;
	uint64_t pool_in_use;
	long alloc_budget;		/* allocations left; < 0: unlimited */
	uint64_t flushes;		/* flush_tlbs calls */
	long maps_live;			/* map calls not yet unmapped */
	struct h_grant grants[H_MAX_GRANTS];
	unsigned int nr_grants;
	struct spt_check_scratch *scratch;
	uint64_t next_extent;		/* highest free machine extent + 1 */
	enum spt_dir_mode dir_mode;	/* of the domains h_new_domain makes */
	struct h_dom dom[H_MAX_DOMS];
	unsigned int nr_doms;
};

int h_init(struct harness *h, uint64_t frames, uint64_t pool_frames);
void h_fini(struct harness *h);

struct h_dom *h_new_domain(struct harness *h, uint16_t id,
			   unsigned int nr_extents);
struct h_page h_new_page(struct h_dom *g);
struct h_page h_pfn_page(struct h_dom *g, uint64_t pfn);
pte_t *h_frame(struct harness *h, uint64_t mfn);
struct spt_frame *h_info(struct harness *h, uint64_t mfn);
/* The page the MMU walks for live table `mfn`: its shadow, or itself. */
uint64_t h_walked(struct harness *h, uint64_t mfn);
int h_grant(struct harness *h, uint16_t owner, uint16_t grantee,
	    uint64_t mfn, bool writable);
/* The machine's spt_ops.granted: was such a grant made (ctx: harness)? */
bool h_granted(void *ctx, uint16_t owner, uint16_t grantee, uint64_t mfn,
	       bool writable);

/* Entry values: leaves hold machine frames; directories the domain's
 * pseudo-physical frame or, in machine mode, the machine frame behind it
 * (a pseudo-physical hole becomes a frame beyond the machine's RAM, so
 * that both modes refuse it as "no frame"). */
static inline pte_t h_leaf(uint64_t mfn, pte_t flags)
{
	return (mfn << PAGE_SHIFT) | flags;
}

pte_t h_dir(const struct h_dom *g, uint64_t pfn, pte_t flags);

static inline uint64_t h_maddr(uint64_t mfn, unsigned int index)
{
	return (mfn << PAGE_SHIFT) | ((uint64_t)index * sizeof(pte_t));
}

#define H_HV_PKEY	15
#define H_RW	(PTE_P | PTE_W | PTE_U)
#define H_RO	(PTE_P | PTE_U)

/* A fresh L4 -> L3 -> L2 -> L1 chain covering `va` (entries P|W|U), the
 * L1 left empty; nothing validated yet. */
struct h_space {
	struct h_page l4, l3, l2, l1;
	uint64_t va;
};
void h_space_build(struct h_dom *g, struct h_space *s, uint64_t va);

/* Machine-wide checks: 0 if fine, else -1 with a message. */
int h_check(struct harness *h, char *msg, size_t len);
/* Drop every domain's references; then nothing may be left anywhere. */
int h_relinquish_all(struct harness *h, char *msg, size_t len);

/* "State unchanged": guest-visible memory, live shadow pages, frame
 * bookkeeping (stale-TLB hints aside) and vCPU base pointers. */
struct h_snap;
struct h_snap *h_snap_take(struct harness *h);
int h_snap_diff(struct harness *h, const struct h_snap *s, char *msg,
		size_t len);
void h_snap_free(struct h_snap *s);

#endif
