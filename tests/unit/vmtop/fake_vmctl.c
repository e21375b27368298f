/*
 * The libvmctl test double (fake_vmctl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_vmctl.h"

struct fake_machine fake;
static char last_error[128];
static int dummy_handle;

static int fail(int rc, const char *why)
{
	snprintf(last_error, sizeof(last_error), "%s", why);
	return rc;
}

void fake_reset(int with_dom0)
{
	memset(&fake, 0, sizeof(fake));
	fake.phys.umbra_version = UMBRA_VERSION;
	fake.phys.nr_cpus = 2;
	fake.phys.cpus_online = 3;
	fake.phys.dom0_cpus = 1;
	fake.phys.total_bytes = 2048ull << 20;
	fake.phys.free_bytes = 1024ull << 20;
	fake.phys.dom0_bytes = 384ull << 20;
	fake.phys.uptime_ns = 3723ull * 1000000000ull;
	fake.phys.max_domains = 128;
	fake.phys.max_vcpus = UMBRA_MAX_VCPUS;
	if (with_dom0) {
		int i = fake_add(0, "Domain-0", UMBRA_DOMSTATE_RUNNING, 384ull << 20, 1, 0);

		fake.doms[i].flags |= UMBRA_DOMFLAG_DOM0;
	}
}

int fake_add(uint32_t domid, const char *name, uint32_t state, uint64_t mem_bytes,
	     uint32_t vcpus, uint64_t cpu_ns)
{
	unsigned int i = fake.nr++, v;
	struct umbra_domain_info *d = &fake.doms[i];

	memset(d, 0, sizeof(*d));
	memset(&fake.ctrs[i], 0, sizeof(fake.ctrs[i]));
	d->domid = domid;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->state = state;
	d->flags = UMBRA_DOMFLAG_STARTED;
	d->type = UMBRA_DOMAIN_TYPE_PVH;
	d->paging = UMBRA_PAGING_NESTED;
	d->mem_bytes = mem_bytes;
	d->pool_bytes = 1 << 20;
	d->cpu_time_ns = cpu_ns;
	d->nr_vcpus = vcpus;
	for (v = 0; v < vcpus && v < UMBRA_MAX_VCPUS; v++) {
		d->vcpu[v].state = UMBRA_VCPUSTATE_BLOCKED;
		d->vcpu[v].pcpu = -1;
		d->vcpu[v].affinity = 2;
		d->vcpu[v].cpu_time_ns = cpu_ns / vcpus;
	}
	fake.ctrs[i].domid = domid;
	fake.ctrs[i].mem_bytes = mem_bytes;
	fake.ctrs[i].cpu_time_ns = cpu_ns;
	return (int)i;
}

void fake_remove(uint32_t domid)
{
	unsigned int i;

	for (i = 0; i < fake.nr; i++) {
		if (fake.doms[i].domid != domid)
			continue;
		memmove(&fake.doms[i], &fake.doms[i + 1], (fake.nr - i - 1) * sizeof(fake.doms[0]));
		memmove(&fake.ctrs[i], &fake.ctrs[i + 1], (fake.nr - i - 1) * sizeof(fake.ctrs[0]));
		fake.nr--;
		return;
	}
}

static void simulate_env(void)
{
	const char *n = getenv("VMTOP_FAKE_DOMAINS");
	int i, count;

	if (!n)
		return;
	count = atoi(n);
	fake_reset(1);
	for (i = 1; i <= count && i < FAKE_MAX_DOMS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "guest%d", i);
		fake_add((uint32_t)i, name, i % 3 ? UMBRA_DOMSTATE_BLOCKED : UMBRA_DOMSTATE_RUNNING,
			 (uint64_t)(16 * i) << 20, 1 + i % 2, 0);
	}
	fake.simulate = 1;
	fake.console = "hello from a fake guest\n";
}

/* Each read moves every running domain's counters on by a fixed step. */
static void simulate_step(void)
{
	unsigned int i;

	if (!fake.simulate)
		return;
	fake.phys.uptime_ns += 1000000000ull;
	for (i = 0; i < fake.nr; i++) {
		uint64_t step = fake.doms[i].state == UMBRA_DOMSTATE_RUNNING ?
			10000000ull * (i + 1) : 0;

		fake.doms[i].cpu_time_ns += step;
		fake.doms[i].vcpu[0].cpu_time_ns += step;
		fake.ctrs[i].exits_total += step / 1000;
		fake.ctrs[i].hypercalls[1] += step / 10000;
		fake.ctrs[i].pt_traps += step / 100000;
		fake.ctrs[i].paging_bytes = 64 * 1024 * (i + 1);
	}
}

int vmctl_open(struct vmctl **h)
{
	simulate_env();
	*h = (struct vmctl *)&dummy_handle;
	return 0;
}

int vmctl_open_path(const char *path, struct vmctl **h)
{
	(void)path;
	return vmctl_open(h);
}

void vmctl_close(struct vmctl *h)
{
	(void)h;
}

const char *vmctl_last_error(void)
{
	return last_error;
}

int vmctl_physinfo(struct vmctl *h, struct umbra_mgmt_physinfo *out)
{
	(void)h;
	fake.calls_physinfo++;
	simulate_step();
	fake.phys.nr_domains = fake.nr;
	*out = fake.phys;
	return 0;
}

static void *copy(const void *src, size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p && size)
		memcpy(p, src, size);
	return p;
}

int vmctl_domain_list(struct vmctl *h, struct umbra_domain_info **list, unsigned int *nr)
{
	(void)h;
	fake.calls_list++;
	if (fake.fail_list) {
		int rc = fake.fail_list;

		fake.fail_list = 0;
		return fail(rc, "the fake was told to fail");
	}
	*list = copy(fake.doms, fake.nr * sizeof(fake.doms[0]));
	*nr = fake.nr;
	return *list ? 0 : fail(-ENOMEM, "out of memory");
}

int vmctl_domain_counters(struct vmctl *h, struct umbra_domain_counters **list,
			  unsigned int *nr)
{
	(void)h;
	fake.calls_counters++;
	*list = copy(fake.ctrs, fake.nr * sizeof(fake.ctrs[0]));
	*nr = fake.nr;
	return *list ? 0 : fail(-ENOMEM, "out of memory");
}

/* As the library: the monitor's records of every domain in one call, in
 * the snapshot's buffer (kept from one call to the next). */
int vmctl_snapshot(struct vmctl *h, struct vmctl_snapshot *s)
{
	size_t bytes = 0, at = 0;
	uint8_t *p;
	unsigned int i;

	(void)h;
	fake.calls_snapshot++;
	s->nr = 0;
	if (fake.fail_list) {
		int rc = fake.fail_list;

		fake.fail_list = 0;
		return fail(rc, "the fake was told to fail");
	}
	simulate_step();
	fake.phys.nr_domains = fake.nr;
	for (i = 0; i < fake.nr; i++)
		bytes += UMBRA_SNAPSHOT_RECORD_BYTES(UMBRA_MAX_VCPUS);
	if (s->buf_size < bytes || !s->buf) {
		void *b = realloc(s->buf, bytes ? bytes : 1);

		if (!b)
			return fail(-ENOMEM, "out of memory");
		s->buf = b;
		s->buf_size = bytes;
	}
	if (s->dom_room < fake.nr) {
		const struct umbra_domain_snapshot **d = realloc(s->dom, FAKE_MAX_DOMS * sizeof(*d));

		if (!d)
			return fail(-ENOMEM, "out of memory");
		s->dom = d;
		s->dom_room = FAKE_MAX_DOMS;
	}
	p = s->buf;
	for (i = 0; i < fake.nr; i++) {
		const struct umbra_domain_info *d = &fake.doms[i];
		const struct umbra_domain_counters *c = &fake.ctrs[i];
		struct umbra_domain_snapshot *r = (void *)(p + at);
		uint64_t hcalls = 0;

		for (unsigned int k = 0; k < UMBRA_HYPERCALL_NR; k++)
			hcalls += c->hypercalls[k];
		memset(r, 0, sizeof(*r));
		r->domid = d->domid;
		r->state = d->state;
		r->shutdown_reason = d->shutdown_reason;
		r->flags = d->flags;
		memcpy(r->name, d->name, sizeof(r->name));
		r->type = d->type;
		r->paging = d->paging;
		r->nr_vcpus = d->nr_vcpus < UMBRA_MAX_VCPUS ? d->nr_vcpus : UMBRA_MAX_VCPUS;
		r->mem_bytes = d->mem_bytes;
		r->pool_bytes = d->pool_bytes;
		r->cpu_time_ns = d->cpu_time_ns;
		r->exits_total = c->exits_total;
		r->hypercalls_total = hcalls;
		r->pt_traps = c->pt_traps;
		r->paging_bytes = c->paging_bytes;
		memcpy(r->vcpu, d->vcpu, r->nr_vcpus * sizeof(r->vcpu[0]));
		s->dom[i] = r;
		at += UMBRA_SNAPSHOT_RECORD_BYTES(r->nr_vcpus);
	}
	s->phys = fake.phys;
	s->nr = fake.nr;
	return 0;
}

void vmctl_snapshot_free(struct vmctl_snapshot *s)
{
	free(s->buf);
	free(s->dom);
	memset(s, 0, sizeof(*s));
}

/* Every call the double answered stands for one ioctl of the library's. */
unsigned long vmctl_calls(const struct vmctl *h)
{
	(void)h;
	return (unsigned long)fake.calls_physinfo + fake.calls_list + fake.calls_counters +
	       fake.calls_info + fake.calls_pause + fake.calls_unpause +
	       fake.calls_destroy + fake.calls_snapshot + fake.calls_console;
}

static struct umbra_domain_info *find(uint32_t domid)
{
	unsigned int i;

	for (i = 0; i < fake.nr; i++)
		if (fake.doms[i].domid == domid)
			return &fake.doms[i];
	return NULL;
}

int vmctl_domain_info(struct vmctl *h, uint32_t domid, struct umbra_domain_info *out)
{
	struct umbra_domain_info *d = find(domid);

	(void)h;
	fake.calls_info++;
	if (!d)
		return fail(-ESRCH, "no such domain");
	*out = *d;
	return 0;
}

int vmctl_domain_pause(struct vmctl *h, uint32_t domid)
{
	struct umbra_domain_info *d = find(domid);

	(void)h;
	fake.calls_pause++;
	if (!d)
		return fail(-ESRCH, "no such domain");
	d->state = UMBRA_DOMSTATE_PAUSED;
	return 0;
}

int vmctl_domain_unpause(struct vmctl *h, uint32_t domid)
{
	struct umbra_domain_info *d = find(domid);

	(void)h;
	fake.calls_unpause++;
	if (!d)
		return fail(-ESRCH, "no such domain");
	d->state = UMBRA_DOMSTATE_RUNNING;
	return 0;
}

int vmctl_domain_destroy(struct vmctl *h, uint32_t domid)
{
	(void)h;
	fake.calls_destroy++;
	if (!find(domid))
		return fail(-ESRCH, "no such domain");
	fake_remove(domid);
	return 0;
}

long vmctl_console_read(struct vmctl *h, uint32_t domid, struct umbra_mgmt_ring *ring,
			void *buf, size_t size)
{
	size_t len = fake.console ? strlen(fake.console) : 0, n;

	(void)h;
	fake.calls_console++;
	if (!find(domid))
		return fail(-ESRCH, "no such domain");
	ring->head = len;
	ring->dropped = 0;
	n = ring->pos < len ? len - ring->pos : 0;
	if (n > size)
		n = size;
	memcpy(buf, fake.console + ring->pos, n);
	ring->pos += n;
	ring->len = n;
	return (long)n;
}
