/*
 * paging=shadow for PV domains (docs/pv.md): the guest is told its
 * physmap is auto-translated (XENFEAT_auto_translated_physmap, an
 * identity p2m list, shared_info by its pseudo-physical address, as
 * Xen's builder gave a translated PV guest), so its page tables hold
 * pseudo-physical frames. The CPU runs it in ring 3 on mmu/'s shadow
 * tables: CR3 is the shadow root, whose L4 carries the hypervisor's
 * slots (256-271, 511) like a shared-pt shadow L4. Guest page tables
 * are ordinary RAM to the guest: its stores to them fault on the
 * shadow's write protection, are decoded and applied through the
 * engine (pv_emulate_pt_store); a #PF the shadow does not explain is
 * bounced to the guest. mmu_update and update_va_mapping write entries
 * at pseudo-physical addresses, mmuext_op's base pointer is a shadow
 * CR3 write; the engine needs no pins, but a pin gets Xen's answer (a
 * frame writable to someone is refused, see pin_ok).
 *
 * Each vCPU has its own shadow_vcpu (its roots); the engine's TLB flush
 * reaches every pCPU that runs one of the domain's vCPUs (pv_flush.c),
 * and with more than one vCPU a shadow page goes back to the pool only
 * after such a flush: another pCPU may still walk it.
 */
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <public/xen.h>
#include <public/version.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/grant_table.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/string.h>
#include "mmu/pte.h"
#include "mmu/shadow.h"
#include "mmu/walk.h"
#include "pv_m2p.h"
#include "pv_mm.h"
#include "pv_traps.h"
#include "pv_xonly.h"

#define POOL_BASE	512	/* pages, as for HVM shadow domains */
#define POOL_PER_2M	8

static bool shadow_may_exec(void *ctx, uint64_t mfn);

/* The hypervisor's L4 entries, the same in every PV address space. */
static uint64_t hv_table[PT_ENTRIES];

static struct shadow_config shadow_cfg(uint64_t pool_pages)
{
	/* As shared-pt's force_user and linear_l4 for PV on shared page
	 * tables: the kernel runs in ring 3, and Xen allows a read-only L4
	 * self-map. */
	struct shadow_config c = { .roots = 16, .hv_slot = -1, .pool_pages = pool_pages,
				   .hv_table = hv_table, .force_user = true, .linear_l4 = true,
				   .may_exec = shadow_may_exec };

	for (unsigned int i = 0; i < SPT_HV_NR_SLOTS; i++) {
		unsigned int idx = spt_hv_slot_index(i);

		c.hv_mask[idx / 64] |= 1ULL << (idx % 64);
	}
	return c;
}

static const struct mmu_mode *guest_mode(void)
{
	static struct mmu_mode m = {
		.cr0 = CR0_PG | CR0_WP | CR0_PE, .cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
	};

	m.maxphyaddr = (uint8_t)pv_mm_machine()->phys_bits;
	return &m;
}

bool pv_translated(const struct domain *d)
{
	return d->pv && d->pv->shadow;
}

uint64_t pv_shadow_pool_pages(struct domain *d, uint64_t shadow_bytes)
{
	struct shadow_config cfg = shadow_cfg(0);
	uint64_t min = shadow_pool_min_pages(&cfg);
	uint64_t pages = shadow_bytes ? shadow_bytes >> PAGE_SHIFT :
		POOL_BASE + POOL_PER_2M * (d->mem_bytes >> 21);

	d->shadow_pool_pages = pages > min ? pages : min;
	return d->shadow_pool_pages;
}

static int pool_alloc(void *ctx, uint64_t *maddr)
{
	uint64_t pa = domain_page_alloc(ctx);

	if (!pa)
		return -ENOMEM;
	*maddr = pa;
	return 0;
}

static void pool_free(void *ctx, uint64_t maddr)
{
	struct domain *d = ctx;

	if (d->nr_vcpus > 1)
		pv_flush_domain(d);
	domain_page_free(d, maddr);
}

static void *direct_map(void *ctx, uint64_t maddr)
{
	(void)ctx;
	return phys_to_virt(maddr);
}

/* Every frame of its RAM, writable; 2 MiB where the extent is whole.
 * Above its RAM, its grant table frames and (version 2) read-only status
 * frames (umbra/grant_table.h), then the frames its grant mappings name
 * (pv_grant_shadow.c). */
static int shadow_p2m(void *ctx, uint64_t gfn, struct mmu_p2m *out)
{
	uint64_t m = domain_gpa_to_maddr(ctx, gfn << PAGE_SHIFT);
	bool w = true;

	if (!m && ((m = grant_frame_beyond_ram(ctx, gfn, &w)) ||
		   (m = pv_grant_window(ctx, gfn, &w)))) {
		*out = (struct mmu_p2m){ .mfn = m >> PAGE_SHIFT, .writable = w };
		return 0;
	}
	if (!m)
		return -ENOENT;
	*out = (struct mmu_p2m){ .mfn = m >> PAGE_SHIFT,
				 .order = domain_extent_whole(ctx, gfn) ? 9 : 0,
				 .writable = true };
	return 0;
}

const uint64_t *pv_shadow_table(struct domain *d, uint64_t gfn)
{
	struct mmu_p2m p;

	if (gfn >= (1ULL << 40) || shadow_p2m(d, gfn, &p) || !p.writable)
		return NULL;
	return phys_to_virt(p.mfn << PAGE_SHIFT);
}

/* Every pCPU that runs one of its vCPUs (see the top). */
/* The engine's gate on execution (shadow_config.may_exec): a W^X
 * domain's pages pass the WRPKRU/XRSTOR scan before they run, as on
 * shared page tables; a domain without W^X is not scanned here (it could
 * write the page again at will, docs/pv.md), only kept W^X by the
 * engine. spt.wx is set by the builder before any page runs. */
static bool shadow_may_exec(void *ctx, uint64_t mfn)
{
	struct domain *d = ctx;
	uint64_t gpa;

	/* Only its own RAM runs: a frame granted to it, or a grant table
	 * page, is written where this engine does not see (grant mappings
	 * are never executable on shared page tables either). */
	if (pv_maddr_to_gpa(d, mfn << PAGE_SHIFT, &gpa))
		return false;
	return !d->pv->spt.wx || pv_xonly_may_exec(NULL, d->id, mfn, false);
}

static void domain_flush(void *ctx)
{
	pv_flush_domain(ctx);
}

/* Xen's type conflict the other way round: a frame another domain maps
 * writable through a grant (host or device) does not become a page
 * table while it does; the walk through it is the guest's #PF. */
static bool may_be_table(void *ctx, uint64_t gfn)
{
	return !grant_frame_mapped_writable(ctx, gfn);
}

/* A store into a frame that may be a shadowed page table. Not into a
 * W^X domain's page that may run (-EPERM, as shared-pt's executable
 * type refuses it): the engine would not see it, and the scan would
 * stand for bytes that changed. */
static int store_gpa(struct domain *d, uint64_t gpa, uint64_t val, unsigned int len)
{
	uint64_t f = spin_lock_irqsave(&d->paging_lock);
	int err;

	if (shadow_gfn_is_tracked(d->pv->shadow, gpa >> PAGE_SHIFT))
		err = shadow_pt_write(d->pv->shadow, gpa, val, len);
	else if (d->pv->spt.wx && shadow_mfn_exec_ok(d->pv->shadow,
						     domain_gpa_to_maddr(d, gpa) >> PAGE_SHIFT))
		err = -EPERM;
	else
		err = copy_to_gpa_raw(d, gpa, &val, len);
	spin_unlock_irqrestore(&d->paging_lock, f);
	return err;
}

int pv_shadow_store(struct domain *d, uint64_t gpa, uint64_t val)
{
	if ((gpa & 7) || !domain_gpa_to_maddr(d, gpa))
		return -EINVAL;
	return store_gpa(d, gpa, val, 8);
}

void pv_shadow_p2m_changed(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&d->paging_lock);

	shadow_flush_all(d->pv->shadow);
	spin_unlock_irqrestore(&d->paging_lock, f);
	/* The engine flushed if it dropped entries; a vCPU may still run on
	 * an entry of the frame cached before (another pCPU). */
	pv_flush_domain(d);
}

/* The domain's write_gpa: the hypervisor's own writes into its memory
 * (bounce frames, hypercall results), a plain copy unless the frame is
 * a shadowed page table, which is written through the engine in aligned
 * pieces so no shadow goes stale. src NULL: zeros. */
static int write_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	const uint8_t *p = src;

	while (len) {
		uint64_t n = PAGE_SIZE - (gpa & (PAGE_SIZE - 1)), f;
		bool plain;
		int err = 0;

		if (n > len)
			n = len;
		f = spin_lock_irqsave(&d->paging_lock);
		plain = !shadow_gfn_is_tracked(d->pv->shadow, gpa >> PAGE_SHIFT);
		/* A scanned page must not change while it may run (W^X): it
		 * stops running first, as when the guest writes it through
		 * the shadow, and is scanned again before it runs next. Xen
		 * writes bounce frames wherever the guest's stack is: XTF's
		 * xsa-7 takes its #GP on the page that just ran its SYSCALL. */
		if (d->pv->spt.wx)
			shadow_exec_revoke(d->pv->shadow,
					   domain_gpa_to_maddr(d, gpa) >> PAGE_SHIFT);
		if (plain)
			err = copy_to_gpa_raw(d, gpa, p, n);
		spin_unlock_irqrestore(&d->paging_lock, f);
		for (uint64_t off = 0; !plain && !err && off < n;) {
			unsigned int k = 8 - ((gpa + off) & 7);
			uint64_t val = 0;

			if (k > n - off)
				k = (unsigned int)(n - off);
			if (p)
				memcpy(&val, p + off, k);
			err = store_gpa(d, gpa + off, val, k);
			off += k;
		}
		if (err)
			return -EFAULT;
		gpa += n;
		len -= n;
		if (p)
			p += n;
	}
	return 0;
}

int pv_shadow_init(struct domain *d)
{
	const struct spt_machine *m = pv_mm_machine();
	struct shadow_config cfg = shadow_cfg(d->shadow_pool_pages);
	struct mmu_ops ops = {
		.ctx = d, .alloc_page = pool_alloc, .free_page = pool_free, .map = direct_map,
		.p2m = shadow_p2m, .flush_tlb = domain_flush, .may_be_table = may_be_table,
	};
	int err = 0;

	/* After pv_mm_init(): what shared-pt's shadow L4s carry (the
	 * hypervisor's slots, the frame table), but the read-only M2P is the
	 * identity a translated guest's frame numbers need (pv_m2p.c). */
	for (unsigned int i = 0; i < SPT_HV_NR_SLOTS; i++)
		hv_table[spt_hv_slot_index(i)] = m->hv_slots[i];
	err = pv_m2p_identity(d->mem_bytes >> PAGE_SHIFT, &hv_table[PV_M2P_SLOT]);
	if (err)
		return err;
	pv_shadow_xonly_config(d, &cfg);	/* the hypercall page */
	d->pv->shadow = shadow_domain_create(&ops, &cfg, &err);
	if (!d->pv->shadow)
		return err ? err : -ENOMEM;
	d->write_gpa = write_gpa;
	/* Also the domain's: a p2m change (memory_op giving a frame back,
	 * a grant unmapped) flushes every shadow through it, and the
	 * management counters report its pages, as for HVM shadow domains. */
	d->shadow = d->pv->shadow;
	return 0;
}

void pv_shadow_destroy(struct domain *d)
{
	struct pv_domain *pd = d->pv;

	if (!pd || !pd->shadow)
		return;
	for (unsigned int i = 0; i < MAX_VCPUS_PER_DOMAIN; i++) {
		if (pd->shadow_vcpu[i])
			shadow_vcpu_destroy(pd->shadow_vcpu[i]);
		pd->shadow_vcpu[i] = NULL;
	}
	shadow_domain_destroy(pd->shadow);
	pd->shadow = NULL;
	d->shadow = NULL;
	d->write_gpa = NULL;
}

/* Make the shadow of the guest L4 at gpa the engine's current root. The
 * CPU must not run on a shadow root meanwhile: the engine may recycle
 * the one it leaves. Only the root returned is kept (in cr3 for kernel
 * mode, user_cr3 for user mode): the other may be recycled while idle,
 * and pv_shadow_sync_root asks again at the next switch. */
static int switch_root(struct vcpu *v, uint64_t gpa)
{
	struct domain *d = v->domain;
	struct pv_domain *pd = d->pv;
	uint64_t f, hw = 0;
	int err = 0;

	f = spin_lock_irqsave(&d->paging_lock);
	if (!pd->shadow_vcpu[v->id]) {
		pd->shadow_vcpu[v->id] = shadow_vcpu_create(pd->shadow);
		if (!pd->shadow_vcpu[v->id])
			err = -ENOMEM;
		else
			err = shadow_set_mode(pd->shadow_vcpu[v->id], guest_mode());
	}
	if (!err)
		err = shadow_write_cr3(pd->shadow_vcpu[v->id], gpa, &hw);
	spin_unlock_irqrestore(&d->paging_lock, f);
	if (err)
		return err;
	pd->shadow_root_gpa[v->id] = gpa;
	v->pv.cr3 = v->pv.kernel_mode ? hw : 0;
	v->pv.user_cr3 = v->pv.kernel_mode ? 0 : hw;
	return 0;
}

/* A base pointer: a page of its RAM that no grant maps writable (the
 * type a base pointer takes, refused by Xen as by may_be_table). */
static bool frame_ok(const struct domain *d, uint64_t gpa)
{
	return !(gpa & (PAGE_SIZE - 1)) && domain_gpa_to_maddr(d, gpa) &&
	       !grant_frame_mapped_writable(d, gpa >> PAGE_SHIFT);
}

/* The vCPU's guest (kernel) L4 is the frame at gpa: its shadow root
 * becomes CR3 at the next entry. -EINVAL for a frame outside its RAM.
 * Called in kernel mode (a hypercall, or the builder) with the CPU off
 * the guest's tables (pv_mmu.c's enter_mm). */
int pv_shadow_set_base(struct vcpu *v, uint64_t gpa)
{
	int err;

	if (!frame_ok(v->domain, gpa))
		return -EINVAL;
	err = switch_root(v, gpa);
	if (!err)
		v->pv.guest_cr3 = gpa;
	return err;
}

/* MMUEXT_NEW_USER_BASEPTR: the tables of guest user mode (0: none);
 * their shadow root is made when the vCPU enters user mode. */
static int set_user_base(struct vcpu *v, uint64_t gpa)
{
	if (gpa && !frame_ok(v->domain, gpa))
		return -EINVAL;
	v->pv.guest_user_cr3 = gpa;
	return 0;
}

bool pv_shadow_sync_root(struct vcpu *v)
{
	struct pv_domain *pd = v->domain->pv;
	uint64_t want = v->pv.kernel_mode ? v->pv.guest_cr3 : v->pv.guest_user_cr3;
	uint64_t hw = v->pv.kernel_mode ? v->pv.cr3 : v->pv.user_cr3;
	int err;

	if (want == pd->shadow_root_gpa[v->id] && hw)
		return true;
	write_cr3(paging_root());
	err = want ? switch_root(v, want) : -EINVAL;
	if (!err)
		return true;
	domain_crash(v->domain, "shadow root for %s tables at %#llx: %s",
		     v->pv.kernel_mode ? "kernel" : "user", (unsigned long long)want,
		     err == -ENOMEM ? "shadow pool exhausted, nothing left to recycle"
				    : "refused");
	return false;
}

/* Why the last emulated store on this CPU was not applied (the vCPU
 * stays on the CPU from the fault to its verdict). */
static int store_err[MAX_CPUS];

/* An emulated store's 8 bytes replace `seen` by compare-and-exchange,
 * as on shared page tables (pv_ptwr.c): the value was computed (a LOCK
 * CMPXCHG's compare, an RMW, the rest of a narrower store) from what the
 * entry held when the emulator read it, and another vCPU's store or an
 * A/D update by a walk since must not be lost. Through the engine when
 * the frame is a shadowed table (its shadows follow only a store that
 * happened), else on the frame itself. -EAGAIN: changed under it, the
 * guest runs the instruction again. */
static int cmpxchg_gpa(struct domain *d, uint64_t gpa, uint64_t seen, uint64_t new)
{
	uint64_t f = spin_lock_irqsave(&d->paging_lock), now = seen;
	int err;

	if (shadow_gfn_is_tracked(d->pv->shadow, gpa >> PAGE_SHIFT))
		err = shadow_pt_cmpxchg(d->pv->shadow, gpa, seen, new, &now);
	else if (d->pv->spt.wx && shadow_mfn_exec_ok(d->pv->shadow,
						     domain_gpa_to_maddr(d, gpa) >> PAGE_SHIFT))
		err = -EPERM;
	else
		err = cmpxchg_gpa_u64(d, gpa, &now, new);
	spin_unlock_irqrestore(&d->paging_lock, f);
	if (err == -EAGAIN || (!err && now != seen))
		return -EAGAIN;
	return err;
}

static int commit_store(struct vcpu *v, uint64_t gpa, uint64_t val, unsigned int len,
			uint64_t seen)
{
	unsigned int shift = (unsigned int)(gpa & 7) * 8;
	uint64_t mask = len == 8 ? ~0ULL : ((1ULL << (len * 8)) - 1) << shift;
	int err = cmpxchg_gpa(v->domain, gpa & ~7ULL, seen,
			      (seen & ~mask) | ((val << shift) & mask));

	store_err[smp_processor_id()] = err == -EAGAIN ? 0 : err;
	return err;
}

/* A #PF taken on the shadow: true when it was the hypervisor's (filled,
 * or a page-table store emulated) and the guest simply goes on; false
 * when it is the guest's own, with regs.error_code the one the guest's
 * tables give. */
bool pv_shadow_fault(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct cpu_regs *r = &v->pv.regs;
	struct shadow_fault sf;
	uint64_t f;
	int err;

	v->stats.shadow_faults++;
	/* A protection-key fault: the shadow leaf is there and its key (the
	 * guest's own, or the hypercall page's) refused a data access under
	 * the guest's PKRU, which the engine does not model: the guest's
	 * fault, as the CPU reported it. */
	if (r->error_code & MMU_PF_PK)
		return false;
	f = spin_lock_irqsave(&d->paging_lock);
	err = shadow_page_fault(d->pv->shadow_vcpu[v->id], v->pv.cr2,
				shadow_access_from_pf((uint32_t)r->error_code, false), &sf);
	spin_unlock_irqrestore(&d->paging_lock, f);
	if (err == -EPERM || err == -EINVAL)
		return false;	/* the hypervisor's slots, a non-canonical address */
	if (err) {
		domain_crash(d, "shadow fault at %#llx: %s", (unsigned long long)v->pv.cr2,
			     err == -ENOMEM ? "shadow pool exhausted, nothing left to recycle"
					    : "engine error");
		return true;
	}
	switch (sf.action) {
	case SHADOW_FIXED:
		return true;
	case SHADOW_INJECT:
		r->error_code = sf.error_code;
		return false;
	case SHADOW_EMULATE_PT_WRITE:
		store_err[smp_processor_id()] = 0;
		if (pv_emulate_pt_store(v, sf.gpa, commit_store))
			return true;
		/* A store the engine refused (a writable L4 self-map), or one
		 * the emulator does not take (CMPXCHG16B, 16 bytes; an
		 * instruction it does not know, store_err still 0): the
		 * guest's #PF, as on shared page tables (pv_ptwr.c). */
		if (store_err[smp_processor_id()] == -EACCES || !store_err[smp_processor_id()])
			return false;
		domain_crash(d, "unsupported store to page table at guest-physical %#llx, "
			     "rip %#llx", (unsigned long long)sf.gpa, (unsigned long long)r->rip);
		return true;
	case SHADOW_P2M_FAULT:
		return false;	/* a frame beyond its RAM: the guest's #PF */
	default:
		/* SHADOW_EMULATE needs CR0.WP=0 and a supervisor access:
		 * never from ring 3. */
		domain_crash(d, "shadow fault at %#llx: unexpected action %d",
			     (unsigned long long)v->pv.cr2, (int)sf.action);
		return true;
	}
}

/* A table the guest's walk reaches: a frame of its RAM. */
static uint64_t *map_gpa_table(void *ctx, uint64_t gpa)
{
	uint64_t m = domain_gpa_to_maddr(ctx, gpa & ~(PAGE_SIZE - 1));

	return m ? phys_to_virt(m) : NULL;
}

int pv_shadow_translate(struct vcpu *v, uint64_t root, uint64_t gva, bool write, uint64_t *gpa)
{
	const struct mmu_tables tables = { .map = map_gpa_table, .ctx = v->domain };
	struct mmu_walk w;

	if (!root || !mmu_va_is_canonical(gva) || !pv_guest_va_ok(gva))
		return -EFAULT;
	if (mmu_walk(guest_mode(), &tables, root, gva, MMU_ACC_USER | (write ? MMU_ACC_WRITE : 0),
		     MMU_WALK_SET_AD | MMU_WALK_FORCE_USER | MMU_WALK_LINEAR_RO, &w) != MMU_WALK_OK)
		return -EFAULT;
	*gpa = w.addr;
	return 0;
}

/* An entry at gpa: 8-byte aligned, in its RAM. */
static bool entry_ok(const struct domain *d, uint64_t gpa)
{
	return !(gpa & 7) && domain_gpa_to_maddr(d, gpa);
}

int pv_shadow_mmu_update(struct vcpu *v, const void *req, unsigned int n, unsigned int *done)
{
	const struct mmu_update *u = req;

	for (*done = 0; *done < n; (*done)++, u++) {
		uint64_t gpa = u->ptr & ~3ULL;
		int err;

		if ((u->ptr & 3) != MMU_NORMAL_PT_UPDATE)
			return -ENOSYS;	/* no m2p to update; A/D preserving not offered */
		if (!entry_ok(v->domain, gpa))
			return -EINVAL;
		/* -EACCES: a writable L4 self-map; -EPERM: a page that may
		 * run; as on shared page tables. */
		err = store_gpa(v->domain, gpa, u->val, 8);
		if (err)
			return err == -EACCES || err == -EPERM ? err : -EINVAL;
	}
	return 0;
}

/* A pin asks for a page-table type, which Xen refuses (-EINVAL) to a
 * frame that is writable to someone: the engine needs no pin, but the
 * answer is Xen's. Writable to its own tables (a walk of them) or
 * through a grant mapping or device hold of it anywhere, whose writes
 * the engine would not even see. */
static bool pin_ok(struct domain *d, uint64_t gfn)
{
	return gfn < (1ULL << 40) && domain_gpa_to_maddr(d, gfn << PAGE_SHIFT) &&
	       !grant_frame_writable(d, gfn) && !pv_shadow_maps(d, gfn, 1, true);
}

static int one_mmuext(struct vcpu *v, const struct mmuext_op *op)
{
	struct pv_domain *pd = v->domain->pv;
	uint64_t f;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return pin_ok(v->domain, op->arg1.mfn) ? 0 : -EINVAL;
	case MMUEXT_UNPIN_TABLE:
		return domain_gpa_to_maddr(v->domain, op->arg1.mfn << PAGE_SHIFT) ? 0 : -EINVAL;
	case MMUEXT_NEW_BASEPTR:
		return pv_shadow_set_base(v, op->arg1.mfn << PAGE_SHIFT);
	case MMUEXT_NEW_USER_BASEPTR:
		return set_user_base(v, op->arg1.mfn << PAGE_SHIFT);
	case MMUEXT_TLB_FLUSH_LOCAL:
		return 0;	/* the root is reloaded at the next entry */
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_TLB_FLUSH_MULTI:	/* a superset of the mask */
		if (v->domain->nr_vcpus > 1)
			pv_flush_domain(v->domain);
		return 0;
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_ALL:
	case MMUEXT_INVLPG_MULTI:
		/* As a shadowed HVM guest's INVLPG: the shadow leaf goes. */
		f = spin_lock_irqsave(&v->domain->paging_lock);
		shadow_invlpg(pd->shadow_vcpu[v->id], op->arg1.linear_addr);
		spin_unlock_irqrestore(&v->domain->paging_lock, f);
		return 0;
	default:
		return -ENOSYS;
	}
}

int pv_shadow_mmuext(struct vcpu *v, const void *req, unsigned int n, unsigned int *done)
{
	const struct mmuext_op *op = req;
	int rc;

	for (*done = 0; *done < n; (*done)++, op++) {
		rc = one_mmuext(v, op);
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t pv_shadow_l1_entry(struct vcpu *v, uint64_t va)
{
	uint64_t table = v->pv.guest_cr3;

	for (int level = 4; level >= 2; level--) {
		uint64_t e, gpa = table + pt_index(va, level) * sizeof(e);

		if (copy_from_gpa(v->domain, &e, gpa, sizeof(e)) || !(e & PTE_P) ||
		    (level == 2 && (e & PTE_PS)))
			return 0;
		table = e & PTE_ADDR_MASK;
	}
	table += pt_index(va, 1) * sizeof(uint64_t);
	return entry_ok(v->domain, table) ? table : 0;
}

/* update_va_mapping: the L1 entry for va in the guest's own tables
 * (pseudo-physical frames, no superpage on the way) := val. */
long pv_shadow_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val)
{
	uint64_t entry = pv_shadow_l1_entry(v, va);

	return entry && !store_gpa(v->domain, entry, val, 8) ? 0 : -EINVAL;
}

uint32_t pv_xen_features(const struct domain *d)
{
	/* Xen's for a 64-bit PV guest, less what Umbra does not do. Writable
	 * page tables and the translated physmap for a translated guest; a
	 * guest on shared page tables writes machine frames and is told
	 * neither, but may keep the A/D bits with MMU_PT_UPDATE_PRESERVE_AD
	 * (shared-pt; the translated mmu_update takes MMU_NORMAL_PT_UPDATE
	 * only). Not offered: highmem_assist (no MMUEXT_CLEAR_PAGE or
	 * COPY_PAGE), gnttab_map_avail_bits (no GNTMAP_guest_avail bits). */
	uint32_t f = pv_translated(d) ? (1u << XENFEAT_writable_page_tables) |
					(1u << XENFEAT_auto_translated_physmap)
				      : 1u << XENFEAT_mmu_pt_update_preserve_ad;

	if (__atomic_load_n(&d->vm_assist, __ATOMIC_RELAXED) & (1ULL << VMASST_TYPE_pae_extended_cr3))
		f |= 1u << XENFEAT_pae_pgdir_above_4gb;
	if (d->pv->initdomain)
		f |= 1u << XENFEAT_dom0;
	return f;
}

void pv_shadow_print_stats(const struct domain *d)
{
	struct shadow_counters c;

	shadow_get_counters(d->pv->shadow, &c);
	log_lifecycle(LOG_INFO, "domain %u (%s) paging: mode=shadow pool_pages=%llu "
		      "pool_used=%llu pool_peak=%llu shadow_pages=%llu shadow_pages_peak=%llu "
		      "meta_pages=%llu pages_peak=%llu recycles=%llu hidden_faults=%llu "
		      "fills=%llu injected=%llu pt_write_traps=%llu pt_writes=%llu "
		      "cr3_writes=%llu cache_hits=%llu cache_misses=%llu invlpgs=%llu\n",
		      d->id, d->name, (unsigned long long)d->pool.reserved,
		      (unsigned long long)d->pool.used, (unsigned long long)d->pool.peak,
		      (unsigned long long)c.shadow_pages, (unsigned long long)c.shadow_pages_peak,
		      (unsigned long long)c.meta_pages, (unsigned long long)c.pages_peak,
		      (unsigned long long)c.recycles, (unsigned long long)c.hidden_faults,
		      (unsigned long long)c.fills, (unsigned long long)c.injected,
		      (unsigned long long)c.pt_write_traps, (unsigned long long)c.pt_writes,
		      (unsigned long long)c.cr3_writes, (unsigned long long)c.cache_hits,
		      (unsigned long long)c.cache_misses, (unsigned long long)c.invlpgs);
}

/* Is guest frame gfn one of the domain's page tables the engine shadows?
 * Writes the hypervisor makes there must go through write_gpa (above). */
bool pv_shadow_is_pt(struct domain *d, uint64_t gfn)
{
	uint64_t f = spin_lock_irqsave(&d->paging_lock);
	bool pt = shadow_gfn_is_tracked(d->pv->shadow, gfn);

	spin_unlock_irqrestore(&d->paging_lock, f);
	return pt;
}
