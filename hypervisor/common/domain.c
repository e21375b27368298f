/* Domains: identity, memory in aligned 2 MiB extents, console, and the
 * ways a domain stops. */
#include <stdarg.h>
#include <asm/layout.h>
#include <asm/hvm.h>
#include <asm/x86.h>
#include <public/sched.h>
#include <umbra/domain.h>
#include <umbra/domain_spec.h>
#include <umbra/errno.h>
#include <umbra/guest_log.h>
#include <umbra/heap.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include <umbra/vsnprintf.h>

static struct domain *domains[MAX_DOMAINS];
static spinlock_t domains_lock = SPINLOCK_INIT;

static const char *const state_names[] = {
	[DOMAIN_RUNNING] = "running", [DOMAIN_BLOCKED] = "blocked",
	[DOMAIN_PAUSED] = "paused", [DOMAIN_SHUTDOWN] = "shutdown",
	[DOMAIN_CRASHED] = "crashed", [DOMAIN_DYING] = "dying",
};

static const char *const shutdown_names[] = {
	[SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
	[SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
	[SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

const char *domain_state_name(enum domain_state s)
{
	return s <= DOMAIN_DYING ? state_names[s] : "?";
}

const char *shutdown_reason_name(unsigned int reason)
{
	return reason <= SHUTDOWN_MAX ? shutdown_names[reason] : "unknown";
}

struct domain *domain_by_id(domid_t id)
{
	return id < MAX_DOMAINS ? domains[id] : NULL;
}

unsigned int domains_alive(void)
{
	unsigned int n = 0;

	/* A stopping domain counts until its stop has been reported. */
	for (unsigned int i = 0; i < MAX_DOMAINS; i++)
		if (domains[i] && !__atomic_load_n(&domains[i]->stop_reported, __ATOMIC_ACQUIRE))
			n++;
	return n;
}

static bool name_taken(const char *name)
{
	for (unsigned int i = 0; i < MAX_DOMAINS; i++)
		if (domains[i] && !strncmp(domains[i]->name, name, sizeof(domains[i]->name)))
			return true;
	return false;
}

/* An id for d, and its name reserved with it: two domains never share a
 * name, since consoles, logs and tools address domains by name. */
static int claim_id(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&domains_lock);
	int id = -ENOSPC;

	if (name_taken(d->name)) {
		spin_unlock_irqrestore(&domains_lock, f);
		return -EEXIST;
	}
	/* Domain 0 is kept for dom0, as in Xen: the identity-mapped one. */
	if (d->identity) {
		if (!domains[0])
			domains[0] = d, id = 0;
		spin_unlock_irqrestore(&domains_lock, f);
		return id;
	}
	for (unsigned int i = 1; i < MAX_DOMAINS; i++) {
		if (!domains[i]) {
			domains[i] = d;
			id = (int)i;
			break;
		}
	}
	spin_unlock_irqrestore(&domains_lock, f);
	return id;
}

static void free_memory(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_extents; i++)
		free_extent_2m_phys(d->extents[i]);
	d->nr_extents = 0;
	if (d->extents)
		kfree(d->extents);
	d->extents = NULL;
}

/* Back [0, mem_bytes) with 2 MiB-aligned machine extents, zeroed so that
 * no domain sees another's old data. */
static int alloc_memory(struct domain *d, uint64_t mem_bytes)
{
	unsigned int n;

	/* Checked before any arithmetic: no size may wrap or be cut short. */
	if (!mem_bytes || mem_bytes > DOMAIN_MAX_MEM)
		return -EINVAL;
	n = (unsigned int)((mem_bytes + EXTENT_SIZE - 1) / EXTENT_SIZE);
	d->extents = kzalloc(n * sizeof(uint64_t));
	if (!d->extents)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t m = alloc_extent_2m_phys();

		if (!m) {
			free_memory(d);
			return -ENOMEM;
		}
		memset(phys_to_virt(m), 0, EXTENT_SIZE);
		d->extents[d->nr_extents++] = m;
	}
	d->mem_bytes = (uint64_t)n * EXTENT_SIZE;
	return 0;
}

/* dom0's RAM is machine RAM that mm_init() set aside: nothing to allocate,
 * and its guest-physical top is that of its highest range. */
static int use_identity_memory(struct domain *d)
{
	const struct identity_map *id = d->identity;

	if (!id->nr_ram)
		return -EINVAL;
	d->mem_bytes = id->ram[id->nr_ram - 1].end;
	return 0;
}

/* Domains are created one at a time (at boot), so one buffer will do. */
static char pool_why[128];

/* The pool, all of it, before anything is spent on the domain: one that
 * does not fit is refused here, and one that fits never runs short of
 * memory because of another. */
static int reserve_pool(struct domain *d, const struct domain_config *cfg, const char **why)
{
	uint64_t pages = hvm_domain_pool_pages(d, cfg, why);

	if (!pages)
		return -EINVAL;
	if (domain_pool_reserve(d, pages)) {
		snprintf(pool_why, sizeof(pool_why), "its pool of %llu KiB (paging and vCPU "
			 "state) does not fit in the %llu KiB free", (unsigned long long)pages * 4,
			 (unsigned long long)(mm_free_bytes() >> 10));
		*why = pool_why;
		return -ENOMEM;
	}
	return 0;
}

struct domain *domain_create(const struct domain_config *cfg, const char **why)
{
	struct domain *d;
	int id, err;

	if (!cfg->nr_vcpus || cfg->nr_vcpus > MAX_VCPUS_PER_DOMAIN) {
		*why = "vcpus must be 1 to 8";
		return NULL;
	}
	if (!domain_name_valid(cfg->name)) {
		*why = "name must be 1 to 31 printable characters, no spaces";
		return NULL;
	}
	if (!(cfg->affinity & sched_cpus_online())) {
		*why = "cpus has no online CPU";
		return NULL;
	}
	d = kzalloc(sizeof(*d));
	if (!d) {
		*why = "out of memory for the domain structure";
		return NULL;
	}
	memcpy(d->name, cfg->name, sizeof(d->name));
	d->name[sizeof(d->name) - 1] = '\0';
	d->paging = cfg->paging;
	d->state = DOMAIN_PAUSED;
	d->console_ring = kzalloc(CONSOLE_RING_SIZE);
	d->identity = cfg->identity;
	if (!d->console_ring)
		err = -ENOMEM;
	else if (d->identity)
		err = use_identity_memory(d);
	else
		err = alloc_memory(d, cfg->mem_bytes);
	if (err) {
		*why = err == -EINVAL ? "memory size must be 2 MiB to 1 GiB"
				      : "not enough free memory";
		kfree(d->console_ring);
		kfree(d);
		return NULL;
	}
	id = claim_id(d);
	if (id < 0) {
		*why = id == -EEXIST ? "name is already taken by another domain"
				     : "too many domains";
		goto fail_mem;
	}
	d->id = (domid_t)id;
	guest_log_init(&d->glog, d->id, d->name);
	if (reserve_pool(d, cfg, why))
		goto fail_id;
	err = hvm_domain_init(d, why);
	if (err)
		goto fail_pool;
	for (unsigned int i = 0; i < cfg->nr_vcpus; i++) {
		struct vcpu *v = domain_vcpu_alloc(d);

		if (!v || hvm_vcpu_init(v, d, i)) {
			domain_vcpu_free(d, v);
			*why = "its pool is too small for its vCPUs";
			goto fail_vcpus;
		}
		v->affinity = cfg->affinity;
		d->vcpus[d->nr_vcpus++] = v;
	}
	return d;

fail_vcpus:
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		hvm_vcpu_destroy(d->vcpus[i]);
		domain_vcpu_free(d, d->vcpus[i]);
	}
	hvm_domain_destroy(d);
fail_pool:
	domain_pool_release(d);
fail_id:
	domains[d->id] = NULL;
fail_mem:
	free_memory(d);
	kfree(d->console_ring);
	kfree(d);
	return NULL;
}

void domain_destroy(struct domain *d)
{
	uint64_t f;

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		hvm_vcpu_destroy(d->vcpus[i]);
		domain_vcpu_free(d, d->vcpus[i]);
	}
	hvm_domain_destroy(d);
	domain_pool_release(d);
	free_memory(d);
	kfree(d->console_ring);
	f = spin_lock_irqsave(&domains_lock);
	domains[d->id] = NULL;
	spin_unlock_irqrestore(&domains_lock, f);
	kfree(d);
}

static void stop_vcpus(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		sched_vcpu_down(d->vcpus[i]);
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	uint64_t f = spin_lock_irqsave(&d->lock);

	if (d->state >= DOMAIN_SHUTDOWN) {
		spin_unlock_irqrestore(&d->lock, f);
		return;
	}
	d->state = DOMAIN_SHUTDOWN;
	d->shutdown_reason = reason;
	spin_unlock_irqrestore(&d->lock, f);
	guest_log_stop(&d->glog);
	log_lifecycle(LOG_INFO, "domain %u (%s): shutdown: %s\n", d->id, d->name,
		      shutdown_reason_name(reason));
	stop_vcpus(d);
	domain_print_stats(d);
	__atomic_store_n(&d->stop_reported, true, __ATOMIC_RELEASE);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	uint64_t f = spin_lock_irqsave(&d->lock);
	va_list ap;

	if (d->state >= DOMAIN_SHUTDOWN) {
		spin_unlock_irqrestore(&d->lock, f);
		return;
	}
	d->state = DOMAIN_CRASHED;
	va_start(ap, fmt);
	vsnprintf(d->crash_reason, sizeof(d->crash_reason), fmt, ap);
	va_end(ap);
	spin_unlock_irqrestore(&d->lock, f);
	guest_log_stop(&d->glog);
	log_lifecycle(LOG_ERROR, "domain %u (%s): crashed: %s\n", d->id, d->name,
		      d->crash_reason);
	/* dom0's crash is not the machine's: say so where a person looks. */
	if (domain_is_dom0(d))
		log_lifecycle(LOG_NONE, "umbra: dom0 crashed (%s); the machine stays up and "
			      "the other domains go on\n", d->crash_reason);
	stop_vcpus(d);
	domain_print_stats(d);
	__atomic_store_n(&d->stop_reported, true, __ATOMIC_RELEASE);
}

static void console_flush_line(struct domain *d)
{
	guest_console_line(&d->glog, d->console_line, d->console_line_len);
	d->console_line_len = 0;
}

void domain_console_write(struct domain *d, const char *buf, uint64_t len)
{
	uint64_t f = spin_lock_irqsave(&d->lock);

	for (uint64_t i = 0; i < len; i++) {
		char c = buf[i];

		d->console_ring[d->console_head++ % CONSOLE_RING_SIZE] = c;
		if (c == '\n' || d->console_line_len == CONSOLE_LINE_MAX) {
			console_flush_line(d);
			if (c == '\n')
				continue;
		}
		if (c == '\r')
			continue;
		/* Keep the hypervisor console readable: no control bytes. */
		d->console_line[d->console_line_len++] = (c >= 0x20 && c < 0x7f) ? c : '.';
	}
	spin_unlock_irqrestore(&d->lock, f);
}

void domain_print_stats(const struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		hvm_print_vcpu_stats(d->vcpus[i]);
	hvm_print_paging_stats(d);
}
