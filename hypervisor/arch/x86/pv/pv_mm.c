/* The shared page-table engine's host side for PV domains: the frame
 * table (every machine frame's owner, type and counts) in its own virtual
 * area, the hypervisor's L4 slots every shadow L4 carries, and the page
 * and TLB operations shared-pt asks for. */
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/spinlock.h>
#include <umbra/string.h>
#include "mmu/walk.h"
#include "pv_m2p.h"
#include "pv_mm.h"
#include "pv_view.h"
#include "pv_xonly.h"

static struct spt_machine machine;
static bool machine_ready;
static spinlock_t mm_lock = SPINLOCK_INIT;
static uint64_t mm_lock_flags;
/* The domain whose pool pays for shadow pages, while the lock is held. */
static struct domain *pool_domain;

static void *spt_map_frame(void *ctx, uint64_t mfn)
{
	(void)ctx;
	if (mfn >= machine.nr_frames)
		return NULL;
	return phys_to_virt(mfn << PAGE_SHIFT);
}

static uint64_t spt_alloc(void *ctx)
{
	uint64_t pa;

	(void)ctx;
	if (!pool_domain)
		return SPT_INVALID_MFN;
	pa = domain_page_alloc(pool_domain);
	return pa ? pa >> PAGE_SHIFT : SPT_INVALID_MFN;
}

/* No PV vCPU keeps running on a shadow page after it was freed: a shadow
 * L4 goes when its guest L4 loses its last type reference, and every
 * vCPU whose base pointer it is holds one; the vCPU that switched away
 * did so on Umbra's own tables (pv_mmu.c), and a CR3 load flushes. */
static void spt_free(void *ctx, uint64_t mfn)
{
	(void)ctx;
	if (pool_domain)
		domain_page_free(pool_domain, mfn << PAGE_SHIFT);
}

/* Every pCPU in a PV guest, synchronously (pv_flush.c): a frame about
 * to take a new type may still be cached writable anywhere. */
static void spt_flush_all(void *ctx)
{
	(void)ctx;
	pv_flush_all();
	spt_tlbs_flushed(&machine);
}

static const struct spt_ops ops = {
	.map = spt_map_frame,
	.alloc_page = spt_alloc,
	.free_page = spt_free,
	.flush_tlbs = spt_flush_all,
	.may_exec = pv_xonly_may_exec,
	.hv_leaf = pv_xonly_hv_leaf,
	.granted = pv_grant_allowed,
	.gone = pv_frame_gone,
};

/* The frame table in 2 MiB pieces, mapped contiguously at FRAMETABLE_BASE. */
static struct spt_frame *frame_table_alloc(uint64_t nr_frames)
{
	uint64_t bytes = nr_frames * sizeof(struct spt_frame);
	uint64_t size = (bytes + EXTENT_SIZE - 1) & ~(EXTENT_SIZE - 1);

	if (size > FRAMETABLE_MAX)
		return NULL;
	for (uint64_t off = 0; off < size; off += EXTENT_SIZE) {
		uint64_t pa = alloc_extent_2m_phys();

		if (!pa)
			return NULL;	/* what was taken stays the table's */
		paging_map_data(FRAMETABLE_BASE + off, pa, EXTENT_SIZE);
	}
	return (struct spt_frame *)FRAMETABLE_BASE;
}

int pv_mm_init(void)
{
	const uint64_t *root = phys_to_virt(paging_root());
	pte_t slots[SPT_HV_NR_SLOTS];
	uint64_t nr_frames = mm_ram_end() >> PAGE_SHIFT;
	struct spt_frame *frames;
	unsigned int phys_bits = cpuid(CPUID_EXT_ADDR_SIZES).eax & 0xff;

	if (machine_ready)
		return 0;
	frames = frame_table_alloc(nr_frames);
	if (!frames)
		return -ENOMEM;
	/* After the frame table is mapped: its L4 entry is one of these. */
	for (unsigned int i = 0; i < SPT_HV_NR_SLOTS; i++)
		slots[i] = root[spt_hv_slot_index(i)];
	if (pv_m2p_init(nr_frames, slots) || pv_view_init(slots))
		return -ENOMEM;
	if (spt_machine_init(&machine, &ops, NULL, frames, nr_frames, phys_bits, slots))
		return -EINVAL;
	if (pv_xonly_init())
		return -ENOMEM;
	machine_ready = true;
	pr_info("pv: frame table of %llu frames (%llu KiB) at %#llx\n",
		(unsigned long long)nr_frames,
		(unsigned long long)(nr_frames * sizeof(struct spt_frame) >> 10),
		(unsigned long long)FRAMETABLE_BASE);
	return 0;
}

void pv_mm_lock(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&mm_lock);

	mm_lock_flags = f;
	pool_domain = d;
}

void pv_mm_unlock(void)
{
	pool_domain = NULL;
	spin_unlock_irqrestore(&mm_lock, mm_lock_flags);
}

struct spt_machine *pv_mm_machine(void)
{
	return &machine;
}

int pv_maddr_to_gpa(const struct domain *d, uint64_t maddr, uint64_t *gpa)
{
	uint16_t owner;
	uint64_t pfn;

	/* A page shared with it (its grant frames) has no such address. */
	if (spt_m2p(&machine, maddr >> PAGE_SHIFT, &owner, &pfn) || owner != d->id ||
	    pfn == SPT_INVALID_MFN)
		return -EFAULT;
	*gpa = (pfn << PAGE_SHIFT) | (maddr & (PAGE_SIZE - 1));
	return 0;
}

int pv_frame_gfn(const struct domain *d, uint64_t frame, uint64_t *gfn)
{
	uint64_t gpa;

	if (pv_translated(d)) {
		*gfn = frame;
		return 0;
	}
	if (frame >= (1ULL << 40) || pv_maddr_to_gpa(d, frame << PAGE_SHIFT, &gpa))
		return -EINVAL;
	*gfn = gpa >> PAGE_SHIFT;
	return 0;
}

/* A table the guest's walk reaches: only frames the domain owns (its
 * validated tables hold nothing else). */
static uint64_t *map_owned_table(void *ctx, uint64_t maddr)
{
	const struct domain *d = ctx;
	uint64_t gpa;

	if (pv_maddr_to_gpa(d, maddr & ~(PAGE_SIZE - 1), &gpa))
		return NULL;
	return phys_to_virt(maddr & ~(PAGE_SIZE - 1));
}

/* As the guest kernel itself would reach gva: from ring 3, through its
 * own L4 (never the hypervisor's slots), honouring R/W and NX. */
int pv_translate(struct vcpu *v, uint64_t gva, bool write, uint64_t *gpa)
{
	const struct mmu_mode mode = {
		.cr0 = CR0_PG | CR0_WP | CR0_PE, .cr4 = CR4_PAE,
		.efer = EFER_LME | EFER_LMA | EFER_NXE, .maxphyaddr = machine.phys_bits,
	};
	const struct mmu_tables tables = { .map = map_owned_table, .ctx = v->domain };
	/* In guest user mode (an instruction fetched for a fault there),
	 * through the user page tables. */
	uint64_t root = v->pv.kernel_mode ? v->pv.guest_cr3 : v->pv.guest_user_cr3;
	struct mmu_walk w;
	int rc;

	if (pv_translated(v->domain))
		return pv_shadow_translate(v, root, gva, write, gpa);
	if (!root)
		return -EFAULT;
	rc = mmu_walk(&mode, &tables, root, gva,
		      MMU_ACC_USER | (write ? MMU_ACC_WRITE : 0), MMU_WALK_SET_AD, &w);
	if (rc != MMU_WALK_OK)
		return -EFAULT;
	return pv_maddr_to_gpa(v->domain, w.addr, gpa);
}
