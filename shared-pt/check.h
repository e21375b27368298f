/* Invariant checker for shared-pt: recomputes every reference count and
 * type from the tables themselves and compares. Meant for tests, fuzzing
 * and debug builds; O(frames + live tables * 512). Freestanding. */
#ifndef SHARED_PT_CHECK_H
#define SHARED_PT_CHECK_H

#include "shared-pt/shared-pt.h"

enum spt_check_code {
	SPT_CHECK_OK = 0,
	SPT_CHECK_COUNT,	/* general count differs from references */
	SPT_CHECK_TYPE_COUNT,	/* type count differs from type references */
	SPT_CHECK_TYPE,		/* held as two types, or as the wrong one */
	SPT_CHECK_PT_WRITABLE,	/* a live page table is mapped writable */
	SPT_CHECK_PIN,		/* pinned but not a live page table */
	SPT_CHECK_OWNER,	/* live table or pin of no known domain */
	SPT_CHECK_SHADOW,	/* shadow page missing or mislabelled */
	SPT_CHECK_SHADOW_ENTRY,	/* shadow entry differs from the guest's */
	SPT_CHECK_HV_SLOT,	/* guest entry in the hypervisor slots */
	SPT_CHECK_BAD_ENTRY,	/* live entry names no valid target */
	SPT_CHECK_STATS,	/* shadow page counter differs */
	SPT_CHECK_FOREIGN,	/* leaf maps a frame the domain may not map */
	SPT_CHECK_RESERVED,	/* live entry with reserved bits set */
};

struct spt_check_report {
	enum spt_check_code code;
	const char *what;
	uint64_t mfn;
	unsigned int index;
	uint64_t expected;
	uint64_t actual;
};

/* One per machine frame, provided by the caller. */
struct spt_check_scratch {
	uint32_t count;
	uint32_t type_count;
	uint32_t writable;
	uint8_t type;
};

/* 0 if consistent; otherwise -EINVAL and *r describes the first problem. */
int spt_check(const struct spt_machine *m, struct spt_check_scratch *scratch,
	      struct spt_check_report *r);

#endif
