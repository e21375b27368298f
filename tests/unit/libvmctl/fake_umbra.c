/* The fake Umbra of fake_umbra.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <cmocka.h>

#include "dom0-tools/lib/libvmctl/internal.h"
#include "fake_umbra.h"
#include "pvguest-patches/linux/umbra/umbra_ioctl.h"

struct fake_umbra fake;

void fake_reset(uint64_t free_bytes)
{
	for (unsigned int i = 0; i < FAKE_MAX_DOMAINS; i++)
		free(fake.dom[i].mem);
	memset(&fake, 0, sizeof(fake));
	fake.interface_version = UMBRA_MGMT_INTERFACE_VERSION;
	fake.free_bytes = free_bytes;
	fake.dom[0].exists = true;
	strcpy(fake.dom[0].info.name, "Domain-0");
	fake.dom[0].info.flags = UMBRA_DOMFLAG_DOM0 | UMBRA_DOMFLAG_STARTED;
	fake.dom[0].info.mem_bytes = 384ull << 20;
	fake.dom[0].info.nr_vcpus = 1;
}

static uint32_t free_slot(void)
{
	for (uint32_t i = 1; i < FAKE_MAX_DOMAINS; i++)
		if (!fake.dom[i].exists)
			return i;
	abort();
}

uint32_t fake_add_domain(const char *name, uint64_t mem)
{
	uint32_t id = free_slot();
	struct fake_domain *d = &fake.dom[id];

	memset(d, 0, sizeof(*d));
	d->exists = true;
	d->info.domid = id;
	strncpy(d->info.name, name, sizeof(d->info.name) - 1);
	d->info.mem_bytes = mem;
	d->info.nr_vcpus = 1;
	d->info.type = UMBRA_DOMAIN_TYPE_PVH;
	d->info.paging = UMBRA_PAGING_NESTED;
	return id;
}

void fake_add_domains(unsigned int from, unsigned int to)
{
	char name[16];

	for (unsigned int i = from; i < to; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		fake_add_domain(name, 2ull << 20);
	}
}

int fake_open(void **state)
{
	struct vmctl *h;

	fake_reset(200ull << 20);
	/* Any fd: the fake answers ioctls on all; poll() on /dev/null is
	 * always readable, a worst case for vmctl_wait(). */
	assert_int_equal(vmctl_open_path("/dev/null", &h), 0);
	*state = h;
	return 0;
}

int fake_close(void **state)
{
	vmctl_close(*state);
	fake_reset(0);
	return 0;
}

static struct fake_domain *domain(uint32_t id)
{
	return id < FAKE_MAX_DOMAINS && fake.dom[id].exists ? &fake.dom[id] : NULL;
}

static long physinfo(struct umbra_mgmt *r)
{
	struct umbra_mgmt_physinfo *p = &r->u.physinfo;

	p->umbra_version = UMBRA_VERSION;
	p->nr_cpus = 2;
	p->cpus_online = 0x3;
	p->dom0_cpus = 0x1;
	p->free_bytes = fake.free_bytes;
	p->max_vcpus = UMBRA_MAX_VCPUS;
	return 0;
}

static long list(struct umbra_mgmt *r)
{
	struct umbra_domain_info *out = (void *)(uintptr_t)r->buf;
	uint64_t cap = r->buf_len / sizeof(*out), n = 0;

	for (uint32_t i = 0; i < FAKE_MAX_DOMAINS; i++) {
		if (!fake.dom[i].exists)
			continue;
		if (n < cap)
			out[n] = fake.dom[i].info;
		n++;
	}
	return (long)n;
}

/* physinfo in the request, each domain's record and its vCPUs in buf, as
 * many as fit; with snapshot_mismatch, that domain's record claims one
 * vCPU more than Umbra allows. */
static long snapshot(struct umbra_mgmt *r)
{
	uint8_t *out = (void *)(uintptr_t)r->buf;
	uint64_t at = 0;
	uint32_t n = 0, written = 0;
	bool full = false;

	physinfo(r);
	for (uint32_t i = 0; i < FAKE_MAX_DOMAINS; i++) {
		const struct umbra_domain_info *d = &fake.dom[i].info;
		struct umbra_domain_snapshot *s = (void *)(out + at);
		uint64_t size = UMBRA_SNAPSHOT_RECORD_BYTES(d->nr_vcpus);

		if (!fake.dom[i].exists)
			continue;
		n++;
		if (full || at + size > r->buf_len) {
			full = true;
			continue;
		}
		memset(s, 0, size);
		s->domid = i;
		s->state = d->state;
		memcpy(s->name, d->name, sizeof(s->name));
		s->mem_bytes = d->mem_bytes;
		s->nr_vcpus = d->nr_vcpus;
		s->exits_total = 1000 + i;
		s->hypercalls_total = 10 + i;
		for (uint32_t v = 0; v < d->nr_vcpus; v++)
			s->vcpu[v].pcpu = (int32_t)v;
		if (fake.snapshot_mismatch && fake.snapshot_mismatch == i)
			s->nr_vcpus = UMBRA_MAX_VCPUS + 1;
		at += size;
		written++;
	}
	r->u.snapshot.physinfo.nr_domains = n;
	r->u.snapshot.bytes = at;
	r->u.snapshot.nr_records = written;
	return (long)n;
}

static long create(struct umbra_mgmt *r)
{
	const struct umbra_mgmt_create *c = &r->u.create;
	uint32_t id;

	if (fake.fail_create)
		return -fake.fail_create;
	for (uint32_t i = 0; i < FAKE_MAX_DOMAINS; i++)
		if (fake.dom[i].exists && !strcmp(fake.dom[i].info.name, c->name))
			return -EEXIST;
	if (c->mem_bytes > fake.free_bytes)
		return -ENOMEM;
	id = fake_add_domain(c->name, c->mem_bytes);
	fake.dom[id].info.state = UMBRA_DOMSTATE_PAUSED;
	fake.dom[id].info.nr_vcpus = c->nr_vcpus;
	fake.dom[id].info.paging = c->paging;
	fake.dom[id].mem = calloc(1, c->mem_bytes);
	fake.free_bytes -= c->mem_bytes;
	r->domid = id;
	return 0;
}

static long memory_write(struct umbra_mgmt *r, struct fake_domain *d)
{
	if (fake.fail_write)
		return -fake.fail_write;
	if (!d->mem || r->buf_len > UMBRA_MGMT_BUF_MAX ||
	    r->u.memory.gpa > d->info.mem_bytes ||
	    r->buf_len > d->info.mem_bytes - r->u.memory.gpa ||
	    (d->info.flags & UMBRA_DOMFLAG_STARTED))
		return -EINVAL;
	memcpy(d->mem + r->u.memory.gpa, (void *)(uintptr_t)r->buf, r->buf_len);
	if (r->buf_len > fake.largest_write)
		fake.largest_write = r->buf_len;
	fake.bytes_written += r->buf_len;
	return 0;
}

/* As Umbra: only a paused domain, only its RAM, in pieces. */
static long memory_read(struct umbra_mgmt *r, struct fake_domain *d)
{
	if (d->info.state != UMBRA_DOMSTATE_PAUSED)
		return -EBUSY;
	if (!d->mem || r->u.memory.gpa > d->info.mem_bytes ||
	    r->buf_len > d->info.mem_bytes - r->u.memory.gpa)
		return -EINVAL;
	memcpy((void *)(uintptr_t)r->buf, d->mem + r->u.memory.gpa, r->buf_len);
	return 0;
}

static long vcpu_context(struct umbra_mgmt *r, struct fake_domain *d)
{
	struct umbra_vcpu_context *c = (void *)(uintptr_t)r->buf;

	if (d->info.state != UMBRA_DOMSTATE_PAUSED)
		return -EBUSY;
	if (r->u.vcpu.vcpu >= d->info.nr_vcpus || r->buf_len != sizeof(*c))
		return -EINVAL;
	if (r->cmd == UMBRA_MGMT_vcpu_context_get) {
		*c = d->vcpu[r->u.vcpu.vcpu];
		c->vcpu = r->u.vcpu.vcpu;
	} else {
		if (c->flags & ~UMBRA_VCPUCTX_KNOWN)
			return -EINVAL;
		d->vcpu[r->u.vcpu.vcpu] = *c;
		d->info.flags |= UMBRA_DOMFLAG_STARTED;
	}
	return 0;
}

static long domain_state(struct umbra_mgmt *r, struct fake_domain *d)
{
	struct umbra_domain_state *s = (void *)(uintptr_t)r->buf;
	uint32_t n = 0, room;

	if (d->info.state != UMBRA_DOMSTATE_PAUSED)
		return -EBUSY;
	if (r->buf_len < sizeof(*s))
		return -EINVAL;
	if (r->u.state.op == UMBRA_DOMAIN_STATE_GET) {
		room = (uint32_t)((r->buf_len - sizeof(*s)) / sizeof(d->ports[0]));
		*s = d->state;
		for (; n < d->state.nr_ports && n < room; n++)
			((struct umbra_evtchn_record *)(s + 1))[n] = d->ports[n];
		s->nr_ports = n;
		return d->state.nr_ports;
	}
	if (s->nr_ports > 16 || r->buf_len != sizeof(*s) + s->nr_ports * sizeof(d->ports[0]))
		return -EINVAL;
	if (d->info.flags & UMBRA_DOMFLAG_STARTED)
		return -EBUSY;
	d->state = *s;
	memcpy(d->ports, s + 1, s->nr_ports * sizeof(d->ports[0]));
	d->state_loaded = true;
	return 0;
}

static long grant_state(struct umbra_mgmt *r, struct fake_domain *d)
{
	static const struct umbra_grant_state none = { .version = 1 };
	const void *src = d->grants_size ? (const void *)d->grants : &none;
	size_t size = d->grants_size ? d->grants_size : sizeof(none);

	if (d->info.state != UMBRA_DOMSTATE_PAUSED)
		return -EBUSY;
	if (r->buf_len < sizeof(none))
		return -EINVAL;
	if (r->u.state.op == UMBRA_DOMAIN_STATE_GET) {
		memcpy((void *)(uintptr_t)r->buf, src, r->buf_len < size ? sizeof(none) : size);
		return (long)size;
	}
	if (r->buf_len > sizeof(d->grants))
		return -EINVAL;
	if (d->info.flags & UMBRA_DOMFLAG_STARTED)
		return -EBUSY;
	memcpy(d->grants, (const void *)(uintptr_t)r->buf, r->buf_len);
	d->grants_size = r->buf_len;
	d->grants_loaded = true;
	return 0;
}

static long destroy(struct fake_domain *d)
{
	if (d->info.flags & UMBRA_DOMFLAG_DOM0)
		return -EPERM;
	fake.free_bytes += d->info.mem_bytes;
	free(d->mem);
	memset(d, 0, sizeof(*d));
	fake.generation++;
	return 0;
}

static long console(struct umbra_mgmt *r)
{
	struct umbra_mgmt_ring *ring = &r->u.ring;
	uint64_t head = fake.console ? strlen(fake.console) : 0;
	uint64_t first = head > fake.console_held ? head - fake.console_held : 0;
	uint64_t pos = ring->pos < first ? first : ring->pos, n;

	if (pos > head)
		pos = head;
	n = head - pos < r->buf_len ? head - pos : r->buf_len;
	memcpy((void *)(uintptr_t)r->buf, fake.console + pos, n);
	ring->dropped = pos - (ring->pos < pos ? ring->pos : pos);
	ring->len = n;
	ring->pos = pos + n;
	ring->head = head;
	return (long)n;
}

static long domain_cmd(struct umbra_mgmt *r)
{
	struct fake_domain *d = domain(r->domid);

	if (!d)
		return -ESRCH;
	switch (r->cmd) {
	case UMBRA_MGMT_memory_write:
		return memory_write(r, d);
	case UMBRA_MGMT_vcpu_start:
		d->entry = r->u.start.entry;
		d->start_info = r->u.start.start_info_gpa;
		d->info.flags |= UMBRA_DOMFLAG_STARTED;
		return 0;
	case UMBRA_MGMT_domain_destroy:
		return destroy(d);
	case UMBRA_MGMT_console_read:
		return console(r);
	case UMBRA_MGMT_domain_pause:
		d->info.state = UMBRA_DOMSTATE_PAUSED;
		return 0;
	case UMBRA_MGMT_domain_unpause:
		d->info.state = UMBRA_DOMSTATE_RUNNING;
		return 0;
	case UMBRA_MGMT_memory_read:
		return memory_read(r, d);
	case UMBRA_MGMT_vcpu_context_get:
	case UMBRA_MGMT_vcpu_context_set:
		return vcpu_context(r, d);
	case UMBRA_MGMT_domain_state:
		return domain_state(r, d);
	case UMBRA_MGMT_grant_state:
		return grant_state(r, d);
	default:
		return 0;
	}
}

static long mgmt(struct umbra_mgmt *r)
{
	if (r->cmd < UMBRA_MGMT_NR_CMDS)
		fake.calls[r->cmd]++;
	if (r->interface_version != fake.interface_version) {
		r->interface_version = fake.interface_version;
		return -EACCES;
	}
	switch (r->cmd) {
	case UMBRA_MGMT_physinfo:
		return physinfo(r);
	case UMBRA_MGMT_domain_list:
		return list(r);
	case UMBRA_MGMT_snapshot:
		return snapshot(r);
	case UMBRA_MGMT_domain_create:
		return create(r);
	case UMBRA_MGMT_events:
		r->u.events.generation = fake.generation;
		return 0;
	case UMBRA_MGMT_log_clear:
		return 0;
	default:
		return domain_cmd(r);
	}
}

/* Every ioctl of the test executable, the library's included. */
int ioctl(int fd, unsigned long request, ...)
{
	struct umbra_mgmt *r;
	va_list ap;
	long rc;

	(void)fd;
	va_start(ap, request);
	r = va_arg(ap, struct umbra_mgmt *);
	va_end(ap);
	if (request != UMBRA_IOCTL_MGMT) {
		errno = ENOTTY;
		return -1;
	}
	rc = mgmt(r);
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return (int)rc;
}
