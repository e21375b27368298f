/* What dom0's tools read about the machine and every domain: physinfo,
 * domain_list, domain_counters, and snapshot (all three in one call). A
 * domain is read without its locks (counters and states are single
 * words, and a list is a snapshot); it cannot go away meanwhile, since
 * only a management command (mgmt_run), and so not one running
 * concurrently, destroys domains. */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/percpu.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <umbra/dom0.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/mgmt.h>
#include <umbra/mm.h>
#include <umbra/sched.h>
#include <umbra/string.h>

/* Shared by every call: the mgmt lock serialises them. Records are
 * gathered here and copied to dom0 a batch at a time: each copy walks
 * dom0's page tables for every page it touches, once per batch rather
 * than once per record. */
#define BATCH_BYTES	8192
static uint8_t batch[BATCH_BYTES] __attribute__((aligned(8)));

static uint64_t dom0_ram_bytes(void)
{
	const struct dom0_layout *l = dom0_memory();

	return l ? l->bytes : 0;
}

static unsigned int count_domains(void)
{
	unsigned int n = 0;

	for (unsigned int id = 0; id < MAX_DOMAINS; id++)
		n += domain_by_id((domid_t)id) != NULL;
	return n;
}

/* physinfo but its count of domains. */
static void fill_physinfo(struct umbra_mgmt_physinfo *p)
{
	struct domain *dom0 = domain_by_id(0);

	memset(p, 0, sizeof(*p));
	p->umbra_version = UMBRA_VERSION;
	p->nr_cpus = nr_cpus_online;
	p->cpus_online = sched_cpus_online();
	p->dom0_cpus = sched_cpus_online() & ~mgmt_domu_cpus();
	p->total_bytes = mm_total_bytes();
	p->free_bytes = mm_free_bytes();
	p->dom0_bytes = dom0 && domain_is_dom0(dom0) ? dom0_ram_bytes() : 0;
	p->tsc_khz = tsc_khz;
	p->uptime_ns = tsc_to_ns(rdtsc());
	p->features = UMBRA_FEATURE_NESTED_PAGING | UMBRA_FEATURE_SHADOW_PAGING;
	p->max_domains = MAX_DOMAINS;
	p->max_vcpus = UMBRA_MAX_VCPUS;
}

long mgmt_physinfo(struct mgmt_call *c)
{
	fill_physinfo(&c->req.u.physinfo);
	c->req.u.physinfo.nr_domains = count_domains();
	return 0;
}

/* RUNNING, or BLOCKED when every vCPU that is up waits. */
static uint32_t running_state(const struct domain *d)
{
	unsigned int up = 0, blocked = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		enum vcpu_state s = __atomic_load_n(&d->vcpus[i]->state, __ATOMIC_RELAXED);

		up += s != VCPU_DOWN;
		blocked += s == VCPU_BLOCKED;
	}
	return up && up == blocked ? UMBRA_DOMSTATE_BLOCKED : UMBRA_DOMSTATE_RUNNING;
}

static uint32_t domain_state(const struct domain *d)
{
	switch (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE)) {
	case DOMAIN_RUNNING:
	case DOMAIN_BLOCKED:
		return running_state(d);
	case DOMAIN_PAUSED:
		return UMBRA_DOMSTATE_PAUSED;
	case DOMAIN_SHUTDOWN:
		return UMBRA_DOMSTATE_SHUTDOWN;
	case DOMAIN_CRASHED:
		return UMBRA_DOMSTATE_CRASHED;
	default:
		return UMBRA_DOMSTATE_DYING;
	}
}

/* The domain's vCPUs into out[] (nr_vcpus of them); returns their time. */
static uint64_t fill_vcpus(struct umbra_vcpu_info *out, const struct domain *d)
{
	uint64_t total = 0;

	for (unsigned int i = 0; i < d->nr_vcpus && i < UMBRA_MAX_VCPUS; i++) {
		const struct vcpu *v = d->vcpus[i];
		struct umbra_vcpu_info *vi = &out[i];

		vi->state = __atomic_load_n(&v->state, __ATOMIC_RELAXED);
		vi->pcpu = __atomic_load_n(&v->processor, __ATOMIC_RELAXED);
		vi->affinity = v->affinity;
		vi->cpu_time_ns = v->stats.cpu_time_ns;
		total += vi->cpu_time_ns;
	}
	return total;
}

static uint32_t domain_type(const struct domain *d)
{
	/* dom0 boots Linux as an HVM domain; boot-module domains are PVH. */
	return d->type ? d->type : domain_is_dom0(d) ? UMBRA_DOMAIN_TYPE_HVM :
		UMBRA_DOMAIN_TYPE_PVH;
}

static uint32_t domain_flags(const struct domain *d)
{
	return (domain_is_dom0(d) ? UMBRA_DOMFLAG_DOM0 : 0) |
	       (d->vcpus[0]->initialised ? UMBRA_DOMFLAG_STARTED : 0);
}

static uint64_t domain_mem_bytes(const struct domain *d)
{
	return domain_is_dom0(d) ? dom0_ram_bytes() : d->mem_bytes;
}

static unsigned int nr_vcpus_reported(const struct domain *d)
{
	return d->nr_vcpus < UMBRA_MAX_VCPUS ? d->nr_vcpus : UMBRA_MAX_VCPUS;
}

static void fill_info(struct umbra_domain_info *info, struct domain *d)
{
	uint64_t f;

	memset(info, 0, sizeof(*info));
	info->domid = d->id;
	/* The state with its reason, as one: under the lock they change in. */
	f = spin_lock_irqsave(&d->lock);
	info->state = domain_state(d);
	info->shutdown_reason = d->shutdown_reason;
	memcpy(info->reason, d->crash_reason, sizeof(info->reason) - 1);
	spin_unlock_irqrestore(&d->lock, f);
	info->flags = domain_flags(d);
	memcpy(info->name, d->name, sizeof(info->name));
	info->type = domain_type(d);
	info->paging = d->paging;
	info->mem_bytes = domain_mem_bytes(d);
	info->pool_bytes = d->pool.reserved * 4096;
	info->nr_vcpus = d->nr_vcpus;
	info->cpu_time_ns = fill_vcpus(info->vcpu, d);
}

static void fill_counters(struct umbra_domain_counters *k, struct domain *d)
{
	struct hvm_paging_counters pc;

	memset(k, 0, sizeof(*k));
	k->domid = d->id;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct vcpu_stats *s = &d->vcpus[i]->stats;

		k->exits_total += s->exits;
		hvm_vcpu_exit_counts(d->vcpus[i], k->exits);
		for (unsigned int h = 0; h < UMBRA_HYPERCALL_NR; h++)
			k->hypercalls[h] += s->hypercalls[h];
		k->npt_faults += s->npt_faults;
		k->shadow_faults += s->shadow_faults;
		k->cpu_time_ns += s->cpu_time_ns;
	}
	hvm_domain_paging_counters(d, &pc);
	k->pt_traps = pc.pt_traps;
	k->paging_bytes = pc.paging_pages * 4096;
	k->pool_reserved_bytes = d->pool.reserved * 4096;
	k->pool_used_bytes = d->pool.used * 4096;
	k->mem_bytes = domain_mem_bytes(d);
}

/* A monitor's record, its vCPUs after it; returns its size. Every byte
 * of it is written (no memset of a larger record first): under emulation
 * a refresh's cost is the bytes it moves. */
static uint64_t fill_snapshot(struct umbra_domain_snapshot *s, struct domain *d)
{
	struct hvm_paging_counters pc;
	unsigned int nv = nr_vcpus_reported(d);
	uint64_t exits = 0, hcalls = 0, f;

	s->domid = d->id;
	f = spin_lock_irqsave(&d->lock);
	s->state = domain_state(d);
	s->shutdown_reason = d->shutdown_reason;
	spin_unlock_irqrestore(&d->lock, f);
	s->flags = domain_flags(d);
	memcpy(s->name, d->name, sizeof(s->name));
	s->type = domain_type(d);
	s->paging = d->paging;
	s->nr_vcpus = nv;
	s->reserved = 0;
	s->mem_bytes = domain_mem_bytes(d);
	s->pool_bytes = d->pool.reserved * 4096;
	s->cpu_time_ns = fill_vcpus(s->vcpu, d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		const struct vcpu_stats *st = &d->vcpus[i]->stats;

		exits += st->exits;
		hcalls += st->hypercalls_total;
	}
	s->exits_total = exits;
	s->hypercalls_total = hcalls;
	hvm_domain_paging_counters(d, &pc);
	s->pt_traps = pc.pt_traps;
	s->paging_bytes = pc.paging_pages * 4096;
	return UMBRA_SNAPSHOT_RECORD_BYTES(nv);
}

enum record { REC_INFO, REC_COUNTERS, REC_SNAPSHOT };

static uint64_t record_size(enum record kind, const struct domain *d)
{
	switch (kind) {
	case REC_INFO:
		return sizeof(struct umbra_domain_info);
	case REC_COUNTERS:
		return sizeof(struct umbra_domain_counters);
	default:
		return UMBRA_SNAPSHOT_RECORD_BYTES(nr_vcpus_reported(d));
	}
}

static void fill_record(enum record kind, void *rec, struct domain *d)
{
	if (kind == REC_INFO)
		fill_info(rec, d);
	else if (kind == REC_COUNTERS)
		fill_counters(rec, d);
	else
		fill_snapshot(rec, d);
}

_Static_assert(BATCH_BYTES >= sizeof(struct umbra_domain_counters) &&
	       BATCH_BYTES >= UMBRA_SNAPSHOT_RECORD_BYTES(UMBRA_MAX_VCPUS), "a record fits");

struct listing {
	uint64_t bytes;		/* copied to buf */
	uint32_t records;	/* copied to buf */
	uint32_t domains;	/* that exist */
};

/*
 * Records by domid while they fit in buf (a prefix of the domains: one
 * that does not fit ends them); l->domains counts every domain.
 */
static int list_domains(struct mgmt_call *c, enum record kind, struct listing *l)
{
	uint64_t held = 0;
	bool full = false;

	*l = (struct listing){ 0 };
	for (unsigned int id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_by_id((domid_t)id);
		uint64_t size;

		if (!d)
			continue;
		l->domains++;
		size = record_size(kind, d);
		if (full || l->bytes + held + size > c->req.buf_len) {
			full = true;
			continue;
		}
		if (held + size > BATCH_BYTES) {
			if (copy_to_guest(c->v, c->req.buf + l->bytes, batch, held))
				return -EFAULT;
			l->bytes += held;
			held = 0;
		}
		fill_record(kind, batch + held, d);
		held += size;
		l->records++;
	}
	if (held && copy_to_guest(c->v, c->req.buf + l->bytes, batch, held))
		return -EFAULT;
	l->bytes += held;
	return 0;
}

static long list_fixed(struct mgmt_call *c, enum record kind)
{
	struct listing l;
	int rc = list_domains(c, kind, &l);

	if (rc)
		return rc;
	return l.domains;
}

long mgmt_domain_list(struct mgmt_call *c)
{
	return list_fixed(c, REC_INFO);
}

long mgmt_domain_counters(struct mgmt_call *c)
{
	return list_fixed(c, REC_COUNTERS);
}

/* physinfo and every domain's records under one hold of the mgmt lock:
 * no domain comes or goes in between, so the count is physinfo's. */
long mgmt_snapshot(struct mgmt_call *c)
{
	struct umbra_mgmt_snapshot *out = &c->req.u.snapshot;
	struct listing l;
	int rc;

	fill_physinfo(&out->physinfo);
	rc = list_domains(c, REC_SNAPSHOT, &l);
	if (rc)
		return rc;
	/* The same count, from the walk the records took. */
	out->physinfo.nr_domains = l.domains;
	out->bytes = l.bytes;
	out->nr_records = l.records;
	out->reserved = 0;
	return l.domains;
}
