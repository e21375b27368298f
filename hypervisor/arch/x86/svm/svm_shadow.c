/*
 * paging=shadow on SVM: with the guest's paging on, nested paging is off
 * and the CPU walks shadow tables built by mmu/'s shadow engine from the
 * guest's tables; #PF and INVLPG exit (svm_shadow_fault.c), CR0/CR3/CR4
 * accesses too (svm_cr.c), and the mode and root are chosen here. A
 * guest in long mode runs on 4-level shadows, a 32-bit guest (2-level or
 * PAE paging) on PAE shadows (mmu/shadow_form.c): a 2-level guest then
 * runs with CR4.PAE set, and reads its own CR4 back (CR4 reads exit).
 * While the guest's paging is off (PVH entry, before it builds page
 * tables) it runs on the domain's identity NPT: an unpaged guest has no
 * tables to shadow.
 */
#include <asm/hvm.h>
#include <asm/apic.h>
#include <asm/insn.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include <asm/layout.h>
#include <asm/svm/svm.h>
#include <public/umbra.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include "mmu/shadow.h"

#define SHADOW_POOL_BASE	512	/* pages */
#define SHADOW_POOL_PER_2M	8	/* pages per 2 MiB of guest memory */

static int shadow_p2m(void *ctx, uint64_t gfn, struct mmu_p2m *out)
{
	uint64_t m = domain_gpa_to_maddr(ctx, gfn << 12), mfn;
	bool writable;

	/* Outside its RAM: a grant mapping, one frame, maybe read-only. */
	if (!m) {
		if (svm_grant_p2m(ctx, gfn, &mfn, &writable))
			return -ENOENT;
		*out = (struct mmu_p2m){ .mfn = mfn, .order = 0, .writable = writable };
		return 0;
	}
	/* Every guest extent is one 2 MiB-aligned machine extent, unless
	 * the guest gave a frame of it back. */
	*out = (struct mmu_p2m){ .mfn = m >> 12, .order = domain_extent_whole(ctx, gfn) ? 9 : 0,
				 .writable = true };
	return 0;
}

/* Every vCPU flushes at its next entry; those running now on another
 * CPU are kicked out of the guest, and the shadow pages freed meanwhile
 * go back once they all have (svm_shadow_defer.c). */
static void shadow_flush_tlb(void *ctx)
{
	svm_shadow_defer_flush(ctx);
}

/* Beyond its pool the engine recycles this domain's own shadows. */
static struct shadow_config shadow_cfg(uint64_t pool_pages)
{
	return (struct shadow_config){ .roots = 16, .hv_slot = -1, .pool_pages = pool_pages };
}

uint64_t svm_shadow_pool_pages(const struct domain *d, uint64_t shadow_bytes)
{
	struct shadow_config cfg = shadow_cfg(0);
	uint64_t min = shadow_pool_min_pages(&cfg);
	uint64_t pages = shadow_bytes ? shadow_bytes >> 12 :
		SHADOW_POOL_BASE + SHADOW_POOL_PER_2M * (d->mem_bytes >> 21);

	return pages > min ? pages : min;
}

int svm_shadow_domain_init(struct domain *d)
{
	struct shadow_config cfg = shadow_cfg(d->shadow_pool_pages);
	struct mmu_ops ops;
	int err = 0;

	svm_mmu_ops_init(&ops, d);
	ops.p2m = shadow_p2m;
	ops.flush_tlb = shadow_flush_tlb;
	err = svm_shadow_defer_init(d, &ops);
	if (err)
		return err;
	d->shadow = shadow_domain_create(&ops, &cfg, &err);
	if (!d->shadow) {
		svm_shadow_defer_destroy(d);
		return err;
	}
	d->write_gpa = svm_shadow_write_gpa;
	return 0;
}

void svm_shadow_domain_destroy(struct domain *d)
{
	svm_shadow_defer_dying(d);
	if (d->shadow)
		shadow_domain_destroy(d->shadow);
	d->shadow = NULL;
	d->write_gpa = NULL;
	svm_shadow_defer_destroy(d);
}

int svm_shadow_vcpu_init(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	v->hvm.shadow = shadow_vcpu_create(v->domain->shadow);
	if (!v->hvm.shadow)
		return -ENOMEM;
	vmcb->intercept_cr |= INTERCEPT_CR_READ(0) | INTERCEPT_CR_READ(3) |
			      INTERCEPT_CR_READ(4) | INTERCEPT_CR_WRITE(0) |
			      INTERCEPT_CR_WRITE(3);
	vmcb->intercept_misc1 |= INTERCEPT_INVLPG;
	return 0;
}

void svm_shadow_vcpu_destroy(struct vcpu *v)
{
	svm_shadow_defer_dying(v->domain);
	if (v->hvm.shadow)
		shadow_vcpu_destroy(v->hvm.shadow);
	v->hvm.shadow = NULL;
}

void svm_set_guest_cr0(struct vcpu *v, uint64_t cr0)
{
	v->hvm.cr0_wp_forced = false;
	v->hvm.vmcb->cr0 = cr0;
}

void svm_set_guest_cr4(struct vcpu *v, uint64_t cr4)
{
	v->hvm.cr4_pae_forced = false;
	v->hvm.vmcb->cr4 = cr4;
}

/* The CPU walks PAE shadows for any guest outside long mode. */
static void set_hw_pae(struct vcpu *v, bool shadowing)
{
	uint64_t guest = svm_guest_cr4(v);
	const struct vmcb *vmcb = v->hvm.vmcb;

	v->hvm.cr4_pae_forced = shadowing && !(vmcb->efer & EFER_LMA) && !(guest & CR4_PAE);
	v->hvm.vmcb->cr4 = v->hvm.cr4_pae_forced ? guest | CR4_PAE : guest;
}

/*
 * Read-only shadow entries (the guest's page tables, pages not yet
 * dirty, read-only grant mappings) must hold against the guest's own
 * CPL 0 writes, which CR0.WP=0 would let through: while the guest runs
 * on shadows the CPU has WP set whatever the guest chose, the engine
 * emulates the writes the guest's WP=0 allows (it is given the guest's
 * CR0), and the guest reads its own CR0 back (CR0 reads exit).
 */
static void set_hw_wp(struct vcpu *v, bool shadowing)
{
	uint64_t guest = svm_guest_cr0(v);

	v->hvm.cr0_wp_forced = shadowing && !(guest & CR0_WP);
	v->hvm.vmcb->cr0 = v->hvm.cr0_wp_forced ? guest | CR0_WP : guest;
}

static void run_unpaged(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;

	vmcb->np_enable = 1;
	vmcb->n_cr3 = v->domain->npt.root;
	vmcb->cr3 = v->hvm.guest_cr3;
	vmcb->intercept_exceptions &= ~(1u << TRAP_PF);
	v->hvm.shadow_active = false;
	set_hw_wp(v, false);
	set_hw_pae(v, false);
}

/* Outside long mode the CPU's CR3 has 32 bits: a PAE shadow root must
 * be below 4 GiB. The domain's pool is where its pages come from; on a
 * machine with more memory than that the check says so instead of
 * loading a truncated root. */
static bool hw_cr3_ok(const struct vcpu *v, uint64_t hw)
{
	return (v->hvm.vmcb->efer & EFER_LMA) || !(hw >> 32);
}

/* Point the CPU at the shadow of the guest's current tables. */
static int load_shadow_root(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vmcb *vmcb = v->hvm.vmcb;
	/* With the CPU's width: bits above it in a guest entry are the
	 * guest's #PF (RSVD), not a frame beyond its RAM. */
	struct mmu_mode m = { .cr0 = svm_guest_cr0(v), .cr4 = svm_guest_cr4(v),
			      .efer = vmcb->efer, .maxphyaddr = (uint8_t)svm_maxphyaddr() };
	uint64_t f, hw = 0;
	int err;

	f = spin_lock_irqsave(&d->paging_lock);
	err = shadow_set_mode(v->hvm.shadow, &m);
	if (!err)
		err = shadow_write_cr3(v->hvm.shadow, v->hvm.guest_cr3, &hw);
	spin_unlock_irqrestore(&d->paging_lock, f);
	if (err)
		return err;
	if (!hw_cr3_ok(v, hw))
		return -ERANGE;
	vmcb->np_enable = 0;
	vmcb->n_cr3 = 0;
	vmcb->cr3 = hw;
	vmcb->intercept_exceptions |= 1u << TRAP_PF;
	v->hvm.shadow_active = true;
	set_hw_wp(v, true);
	set_hw_pae(v, true);
	__atomic_fetch_add(&d->tlb_gen, 1, __ATOMIC_RELEASE);
	return 0;
}

/* Only this domain stops: its pool is its own. The engine recycles
 * before it gives up, so -ENOMEM means nothing was left to recycle. */
static void shadow_root_failed(struct domain *d, uint64_t cr3, int err)
{
	if (err == -ENOMEM)
		domain_crash(d, "shadow root for CR3 %#llx: shadow pool of %llu pages "
			     "exhausted, nothing left to recycle", (unsigned long long)cr3,
			     (unsigned long long)d->shadow_pool_pages);
	else if (err == -ERANGE)
		domain_crash(d, "shadow root for CR3 %#llx: a 32-bit guest's PAE shadow "
			     "root must be below 4 GiB, and this one is not",
			     (unsigned long long)cr3);
	else
		domain_crash(d, "shadow root for CR3 %#llx: error %d",
			     (unsigned long long)cr3, err);
}

/* CR0, CR4 or EFER changed: choose unpaged (NPT) or shadow mode. */
void svm_shadow_mode_changed(struct vcpu *v)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	int err;

	if (!v->domain->shadow)
		return;
	if (!(vmcb->cr0 & CR0_PG)) {
		run_unpaged(v);
		return;
	}
	err = load_shadow_root(v);
	if (err)
		shadow_root_failed(v->domain, v->hvm.guest_cr3, err);
}

/* MOV to CR3 in shadow mode; false for a value the CPU would refuse
 * (#GP), which then changes nothing. */
bool svm_shadow_write_cr3(struct vcpu *v, uint64_t val)
{
	struct domain *d = v->domain;
	uint64_t f, hw = 0;
	int err;

	if (!svm_cr3_valid(val))
		return false;
	if (!v->hvm.shadow_active) {
		v->hvm.guest_cr3 = val;
		v->hvm.vmcb->cr3 = val;
		return true;
	}
	f = spin_lock_irqsave(&d->paging_lock);
	err = shadow_write_cr3(v->hvm.shadow, val, &hw);
	spin_unlock_irqrestore(&d->paging_lock, f);
	if (err == -EINVAL)
		return false;
	if (!err && !hw_cr3_ok(v, hw))
		err = -ERANGE;
	if (err) {
		shadow_root_failed(d, val, err);
		return true;
	}
	v->hvm.guest_cr3 = val;
	v->hvm.vmcb->cr3 = hw;
	return true;
}

/* What the hypervisor holds to translate this domain's memory, and how
 * hard the shadow engine worked: the numbers paging modes are compared by.
 * pool_pages is the domain's reservation (paging and vCPU state),
 * pool_used what is spent of it now, pool_peak the most ever spent. */
void hvm_print_paging_stats(const struct domain *d)
{
	struct shadow_counters c;

	if (!d->shadow) {
		log_lifecycle(LOG_INFO, "domain %u (%s) paging: mode=nested npt_pages=%llu pool_pages=%llu "
			"pool_used=%llu pool_peak=%llu\n", d->id, d->name,
			(unsigned long long)d->npt.tables, (unsigned long long)d->pool.reserved,
			(unsigned long long)d->pool.used, (unsigned long long)d->pool.peak);
		return;
	}
	shadow_get_counters(d->shadow, &c);
	log_lifecycle(LOG_INFO, "domain %u (%s) paging: mode=shadow npt_pages=%llu pool_pages=%llu "
		"pool_used=%llu pool_peak=%llu shadow_pages=%llu shadow_pages_peak=%llu "
		"meta_pages=%llu recycles=%llu hidden_faults=%llu fills=%llu "
		"injected=%llu pt_write_traps=%llu pt_writes=%llu cr3_writes=%llu "
		"cache_hits=%llu cache_misses=%llu invlpgs=%llu pages_peak=%llu\n", d->id, d->name,
		(unsigned long long)d->npt.tables, (unsigned long long)d->pool.reserved,
		(unsigned long long)d->pool.used, (unsigned long long)d->pool.peak,
		(unsigned long long)c.shadow_pages, (unsigned long long)c.shadow_pages_peak,
		(unsigned long long)c.meta_pages, (unsigned long long)c.recycles,
		(unsigned long long)c.hidden_faults, (unsigned long long)c.fills,
		(unsigned long long)c.injected, (unsigned long long)c.pt_write_traps,
		(unsigned long long)c.pt_writes, (unsigned long long)c.cr3_writes,
		(unsigned long long)c.cache_hits, (unsigned long long)c.cache_misses,
		(unsigned long long)c.invlpgs, (unsigned long long)c.pages_peak);
}

void hvm_domain_paging_counters(const struct domain *d, struct hvm_paging_counters *out)
{
	struct shadow_counters c;

	*out = (struct hvm_paging_counters){ .paging_pages = d->npt.tables };
	if (!d->shadow)
		return;
	shadow_get_counters(d->shadow, &c);
	out->pt_traps = c.pt_write_traps;
	out->paging_pages += c.shadow_pages + c.meta_pages;
}
