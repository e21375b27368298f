/*
 * From two samples to what vmtop shows: one row per domain of the newer
 * sample, with its rates over the interval between them, and the
 * machine's summary. Pure logic (no I/O), unit-tested on recorded
 * samples.
 *
 * A domain of the newer sample is the "same" domain as one of the older
 * sample when it has the same domid, the same name and none of its
 * counters went backwards; otherwise (a new domain, a domid reused by
 * another domain, a re-created one) it has no rates yet and shows 0, as
 * xentop shows a domain it sees for the first time. Rates are never
 * negative, CPU% never exceeds 100 x the domain's vCPUs, and an interval
 * of zero gives rates of zero.
 */
#ifndef VMTOP_RATES_H
#define VMTOP_RATES_H

#include <stdbool.h>
#include <stdint.h>

#include "sample.h"

#define VMTOP_MAX_CPUS		64	/* bits of physinfo's CPU bitmaps */

struct vmtop_row {
	uint32_t domid;
	char name[UMBRA_DOMAIN_NAME_MAX];
	uint32_t state;			/* UMBRA_DOMSTATE_* */
	uint32_t shutdown_reason;
	uint32_t flags;
	uint32_t type;
	uint32_t paging;
	uint64_t mem_bytes;
	uint64_t pool_bytes;
	uint64_t cpu_time_ns;
	uint32_t nr_vcpus;
	/* nr_vcpus of them, in the sample the row was made from (which
	 * must outlive it); NULL when the row was made otherwise. */
	const struct umbra_vcpu_info *vcpu;

	uint64_t exits_total;
	uint64_t hcalls_total;
	uint64_t pt_traps;
	uint64_t paging_bytes;		/* SHADOW(k) */

	bool has_rates;			/* seen, the same, in the last sample */
	bool quiet;			/* has rates, and no counter moved */
	/* Which values the row holds: a number no other row made by
	 * vmtop_rates() had, kept by a row that is the same again (0: a row
	 * made otherwise). Kept lines (lines.h) compare it first. */
	uint64_t seq;
	double cpu_pct;
	double exits_ps;
	double hcalls_ps;
	double pttraps_ps;
	double mem_pct;			/* of the machine's RAM */
};

struct vmtop_summary {
	uint32_t umbra_version;
	uint64_t uptime_ns;
	uint32_t nr_cpus;
	uint64_t cpus_online;
	double cpu_load[VMTOP_MAX_CPUS];	/* % busy with guests, per pCPU */
	double load_total;			/* % of all online pCPUs */
	uint64_t total_bytes;
	uint64_t free_bytes;
	uint64_t reserved_bytes;		/* domains' paging/vCPU pools */
	unsigned int nr_doms;
	unsigned int by_state[UMBRA_DOMSTATE_DYING + 1];
	double interval_s;			/* 0: first sample */
};

/*
 * Fill rows[] (room for cur->snap.nr) from cur, with rates against prev
 * (prev may be NULL or empty: no rates). Returns the number of rows.
 */
unsigned int vmtop_rates(const struct vmtop_sample *prev,
			 const struct vmtop_sample *cur, struct vmtop_row *rows);

/*
 * The same, where rows[0..nr_kept) are what the last call made of prev
 * (nr_kept its result): a domain whose record is byte for byte the one
 * of prev, and whose row was quiet, keeps its row as it is (its values
 * and seq; only its vCPUs are pointed at cur's). That is what the
 * computation would give again; it is the most domains of a machine
 * (paused and idle ones) at the cost of a comparison.
 */
unsigned int vmtop_rates_kept(const struct vmtop_sample *prev,
			      const struct vmtop_sample *cur, struct vmtop_row *rows,
			      unsigned int nr_kept);

/* The header's numbers, from the rows vmtop_rates() made of cur. */
void vmtop_summarize(const struct vmtop_sample *prev,
		     const struct vmtop_sample *cur,
		     const struct vmtop_row *rows, unsigned int nr,
		     struct vmtop_summary *sum);

/* A counter's rate per second: 0 when it went backwards or dt is 0. */
double vmtop_rate(uint64_t before, uint64_t after, uint64_t dt_ns);

#endif
