/*
 * Rates between two samples, and the summary above the rows. See rates.h
 * for what counts as the same domain and how the rates are bounded.
 * Under emulation each floating-point operation is a call into a
 * soft-float helper: a counter that did not move costs no arithmetic.
 */
#include <string.h>

#include "rates.h"

double vmtop_rate(uint64_t before, uint64_t after, uint64_t dt_ns)
{
	if (dt_ns == 0 || after <= before)
		return 0.0;
	return (double)(after - before) * 1e9 / (double)dt_ns;
}

/*
 * Both lists come by domid, so the record sought is usually at `hint`
 * (the same position) or near it; the search is linear only when the
 * domains of the two samples differ. A refresh stays O(domains).
 */
static const struct umbra_domain_snapshot *find_rec(const struct vmtop_sample *s,
						     uint32_t domid, unsigned int hint)
{
	unsigned int i;

	if (!s)
		return NULL;
	if (hint < s->snap.nr && s->snap.dom[hint]->domid == domid)
		return s->snap.dom[hint];
	for (i = 0; i < s->snap.nr; i++)
		if (s->snap.dom[i]->domid == domid)
			return s->snap.dom[i];
	return NULL;
}

/* Rows made (their seq): 0 is no row's. */
static uint64_t rows_made;

static void fill_row(struct vmtop_row *r, const struct umbra_domain_snapshot *d,
		     uint64_t total_bytes)
{
	r->seq = ++rows_made;
	r->domid = d->domid;
	memcpy(r->name, d->name, sizeof(r->name));
	r->name[sizeof(r->name) - 1] = '\0';
	r->state = d->state;
	r->shutdown_reason = d->shutdown_reason;
	r->flags = d->flags;
	r->type = d->type;
	r->paging = d->paging;
	r->mem_bytes = d->mem_bytes;
	r->pool_bytes = d->pool_bytes;
	r->cpu_time_ns = d->cpu_time_ns;
	r->nr_vcpus = d->nr_vcpus > UMBRA_MAX_VCPUS ? UMBRA_MAX_VCPUS : d->nr_vcpus;
	r->vcpu = d->vcpu;
	r->exits_total = d->exits_total;
	r->hcalls_total = d->hypercalls_total;
	r->pt_traps = d->pt_traps;
	r->paging_bytes = d->paging_bytes;
	r->has_rates = false;
	r->quiet = false;
	r->cpu_pct = r->exits_ps = r->hcalls_ps = r->pttraps_ps = 0.0;
	r->mem_pct = total_bytes ? (double)d->mem_bytes * 100.0 / (double)total_bytes : 0.0;
}

/* The same domain as before: same name, and nothing counted went back. */
static bool same_domain(const struct umbra_domain_snapshot *old, const struct vmtop_row *r)
{
	if (strncmp(old->name, r->name, sizeof(r->name)) != 0)
		return false;
	return r->cpu_time_ns >= old->cpu_time_ns && r->exits_total >= old->exits_total &&
	       r->hcalls_total >= old->hypercalls_total && r->pt_traps >= old->pt_traps;
}

static void set_rates(struct vmtop_row *r, const struct umbra_domain_snapshot *old,
		      uint64_t dt)
{
	double max_pct = 100.0 * (r->nr_vcpus ? r->nr_vcpus : 1);

	r->has_rates = true;
	if (r->cpu_time_ns != old->cpu_time_ns) {
		r->cpu_pct = vmtop_rate(old->cpu_time_ns, r->cpu_time_ns, dt) / 1e7;
		if (r->cpu_pct > max_pct)
			r->cpu_pct = max_pct;
	}
	if (r->cpu_time_ns == old->cpu_time_ns && r->exits_total == old->exits_total &&
	    r->hcalls_total == old->hypercalls_total && r->pt_traps == old->pt_traps) {
		r->quiet = true;	/* every rate 0, no arithmetic */
		return;
	}
	r->exits_ps = vmtop_rate(old->exits_total, r->exits_total, dt);
	r->hcalls_ps = vmtop_rate(old->hypercalls_total, r->hcalls_total, dt);
	r->pttraps_ps = vmtop_rate(old->pt_traps, r->pt_traps, dt);
}

/*
 * The two records are the same, word by word: they are 8-byte multiples
 * at 8-byte boundaries of the snapshot's buffer. Not memcmp(): glibc's
 * picks vector instructions, each a helper call under TCG.
 */
typedef uint64_t __attribute__((may_alias)) rec_word;

static bool same_record(const void *a, const void *b, size_t bytes)
{
	const rec_word *x = a, *y = b;
	size_t i, n = bytes / sizeof(rec_word);
	rec_word diff = 0;

	if (((uintptr_t)a | (uintptr_t)b | bytes) % sizeof(rec_word))
		return !memcmp(a, b, bytes);
	for (i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return !diff;
}

/*
 * rows[i], made from old (prev's record at i) by the last call, is what
 * d would make of it again: d is old byte for byte, the machine's RAM
 * (mem_pct's base) is the same, and the row was quiet (its rates, all 0,
 * are again 0: nothing moved).
 */
static bool row_holds(const struct vmtop_row *r, const struct umbra_domain_snapshot *old,
		      const struct umbra_domain_snapshot *d, bool same_total)
{
	return same_total && r->quiet && r->domid == d->domid && old->domid == d->domid &&
	       old->nr_vcpus == d->nr_vcpus && d->nr_vcpus <= UMBRA_MAX_VCPUS &&
	       same_record(old, d, UMBRA_SNAPSHOT_RECORD_BYTES(d->nr_vcpus));
}

unsigned int vmtop_rates_kept(const struct vmtop_sample *prev,
			      const struct vmtop_sample *cur, struct vmtop_row *rows,
			      unsigned int nr_kept)
{
	uint64_t dt = 0;
	unsigned int i;
	bool same_total = false;

	if (prev && prev->snap.nr && cur->t_ns > prev->t_ns)
		dt = cur->t_ns - prev->t_ns;
	if (prev && prev->snap.nr)
		same_total = prev->snap.phys.total_bytes == cur->snap.phys.total_bytes;
	else
		nr_kept = 0;
	for (i = 0; i < cur->snap.nr; i++) {
		const struct umbra_domain_snapshot *old, *d = cur->snap.dom[i];
		struct vmtop_row *r = &rows[i];

		if (i < nr_kept && i < prev->snap.nr &&
		    row_holds(r, prev->snap.dom[i], d, same_total)) {
			r->vcpu = d->vcpu;
			continue;
		}
		fill_row(r, d, cur->snap.phys.total_bytes);
		old = find_rec(prev, r->domid, i);
		/* A zero interval has rates, all zero: the domain was seen. */
		if (old && same_domain(old, r))
			set_rates(r, old, dt);
	}
	return cur->snap.nr;
}

unsigned int vmtop_rates(const struct vmtop_sample *prev,
			 const struct vmtop_sample *cur, struct vmtop_row *rows)
{
	return vmtop_rates_kept(prev, cur, rows, 0);
}

/* The pCPU a vCPU's time is put on: where it runs, else its only pCPU. */
static int vcpu_home(const struct umbra_vcpu_info *v)
{
	if (v->pcpu >= 0 && v->pcpu < VMTOP_MAX_CPUS)
		return v->pcpu;
	if (v->affinity && (v->affinity & (v->affinity - 1)) == 0)
		return __builtin_ctzll(v->affinity);
	return -1;
}

/*
 * Each pCPU's load: the guest time of the vCPUs on it over the interval.
 * Umbra reports no per-pCPU idle time, so a vCPU that moved between
 * pCPUs is counted where it is now: per-pCPU figures are approximate,
 * their total is not.
 */
static void cpu_loads(const struct vmtop_sample *prev, const struct vmtop_sample *cur,
		      const struct vmtop_row *rows, unsigned int nr,
		      struct vmtop_summary *sum)
{
	uint64_t dt = cur->t_ns - prev->t_ns;
	double busy = 0.0;
	unsigned int i, v;

	for (i = 0; i < nr; i++) {
		const struct umbra_domain_snapshot *old = find_rec(prev, rows[i].domid, i);

		if (!rows[i].has_rates || !old || !rows[i].vcpu ||
		    rows[i].cpu_time_ns == old->cpu_time_ns)
			continue;
		for (v = 0; v < rows[i].nr_vcpus && v < old->nr_vcpus; v++) {
			double pct = vmtop_rate(old->vcpu[v].cpu_time_ns,
						rows[i].vcpu[v].cpu_time_ns, dt) / 1e7;
			int home = vcpu_home(&rows[i].vcpu[v]);

			if (pct > 100.0)
				pct = 100.0;
			busy += pct;
			if (home >= 0)
				sum->cpu_load[home] += pct;
		}
	}
	for (i = 0; i < VMTOP_MAX_CPUS; i++)
		if (sum->cpu_load[i] > 100.0)
			sum->cpu_load[i] = 100.0;
	if (sum->nr_cpus)
		sum->load_total = busy / sum->nr_cpus;
	if (sum->load_total > 100.0)
		sum->load_total = 100.0;
}

void vmtop_summarize(const struct vmtop_sample *prev,
		     const struct vmtop_sample *cur,
		     const struct vmtop_row *rows, unsigned int nr,
		     struct vmtop_summary *sum)
{
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	sum->umbra_version = cur->snap.phys.umbra_version;
	sum->uptime_ns = cur->snap.phys.uptime_ns;
	sum->nr_cpus = cur->snap.phys.nr_cpus;
	sum->cpus_online = cur->snap.phys.cpus_online;
	sum->total_bytes = cur->snap.phys.total_bytes;
	sum->free_bytes = cur->snap.phys.free_bytes;
	sum->nr_doms = nr;
	for (i = 0; i < nr; i++) {
		sum->reserved_bytes += rows[i].pool_bytes;
		if (rows[i].state <= UMBRA_DOMSTATE_DYING)
			sum->by_state[rows[i].state]++;
	}
	if (prev && prev->snap.nr && cur->t_ns > prev->t_ns) {
		sum->interval_s = (double)(cur->t_ns - prev->t_ns) / 1e9;
		cpu_loads(prev, cur, rows, nr, sum);
	}
}
