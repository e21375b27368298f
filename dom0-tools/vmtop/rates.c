/*
 * Rates between two samples, and the summary above the rows. See rates.h
 * for what counts as the same domain and how the rates are bounded.
 */
#include <string.h>

#include "rates.h"

double vmtop_rate(uint64_t before, uint64_t after, uint64_t dt_ns)
{
	if (dt_ns == 0 || after < before)
		return 0.0;
	return (double)(after - before) * 1e9 / (double)dt_ns;
}

/*
 * Both lists come by domid, so the entry sought is usually at `hint`
 * (the same position) or near it; the search is linear only when the
 * domains of the two samples differ. A refresh stays O(domains).
 */
static const struct umbra_domain_info *find_info(const struct vmtop_sample *s,
						 uint32_t domid, unsigned int hint)
{
	unsigned int i;

	if (!s)
		return NULL;
	if (hint < s->nr_doms && s->doms[hint].domid == domid)
		return &s->doms[hint];
	for (i = 0; i < s->nr_doms; i++)
		if (s->doms[i].domid == domid)
			return &s->doms[i];
	return NULL;
}

static const struct umbra_domain_counters *find_ctrs(const struct vmtop_sample *s,
						     uint32_t domid, unsigned int hint)
{
	unsigned int i;

	if (!s)
		return NULL;
	if (hint < s->nr_ctrs && s->ctrs[hint].domid == domid)
		return &s->ctrs[hint];
	for (i = 0; i < s->nr_ctrs; i++)
		if (s->ctrs[i].domid == domid)
			return &s->ctrs[i];
	return NULL;
}

static uint64_t hcalls_sum(const struct umbra_domain_counters *c)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < UMBRA_HYPERCALL_NR; i++)
		n += c->hypercalls[i];
	return n;
}

static void fill_row(struct vmtop_row *r, const struct umbra_domain_info *d,
		     const struct umbra_domain_counters *c, uint64_t total_bytes)
{
	memset(r, 0, sizeof(*r));
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
	memcpy(r->vcpu, d->vcpu, sizeof(r->vcpu));
	memcpy(r->reason, d->reason, sizeof(r->reason));
	r->reason[sizeof(r->reason) - 1] = '\0';
	if (total_bytes)
		r->mem_pct = (double)d->mem_bytes * 100.0 / (double)total_bytes;
	if (!c)
		return;
	r->has_counters = true;
	r->exits_total = c->exits_total;
	r->hcalls_total = hcalls_sum(c);
	r->pt_traps = c->pt_traps;
	r->paging_bytes = c->paging_bytes;
}

/* The same domain as before: same name, and nothing counted went back. */
static bool same_domain(const struct umbra_domain_info *old,
			const struct umbra_domain_counters *oc, uint64_t old_hcalls,
			const struct vmtop_row *r)
{
	if (strncmp(old->name, r->name, sizeof(r->name)) != 0)
		return false;
	if (r->cpu_time_ns < old->cpu_time_ns)
		return false;
	if (oc && r->has_counters &&
	    (r->exits_total < oc->exits_total || r->hcalls_total < old_hcalls ||
	     r->pt_traps < oc->pt_traps))
		return false;
	return true;
}

static void set_rates(struct vmtop_row *r, const struct umbra_domain_info *old,
		      const struct umbra_domain_counters *oc, uint64_t old_hcalls,
		      uint64_t dt)
{
	double max_pct = 100.0 * (r->nr_vcpus ? r->nr_vcpus : 1);

	r->has_rates = true;
	r->cpu_pct = vmtop_rate(old->cpu_time_ns, r->cpu_time_ns, dt) / 1e7;
	if (r->cpu_pct > max_pct)
		r->cpu_pct = max_pct;
	if (!oc || !r->has_counters)
		return;
	r->exits_ps = vmtop_rate(oc->exits_total, r->exits_total, dt);
	r->hcalls_ps = vmtop_rate(old_hcalls, r->hcalls_total, dt);
	r->pttraps_ps = vmtop_rate(oc->pt_traps, r->pt_traps, dt);
}

unsigned int vmtop_rates(const struct vmtop_sample *prev,
			 const struct vmtop_sample *cur, struct vmtop_row *rows)
{
	uint64_t dt = 0;
	unsigned int i;

	if (prev && prev->nr_doms && cur->t_ns > prev->t_ns)
		dt = cur->t_ns - prev->t_ns;
	for (i = 0; i < cur->nr_doms; i++) {
		const struct umbra_domain_info *d = &cur->doms[i], *old;
		const struct umbra_domain_counters *oc;
		struct vmtop_row *r = &rows[i];
		uint64_t old_hcalls;
		unsigned int j;

		fill_row(r, d, find_ctrs(cur, d->domid, i), cur->phys.total_bytes);
		old = find_info(prev, d->domid, i);
		if (!old)
			continue;
		j = (unsigned int)(old - prev->doms);
		oc = find_ctrs(prev, d->domid, j);
		old_hcalls = oc ? hcalls_sum(oc) : 0;
		if (!same_domain(old, oc, old_hcalls, r))
			continue;
		/* A zero interval has rates, all zero: the domain was seen. */
		set_rates(r, old, oc, old_hcalls, dt);
	}
	return cur->nr_doms;
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
		const struct umbra_domain_info *old = find_info(prev, rows[i].domid, i);

		if (!rows[i].has_rates || !old)
			continue;
		for (v = 0; v < rows[i].nr_vcpus; v++) {
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
	sum->umbra_version = cur->phys.umbra_version;
	sum->uptime_ns = cur->phys.uptime_ns;
	sum->nr_cpus = cur->phys.nr_cpus;
	sum->cpus_online = cur->phys.cpus_online;
	sum->total_bytes = cur->phys.total_bytes;
	sum->free_bytes = cur->phys.free_bytes;
	sum->nr_doms = nr;
	for (i = 0; i < nr; i++) {
		sum->reserved_bytes += rows[i].pool_bytes;
		if (rows[i].state <= UMBRA_DOMSTATE_DYING)
			sum->by_state[rows[i].state]++;
	}
	if (prev && prev->nr_doms && cur->t_ns > prev->t_ns) {
		sum->interval_s = (double)(cur->t_ns - prev->t_ns) / 1e9;
		cpu_loads(prev, cur, rows, nr, sum);
	}
}
