/* PV domains and vCPUs: creation, shared-pt registration, teardown and
 * their counters. */
#include <asm/layout.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <public/arch-x86/xen-x86_64.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/heap.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include "pv_debug.h"
#include "pv_desc.h"
#include "pv_m2p.h"
#include "pv_mm.h"

/* Shadow L4s: one per address space the guest uses at once; a small
 * guest kernel needs a few. */
#define PV_SHADOW_POOL_PAGES	64

uint64_t pv_domain_pool_pages(struct domain *d, const struct domain_config *cfg,
			      const char **why)
{
	if (cfg->paging != UMBRA_PAGING_SHARED && cfg->paging != UMBRA_PAGING_SHADOW) {
		*why = "PV domains run with paging=shared or paging=shadow";
		return 0;
	}
	if (cfg->paging != UMBRA_PAGING_SHADOW && cfg->shadow_bytes) {
		*why = "shadow_memory is for paging=shadow only";
		return 0;
	}
	if (domain_is_dom0(d)) {
		*why = "dom0 is not a PV domain";
		return 0;
	}
	/* Each vCPU: its state and its trap table. */
	if (cfg->paging == UMBRA_PAGING_SHADOW)
		return 2 * cfg->nr_vcpus + pv_shadow_pool_pages(d, cfg->shadow_bytes);
	return 2 * cfg->nr_vcpus + PV_SHADOW_POOL_PAGES;
}

int pv_domain_init(struct domain *d, const char **why)
{
	struct pv_domain *pd;
	int rc;

	if (pv_mm_init()) {
		*why = "no memory for the PV frame table";
		return -ENOMEM;
	}
	pd = kzalloc(sizeof(*pd));
	if (pd)
		pd->p2m = kzalloc(d->nr_extents * sizeof(uint64_t));
	if (!pd || !pd->p2m) {
		if (pd)
			kfree(pd);
		*why = "no memory for its PV state";
		return -ENOMEM;
	}
	pv_mm_lock(d);
	rc = spt_domain_init(pv_mm_machine(), &pd->spt, d->id, SPT_DIRS_MACHINE, pd->p2m,
			     d->nr_extents, pd->spt_vcpus, MAX_VCPUS_PER_DOMAIN);
	pd->spt.force_user = true;	/* 64-bit PV: the kernel is in ring 3 */
	pd->spt.linear_l4 = true;	/* Xen allows a read-only L4 self-map */
	for (unsigned int i = 0; !rc && i < d->nr_extents; i++)
		rc = spt_domain_add_extent(&pd->spt, (uint64_t)i * SPT_EXTENT_FRAMES,
					   d->extents[i] >> PAGE_SHIFT);
	if (rc && pd->spt.m)
		spt_domain_destroy(&pd->spt);
	pv_mm_unlock();
	if (rc) {
		kfree(pd->p2m);
		kfree(pd);
		*why = "its memory could not be registered with the page-table engine";
		return -EINVAL;
	}
	d->pv = pd;
	pv_m2p_domain(d, true);
	if (d->paging == UMBRA_PAGING_SHADOW && pv_shadow_init(d)) {
		pv_domain_destroy(d);
		*why = "no memory for its shadow page tables";
		return -ENOMEM;
	}
	return 0;
}

/* Xen's domain_relinquish_resources: the GDT frames (destroy_gdt), the
 * pins and base pointers. Dropping the last type of a table puts the
 * entries it holds *now*, read from the guest's frames, so this must come
 * before destruction scrubs them: scrubbed first, the L4 lets go of
 * nothing and its L3 and everything below keep their counts. A frame
 * another domain maps stays counted; pv_domain_destroy says so. */
void pv_domain_relinquish(struct domain *d)
{
	struct pv_domain *pd = d->pv;

	if (!pd)
		return;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		if (d->vcpus[i]) {
			pv_desc_release(d->vcpus[i]);
			pv_pre_finish(d->vcpus[i], false);
			pv_vcpu_info_release(d->vcpus[i]);
		}
	}
	pv_mm_lock(d);
	spt_domain_relinquish(&pd->spt);
	pv_mm_unlock();
}

void pv_domain_destroy(struct domain *d)
{
	struct pv_domain *pd = d->pv;
	int rc;

	if (!pd)
		return;
	pv_m2p_domain(d, false);
	pv_shadow_destroy(d);
	pv_mm_lock(d);
	rc = spt_domain_destroy(&pd->spt);
	pv_mm_unlock();
	if (rc)
		/* Another domain still maps its frames: they stay out of use
		 * (the extents are never reused while typed). */
		pr_err("domain %u (%s): page-table state not released (%d)\n",
		       d->id, d->name, rc);
	kfree(pd->p2m);
	kfree(pd);
	d->pv = NULL;
}

int pv_vcpu_init(struct vcpu *v, struct domain *d, unsigned int id)
{
	memset(v, 0, sizeof(*v));
	v->domain = d;
	v->id = id;
	v->processor = -1;
	v->state = VCPU_DOWN;
	v->pv.kernel_mode = true;
	v->pv.regs.cs = FLAT_KERNEL_CS;
	v->pv.regs.ss = FLAT_KERNEL_SS;
	v->pv.regs.rflags = X86_EFLAGS_FIXED | X86_EFLAGS_IF;
	/* FXSAVE image of a CPU after reset: FCW 0x37f, MXCSR 0x1f80. */
	v->pv.fpu[0] = 0x7f;
	v->pv.fpu[1] = 0x03;
	v->pv.fpu[24] = 0x80;
	v->pv.fpu[25] = 0x1f;
	pv_debug_init(v);
	return 0;
}

void pv_vcpu_destroy(struct vcpu *v)
{
	pv_desc_release(v);
	pv_pre_finish(v, false);
	if (v->pv.traps)
		domain_page_free(v->domain, virt_to_phys(v->pv.traps));
	v->pv.traps = NULL;
}

void pv_print_vcpu_stats(const struct vcpu *v, bool lifecycle)
{
	void (*out)(enum log_level, const char *, ...) = lifecycle ? log_lifecycle : log_printf;
	const struct vcpu_stats *s = &v->stats;
	uint64_t hc = 0;

	for (unsigned int i = 0; i < 64; i++)
		hc += s->hypercalls[i];
	out(LOG_INFO, "domain %u (%s) vcpu %u: pv cpu_time_ms=%llu runs=%llu entries=%llu "
	    "hypercalls=%llu hypercalls_bad=%llu guest_faults=%llu intr=%llu shadow_faults=%llu\n",
	    v->domain->id, v->domain->name, v->id,
	    (unsigned long long)(s->cpu_time_ns / 1000000), (unsigned long long)s->runs,
	    (unsigned long long)s->exits, (unsigned long long)hc,
	    (unsigned long long)s->hypercalls_bad, (unsigned long long)s->guest_faults,
	    (unsigned long long)s->exits_other, (unsigned long long)s->shadow_faults);
}

void pv_print_paging_stats(const struct domain *d)
{
	const struct spt_stats *s;

	if (!d->pv)
		return;
	if (pv_translated(d)) {
		pv_shadow_print_stats(d);
		return;
	}
	s = &d->pv->spt.stats;
	log_lifecycle(LOG_INFO, "domain %u (%s) paging: mode=shared shadow_pages=%llu "
		      "shadow_pages_peak=%llu validations=%llu pt_write_traps=%llu "
		      "mmu_update_calls=%llu mmuext_calls=%llu refusals=%llu pool_used=%llu\n",
		      d->id, d->name, (unsigned long long)s->shadow_pages,
		      (unsigned long long)s->shadow_pages_peak,
		      (unsigned long long)s->validations, (unsigned long long)s->pt_write_traps,
		      (unsigned long long)s->mmu_update_calls, (unsigned long long)s->mmuext_calls,
		      (unsigned long long)s->refusals, (unsigned long long)d->pool.used);
}
