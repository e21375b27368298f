/* Domains: identity, memory in aligned 2 MiB extents, console, and the
 * ways a domain stops. */
#include <stdarg.h>
#include <asm/layout.h>
#include <asm/guest.h>
#include <asm/x86.h>
#include <public/sched.h>
#include <umbra/domain.h>
#include <umbra/domain_spec.h>
#include <umbra/errno.h>
#include <umbra/grant_table.h>
#include <umbra/guest_log.h>
#include <umbra/mgmt.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/string.h>
#include <umbra/test_hooks.h>
#include <umbra/vcpu_shared.h>
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
	uint64_t f = spin_lock_irqsave(&domains_lock);
	unsigned int n = 0;

	/* A stopping domain counts until its stop has been reported. */
	for (unsigned int i = 0; i < MAX_DOMAINS; i++)
		if (domains[i] && !__atomic_load_n(&domains[i]->stop_reported, __ATOMIC_ACQUIRE))
			n++;
	spin_unlock_irqrestore(&domains_lock, f);
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

/* Domains are created one at a time (at boot), so one buffer will do. */
static char pool_why[128];

/* The pool, all of it, before anything is spent on the domain: one that
 * does not fit is refused here, and one that fits never runs short of
 * memory because of another. */
static int reserve_pool(struct domain *d, const struct domain_config *cfg, const char **why)
{
	uint64_t pages = arch_domain_pool_pages(d, cfg, why);

	if (!pages)
		return -EINVAL;
	pages += GRANT_POOL_PAGES;
	if (domain_pool_reserve(d, pages)) {
		snprintf(pool_why, sizeof(pool_why), "its pool of %llu KiB (paging and vCPU "
			 "state) does not fit in the %llu KiB free", (unsigned long long)pages * 4,
			 (unsigned long long)(mm_free_bytes() >> 10));
		*why = pool_why;
		return -ENOMEM;
	}
	return 0;
}

/* What the configuration asks that no back end could give. */
static int check_config(const struct domain_config *cfg, const char **why)
{
	if (!cfg->nr_vcpus || cfg->nr_vcpus > MAX_VCPUS_PER_DOMAIN) {
		*why = "vcpus must be 1 to 8";
		return -EINVAL;
	}
	if (!domain_name_valid(cfg->name)) {
		*why = "name must be 1 to 31 printable characters, no spaces";
		return -EINVAL;
	}
	if (!(cfg->affinity & sched_cpus_online())) {
		*why = "cpus has no online CPU";
		return -EINVAL;
	}
	return 0;
}

static void unpublish(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&domains_lock);

	domains[d->id] = NULL;
	spin_unlock_irqrestore(&domains_lock, f);
}

int domain_create_err(const struct domain_config *cfg, struct domain **out, const char **why)
{
	struct domain *d;
	int id, err;

	err = check_config(cfg, why);
	if (!err)
		err = domain_alloc_structures(cfg, &d, why);
	if (err)
		return err;
	id = claim_id(d);
	if (id < 0) {
		*why = id == -EEXIST ? "name is already taken by another domain"
				     : "too many domains";
		err = id;
		goto fail_mem;
	}
	d->id = (domid_t)id;
	guest_log_init(&d->glog, d->id, d->name);
	err = reserve_pool(d, cfg, why);
	if (err)
		goto fail_id;
	if (evtchn_domain_init(d)) {
		*why = "no memory for its event channels";
		err = -ENOMEM;
		goto fail_pool;
	}
	err = arch_domain_init(d, why);
	if (err)
		goto fail_pool;
	for (unsigned int i = 0; i < cfg->nr_vcpus; i++) {
		struct vcpu *v = domain_vcpu_alloc(d);

		if (!v || arch_vcpu_init(v, d, i)) {
			domain_vcpu_free(d, v);
			*why = "its pool is too small for its vCPUs";
			err = -ENOMEM;
			goto fail_vcpus;
		}
		v->affinity = cfg->affinity;
		vcpu_runstate_init(v);
		d->vcpus[d->nr_vcpus++] = v;
	}
	*out = d;
	return 0;

fail_vcpus:
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		arch_vcpu_destroy(d->vcpus[i]);
		domain_vcpu_free(d, d->vcpus[i]);
	}
	arch_domain_destroy(d);
fail_pool:
	evtchn_domain_destroy(d);
	domain_pool_release(d);
fail_id:
	unpublish(d);
fail_mem:
	domain_free_structures(d);
	return err;
}

struct domain *domain_create(const struct domain_config *cfg, const char **why)
{
	struct domain *d = NULL;

	return domain_create_err(cfg, &d, why) ? NULL : d;
}

/* Out of the table first: from then on no other pCPU finds it (the
 * timer walk runs under the table's lock), so freeing it is safe once its
 * vCPUs are off every pCPU (the caller's business). Its event channels go
 * next: a peer found before it left the table is done with it then. */
void domain_destroy(struct domain *d)
{
	domain_rings_teardown(d);
	unpublish(d);
	evtchn_domain_destroy(d);
	/* Before its memory can be reused: nobody maps its frames any more. */
	grant_domain_destroy(d);
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		arch_vcpu_destroy(d->vcpus[i]);
		domain_vcpu_free(d, d->vcpus[i]);
	}
	arch_domain_destroy(d);
	domain_pool_release(d);
	domain_free_structures(d);
}

void domains_walk(void (*fn)(struct domain *d, void *arg), void *arg)
{
	uint64_t f = spin_lock_irqsave(&domains_lock);

	for (unsigned int i = 0; i < MAX_DOMAINS; i++)
		if (domains[i])
			fn(domains[i], arg);
	spin_unlock_irqrestore(&domains_lock, f);
}

static void stop_vcpus(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		sched_vcpu_down(d->vcpus[i]);
}

/* Test builds provide a strong definition (hypervisor/test/). */
void __attribute__((weak)) test_hooks_domain_shutdown(const struct domain *d)
{
	(void)d;
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
	mgmt_notify();
	test_hooks_domain_shutdown(d);
}

bool domain_other_vcpus_up(const struct vcpu *v)
{
	const struct domain *d = v->domain;

	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (d->vcpus[i] != v && d->vcpus[i]->state != VCPU_DOWN)
			return true;
	return false;
}

void domain_vcpu_offline(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (domain_other_vcpus_up(v)) {
		sched_vcpu_down(v);
		return;
	}
	log_lifecycle(LOG_INFO, "domain %u (%s): vCPU %u halted with interrupts "
		      "disabled, the last one up: powering off\n", d->id, d->name, v->id);
	domain_shutdown(d, SHUTDOWN_poweroff);
}

static void report_stopped_now(const struct domain *d, uint64_t vcpus)
{
	for (unsigned int i = 0; vcpus; i++, vcpus >>= 1)
		if (vcpus & 1)
			log_lifecycle(LOG_INFO, "domain %u (%s): vCPU %u stopped at once (it was "
				      "running on another pCPU)\n", d->id, d->name, i);
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
	/* dom0's other vCPUs may run on (or halt with interrupts off, as
	 * after Linux's panic) on their pCPUs: stop them now, not at an
	 * exit that may never come. */
	if (domain_is_dom0(d))
		report_stopped_now(d, sched_domain_stop_now(d));
	domain_print_stats(d);
	__atomic_store_n(&d->stop_reported, true, __ATOMIC_RELEASE);
	mgmt_notify();
}

bool domain_kill(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&d->lock);
	bool was_stopped = d->state >= DOMAIN_SHUTDOWN;

	if (d->state == DOMAIN_DYING) {
		spin_unlock_irqrestore(&d->lock, f);
		return false;
	}
	__atomic_store_n(&d->state, DOMAIN_DYING, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&d->lock, f);
	guest_log_stop(&d->glog);
	log_lifecycle(LOG_INFO, "domain %u (%s): destroyed by dom0\n", d->id, d->name);
	stop_vcpus(d);
	/* As Xen at domain_kill: its peers see their ends unbound now. */
	evtchn_domain_close_all(d);
	if (!was_stopped)
		domain_print_stats(d);
	__atomic_store_n(&d->stop_reported, true, __ATOMIC_RELEASE);
	mgmt_notify();
	return true;
}

void domain_print_stats(const struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		arch_print_vcpu_stats(d->vcpus[i], true);
	arch_print_paging_stats(d);
}
