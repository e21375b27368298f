/*
 * Xen's read-only machine-to-phys table for 64-bit PV guests: at
 * RO_MPT_VIRT_START (0xffff800000000000, L4 slot 256) every PV guest can
 * read, for each machine frame, the pseudo-physical frame its owner knows
 * it by, or INVALID_M2P_ENTRY (~0). Guests that walk their own page tables
 * (which hold machine frames) turn an entry back into a pointer with it;
 * XTF's pv64 kernels do.
 *
 * One table for the machine, in 2 MiB extents of the hypervisor's memory,
 * written by the hypervisor through the direct map when a domain's
 * extents are registered and when they go. Guests see it through the
 * shadow L4's slot 256 only (the hypervisor's own tables do not map it):
 * user, read-only, no-execute, 2 MiB pages. Like Xen, it tells every PV
 * guest how other domains' frames are numbered; it holds nothing else.
 */
#include <asm/layout.h>
#include <umbra/domain.h>
#include <umbra/domain_limits.h>
#include <umbra/errno.h>
#include <umbra/mm.h>
#include <umbra/string.h>
#include "mmu/pte.h"
#include "shared-pt/layout.h"
#include "pv_m2p.h"

#define INVALID_M2P	(~0ULL)
#define M2P_SLOT	PV_M2P_SLOT

_Static_assert(RO_MPT_BASE == 0xffff000000000000ULL + ((uint64_t)M2P_SLOT << 39),
	       "the table is slot 256");

static uint64_t *m2p_pieces[PT_ENTRIES];	/* direct-map pointer per 2 MiB */
static uint64_t m2p_frames;

/* The identity table translated guests see instead (pv_m2p_identity). */
static spinlock_t ident_lock = SPINLOCK_INIT;
static uint64_t ident_l3, ident_l2, ident_pieces;

static uint64_t *entry(uint64_t mfn)
{
	return &m2p_pieces[mfn / (EXTENT_SIZE / 8)][mfn % (EXTENT_SIZE / 8)];
}

int pv_m2p_init(uint64_t nr_frames, pte_t *l4e)	/* l4e: hv_slots */
{
	uint64_t pieces = (nr_frames * 8 + EXTENT_SIZE - 1) / EXTENT_SIZE;
	uint64_t l3 = alloc_page_phys(), l2 = alloc_page_phys();
	uint64_t *l3t, *l2t;

	if (!l3 || !l2 || pieces > PT_ENTRIES)
		return -ENOMEM;
	l3t = phys_to_virt(l3);
	l2t = phys_to_virt(l2);
	memset(l3t, 0, PAGE_SIZE);
	memset(l2t, 0, PAGE_SIZE);
	for (uint64_t i = 0; i < pieces; i++) {
		uint64_t pa = alloc_extent_2m_phys();

		if (!pa)
			return -ENOMEM;	/* what was taken stays the table's */
		m2p_pieces[i] = phys_to_virt(pa);
		memset(m2p_pieces[i], 0xff, EXTENT_SIZE);
		l2t[i] = pa | PTE_P | PTE_U | PTE_A | PTE_PS | PTE_NX;
	}
	m2p_frames = nr_frames;
	l3t[0] = l2 | PTE_P | PTE_U | PTE_A;
	l4e[spt_hv_slot_entry(M2P_SLOT)] = l3 | PTE_P | PTE_U | PTE_A;
	return 0;
}

void pv_m2p_set(uint64_t mfn, uint64_t pfn, uint64_t n)
{
	for (uint64_t i = 0; i < n && mfn + i < m2p_frames; i++)
		__atomic_store_n(entry(mfn + i), pfn == INVALID_M2P ? pfn : pfn + i,
				 __ATOMIC_RELAXED);
}

void pv_m2p_clear(uint64_t mfn, uint64_t n)
{
	pv_m2p_set(mfn, INVALID_M2P, n);
}

void pv_m2p_domain(const struct domain *d, bool on)
{
	for (unsigned int i = 0; i < d->nr_extents; i++) {
		uint64_t mfn = d->extents[i] >> PAGE_SHIFT;

		if (on)
			pv_m2p_set(mfn, (uint64_t)i * (EXTENT_SIZE >> PAGE_SHIFT),
				   EXTENT_SIZE >> PAGE_SHIFT);
		else
			pv_m2p_clear(mfn, EXTENT_SIZE >> PAGE_SHIFT);
	}
}

/*
 * A translated guest (paging=shadow) is told its p2m is the identity: the
 * frame numbers it puts in its tables and reads back from them are its
 * pseudo-physical ones. Its M2P must then be the identity too, or a
 * guest that turns an entry back into a pointer through it (XTF's
 * maddr_to_virt) gets another domain's numbering. One table serves every
 * translated domain, user, read-only, no-execute, 2 MiB pages like the
 * real one, grown to the largest such domain (each 2 MiB covers 1 GiB):
 * entries beyond a domain's RAM name frames it does not have, as M2P
 * entries of other domains' frames do on shared page tables. *l4e gets
 * its slot-256 entry. 0 or -ENOMEM (nothing changed for the caller).
 */
int pv_m2p_identity(uint64_t nr_frames, uint64_t *l4e)
{
	uint64_t per_piece = EXTENT_SIZE / 8;
	uint64_t need = (nr_frames + per_piece - 1) / per_piece;
	uint64_t f = spin_lock_irqsave(&ident_lock);
	int err = 0;

	if (!ident_l3) {
		uint64_t l3 = alloc_page_phys(), l2 = alloc_page_phys();

		if (l3 && l2) {
			memset(phys_to_virt(l3), 0, PAGE_SIZE);
			memset(phys_to_virt(l2), 0, PAGE_SIZE);
			((uint64_t *)phys_to_virt(l3))[0] = l2 | PTE_P | PTE_U | PTE_A;
			ident_l3 = l3;
			ident_l2 = l2;
		} else {
			if (l3)
				free_page_phys(l3);
			if (l2)
				free_page_phys(l2);
			err = -ENOMEM;
		}
	}
	while (!err && ident_pieces < need) {
		uint64_t pa = ident_pieces < PT_ENTRIES ? alloc_extent_2m_phys() : 0;
		uint64_t *t, first = ident_pieces * per_piece;

		if (!pa) {
			err = -ENOMEM;
			break;
		}
		t = phys_to_virt(pa);
		for (uint64_t i = 0; i < per_piece; i++)
			t[i] = first + i;
		((uint64_t *)phys_to_virt(ident_l2))[ident_pieces++] =
			pa | PTE_P | PTE_U | PTE_A | PTE_PS | PTE_NX;
	}
	spin_unlock_irqrestore(&ident_lock, f);
	if (!err)
		*l4e = ident_l3 | PTE_P | PTE_U | PTE_A;
	return err;
}
