/* Management commands over a domain's life: create, start, pause and
 * unpause, shut down, destroy, pin. Each runs under the mgmt lock; a
 * command that must wait for another pCPU (pause, destroy) is continued,
 * and every step it repeats is one that is done already, so a continued
 * call is the same command asked again. */
#include <asm/guest.h>
#include <asm/hvm.h>
#include <asm/layout.h>
#include <public/hvm/start_info.h>
#include <public/sched.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include <umbra/mgmt.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/sched.h>
#include <umbra/string.h>

/* 16 MiB of RAM zeroed per call of a destroy. */
#define SCRUB_EXTENTS_PER_CALL	8

static void config_from(struct domain_config *cfg, const struct umbra_mgmt_create *a,
			uint64_t cpus)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->name, a->name, sizeof(cfg->name));
	cfg->mem_bytes = a->mem_bytes;
	cfg->nr_vcpus = a->nr_vcpus;
	cfg->paging = a->paging;
	cfg->affinity = a->affinity & cpus;
	cfg->shadow_bytes = a->shadow_bytes;
	/* A PV domain is one from its creation on (its page-table engine). */
	cfg->type = a->type == UMBRA_DOMAIN_TYPE_PV ? UMBRA_DOMAIN_TYPE_PV : 0;
}

static const char *paging_name(uint32_t paging)
{
	return paging == UMBRA_PAGING_NESTED ? "nested" :
	       paging == UMBRA_PAGING_SHARED ? "shared" : "shadow";
}

long mgmt_domain_create(struct mgmt_call *c)
{
	const struct umbra_mgmt_create *a = &c->req.u.create;
	uint64_t cpus = mgmt_domu_cpus();
	struct domain_config cfg;
	const char *why = "?";
	struct domain *d = NULL;
	int err = mgmt_check_create(a, cpus, &why);

	if (!err) {
		config_from(&cfg, a, cpus);
		err = domain_create_err(&cfg, &d, &why);
	}
	if (!err) {
		err = domain_rings_setup(d);
		why = "no event channel for its store and console rings";
		if (err)
			domain_destroy(d);	/* never ran: nothing to wait for */
	}
	if (err) {
		/* The tool has only the error number: the log says the rest. */
		pr_info("mgmt: domain not created: %s (%llu MiB asked, %llu MiB free)\n", why,
			(unsigned long long)(a->mem_bytes >> 20),
			(unsigned long long)(mm_free_bytes() >> 20));
		return err;
	}
	d->type = a->type;
	c->req.domid = d->id;
	log_lifecycle(LOG_INFO, "domain %u (%s): created by dom0, paused: %llu MiB, %u vCPU%s, "
		      "paging=%s, pool %llu KiB\n", d->id, d->name,
		      (unsigned long long)(d->mem_bytes >> 20), d->nr_vcpus,
		      d->nr_vcpus > 1 ? "s" : "",
		      paging_name(d->paging), (unsigned long long)d->pool.reserved * 4);
	mgmt_notify();
	return 0;
}

/* Below 4 GiB (the PVH entry runs in 32-bit mode) and the domain's RAM. */
static bool pvh_addr_ok(const struct domain *d, uint64_t gpa, uint64_t len)
{
	return gpa + len <= (1ULL << 32) && domain_owns_gpa_range(d, gpa, len);
}

long mgmt_vcpu_start(struct mgmt_call *c)
{
	const struct umbra_mgmt_start *a = &c->req.u.start;
	struct domain *d;
	struct vcpu *v;
	int err = mgmt_target(c, false, &d);

	if (err)
		return err;
	v = d->vcpus[0];
	if (d->state != DOMAIN_PAUSED || d->started || v->initialised)
		return -EEXIST;		/* once, before it first runs */
	if (!pvh_addr_ok(d, a->entry, 1) ||
	    !pvh_addr_ok(d, a->start_info_gpa, sizeof(struct hvm_start_info)))
		return -EINVAL;
	hvm_vcpu_set_pvh_entry(v, (uint32_t)a->entry, (uint32_t)a->start_info_gpa);
	v->initialised = true;
	return 0;
}

long mgmt_domain_unpause(struct mgmt_call *c)
{
	struct domain *d;
	int err = mgmt_target(c, false, &d);
	bool was_paused;

	if (err)
		return err;
	if (!d->vcpus[0]->initialised)
		return -EINVAL;		/* nothing to run: vcpu_start first */
	was_paused = d->state == DOMAIN_PAUSED;
	err = sched_domain_unpause(d);
	if (err)
		return err;
	if (!d->started) {
		d->started = true;
		log_lifecycle(LOG_INFO, "domain %u (%s): started by dom0\n", d->id, d->name);
		sched_vcpu_start(d->vcpus[0]);
	}
	if (was_paused)
		mgmt_notify();
	return 0;
}

/* Returns once no vCPU of the domain is left on any pCPU. */
long mgmt_domain_pause(struct mgmt_call *c)
{
	struct domain *d;
	int err = mgmt_target(c, false, &d);
	bool was_paused;

	if (err)
		return err;
	was_paused = d->state == DOMAIN_PAUSED;
	err = sched_domain_pause(d);
	if (err)
		return err;
	if (!was_paused)
		mgmt_notify();
	return sched_domain_on_pcpus(d) ? HYPERCALL_CONTINUE : 0;
}

long mgmt_domain_shutdown(struct mgmt_call *c)
{
	struct domain *d;
	int err = mgmt_target(c, false, &d);

	if (err)
		return err;
	if (c->req.u.shutdown.reason > SHUTDOWN_MAX || d->state == DOMAIN_DYING)
		return -EINVAL;
	domain_shutdown(d, c->req.u.shutdown.reason);	/* nothing if stopped */
	return 0;
}

/* Destruction zeroes the RAM before it goes back to the allocator, so no
 * later domain sees it; a few extents per call keep dom0's pCPU from
 * being held for long. */
static bool scrub_step(struct domain *d, unsigned int max)
{
	while (max-- && d->scrubbed < d->nr_extents)
		memset(phys_to_virt(d->extents[d->scrubbed++]), 0, EXTENT_SIZE);
	return d->scrubbed == d->nr_extents;
}

/* Kill, wait until no vCPU is on a pCPU, scrub, free: each call goes as
 * far as it can, and the next (a continuation) resumes from the state. */
long mgmt_domain_destroy(struct mgmt_call *c)
{
	struct domain *d;
	int err = mgmt_target(c, false, &d);

	if (err)
		return err;
	domain_kill(d);
	/* dom0's way into its rings goes before its memory does. */
	domain_rings_teardown(d);
	if (sched_domain_on_pcpus(d))
		return HYPERCALL_CONTINUE;
	/* Once, before the first extent is zeroed: the page-table engine
	 * reads the domain's tables to let go of what they hold. */
	if (!d->scrubbed)
		arch_domain_relinquish(d);
	if (!scrub_step(d, SCRUB_EXTENTS_PER_CALL))
		return HYPERCALL_CONTINUE;
	domain_destroy(d);
	mgmt_notify();
	return 0;
}

long mgmt_vcpu_pin(struct mgmt_call *c)
{
	const struct umbra_mgmt_pin *a = &c->req.u.pin;
	uint64_t cpus = mgmt_domu_cpus();
	struct domain *d;
	int err = mgmt_target(c, false, &d);

	if (err)
		return err;
	if (a->vcpu >= d->nr_vcpus || !(a->affinity & cpus))
		return -EINVAL;
	if (d->state == DOMAIN_DYING)
		return -EINVAL;
	sched_vcpu_pin(d->vcpus[a->vcpu], a->affinity & cpus);
	return 0;
}
