/*
 * A PV guest's descriptor table: set_gdt and update_descriptor, Xen's
 * x86-64 semantics, and the copy of the guest's descriptors into each
 * CPU's GDT while it runs there.
 *
 * The guest names up to 14 frames of its own (7168 entries, everything
 * below FIRST_RESERVED_GDT_BYTE). Each becomes a typed segment-descriptor
 * page (shared-pt's SPT_TYPE_SEG): no writable mapping of it can exist
 * while it is one, so its contents change only through update_descriptor.
 * Every descriptor is checked as Xen's check_descriptor does before it is
 * accepted, and fixed up in the guest's frame: a code or data segment
 * below DPL 3 is raised to DPL 3 (a 64-bit guest kernel runs in ring 3),
 * a call gate must name a guest code selector, never one of the
 * hypervisor's, and gets DPL 0 (so its use is a #GP, as in Xen, where
 * the gate is then emulated; Umbra bounces that #GP to the guest), any
 * other system descriptor (TSS, LDT, interrupt or trap gate) is refused.
 *
 * Xen maps the frames into a per-vCPU GDT area; Umbra copies them into
 * the bottom 56 KiB of the CPU's GDT (gdt.c) when a vCPU whose
 * descriptors are not there enters, told apart by a generation number
 * that every change takes afresh (an update_descriptor into a frame
 * another vCPU has loaded kicks that one's pCPU out of the guest and
 * waits, pv_flush.c, so the change is there at once, as with Xen's
 * mapping), and checks each descriptor again as it copies it (one that fails becomes not-present): what reaches the CPU's
 * GDT is checked whatever happened to the frame meanwhile (a domain on
 * paging=shadow, whose own mappings shared-pt does not type, could write
 * it). The hypervisor's own descriptors are in the reserved page above,
 * where no guest entry reaches.
 *
 * A translated domain (paging=shadow) names its frames by guest frame
 * number, as Xen's auto-translated guests do; they are turned into
 * machine frames of its own first.
 */
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/string.h>
#include "mmu/walk.h"
#include "pv_desc.h"
#include "pv_mm.h"
#include "pv_traps.h"

#define ENTS_PER_FRAME	(PAGE_SIZE / 8)
#define MAX_ENTS	(FIRST_RESERVED_GDT_BYTE / 8)
#define MAX_FRAMES	(MAX_ENTS / ENTS_PER_FRAME)
#define LDT_MAX_ENTS	8192
#define LDT_MAX_FRAMES	(LDT_MAX_ENTS / ENTS_PER_FRAME)
#define LDT_TYPE	0x82ULL		/* present, LDT, DPL 0 */

/* The descriptor's high word (Xen's "b"). */
#define DESC_TYPE	(0xfu << 8)
#define DESC_READABLE	(1u << 9)	/* code: readable */
#define DESC_CODE	(1u << 11)
#define DESC_S		(1u << 12)
#define DESC_DPL	(3u << 13)
#define DESC_P		(1u << 15)
#define TYPE_CALL_GATE	(0xcu << 8)

_Static_assert(MAX_FRAMES == sizeof(((struct pv_vcpu *)0)->gdt_mfn) / sizeof(uint64_t),
	       "one gdt_mfn per frame below the reserved page");
_Static_assert(GDT_CS64 >= FIRST_RESERVED_GDT_BYTE,
	       "the hypervisor's descriptors are above every guest entry");

_Static_assert(LDT_MAX_FRAMES == sizeof(((struct pv_vcpu *)0)->ldt_mfn) / sizeof(uint64_t),
	       "one ldt_mfn per LDT frame");

static uint64_t gdt_generation;

/* Each CPU's copy of the running guest's LDT: hypervisor memory the guest
 * never maps, in its tables (supervisor-only) under xpti as the GDT is,
 * for the CPUs there are only (pv_view.c). */
static uint64_t ldt_tables[MAX_CPUS][LDT_MAX_ENTS] __attribute__((aligned(4096)));

const void *pv_ldt_table(unsigned int cpu, uint64_t *bytes)
{
	*bytes = sizeof(ldt_tables[0]);
	return ldt_tables[cpu];
}

static uint64_t next_generation(void)
{
	return __atomic_add_fetch(&gdt_generation, 1, __ATOMIC_RELAXED);
}

/* A call gate may lead to guest code only: an LDT selector, one of the
 * guest's GDT entries, or the flat ring-3 code segments; never null and
 * never the hypervisor's reserved page otherwise. */
static bool gate_selector_ok(uint16_t sel)
{
	if (!(sel & ~3))
		return false;
	if (sel & 4)
		return true;
	if ((sel >> 3) < MAX_ENTS)
		return true;
	return (sel | 3) == FLAT_RING3_CS64 || (sel | 3) == FLAT_RING3_CS32;
}

bool pv_check_descriptor(uint64_t *desc)
{
	uint32_t a = (uint32_t)*desc, b = (uint32_t)(*desc >> 32);
	uint16_t cs;

	if (!(b & DESC_P))
		return true;		/* not present: any use faults */
	b |= DESC_DPL;			/* a 64-bit guest's kernel RPL is 3 */
	if (b & DESC_S)
		goto good;		/* code and data: no base/limit checks */
	if (!(b & DESC_TYPE))
		return true;		/* type 0: upper half of a 16-byte gate */
	if ((b & DESC_TYPE) != TYPE_CALL_GATE)
		return false;
	cs = (uint16_t)(a >> 16);
	if (!gate_selector_ok(cs))
		return false;
	/* DPL 0: using the gate is a #GP naming it; the DPL asked for
	 * (always 3 now) is kept in the target selector's RPL, as Xen does. */
	b &= ~DESC_DPL;
	cs = (uint16_t)((cs & ~3) | 3);
	a = (a & 0xffff) | ((uint32_t)cs << 16);
	if (b & 0xff)
		return false;		/* reserved (parameter count) */
good:
	*desc = a | ((uint64_t)b << 32);
	return true;
}

/* Check (and fix up) every descriptor of a frame about to become a
 * descriptor page. */
static bool frame_ok(uint64_t mfn)
{
	uint64_t *d = phys_to_virt(mfn << PAGE_SHIFT);

	for (unsigned int i = 0; i < ENTS_PER_FRAME; i++) {
		uint64_t e = __atomic_load_n(&d[i], __ATOMIC_RELAXED);

		if (!pv_check_descriptor(&e))
			return false;
		__atomic_store_n(&d[i], e, __ATOMIC_RELAXED);
	}
	return true;
}

static void put_frames(struct domain *d, const uint64_t *mfn, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		spt_put_seg_page(&d->pv->spt, mfn[i]);
}

/* Take n frames as descriptor pages, each checked; all or none. */
static long get_frames(struct domain *d, const uint64_t *mfn, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (spt_get_seg_page(&d->pv->spt, mfn[i])) {
			put_frames(d, mfn, i);
			return -EINVAL;
		}
		if (!frame_ok(mfn[i])) {
			put_frames(d, mfn, i + 1);
			return -EINVAL;
		}
	}
	return 0;
}

static unsigned int frames_of(unsigned int ents)
{
	return (ents + ENTS_PER_FRAME - 1) / ENTS_PER_FRAME;
}

/* A frame number as the guest gives it: a machine frame, or for a
 * translated domain its guest frame (SPT_INVALID_MFN if not its RAM, or
 * one of its page tables: shared-pt's types do not say so there, and
 * what the hypervisor writes into a descriptor page (update_descriptor,
 * frame_ok's fix-ups) would not reach the shadows made from it). */
static uint64_t guest_frame(struct domain *d, uint64_t frame)
{
	uint64_t ma;

	if (!pv_translated(d))
		return frame;
	if (frame >= PFN_LIMIT || pv_shadow_is_pt(d, frame))
		return SPT_INVALID_MFN;
	ma = domain_gpa_to_maddr(d, frame << PAGE_SHIFT);
	return ma ? ma >> PAGE_SHIFT : SPT_INVALID_MFN;
}

/* set_gdt(frame_list, entries): up to 7168 entries in the guest's own
 * frames; the old frames are released once the new ones are taken. */
static long set_gdt(struct vcpu *v, uint64_t list, uint64_t ents)
{
	uint64_t frames[MAX_FRAMES];
	unsigned int n;

	if (ents > MAX_ENTS)
		return -EINVAL;
	n = frames_of((unsigned int)ents);
	if (n && copy_from_guest(v, frames, list, n * sizeof(uint64_t)))
		return -EFAULT;
	return pv_set_gdt_frames(v, frames, ents);
}

long pv_set_gdt_frames(struct vcpu *v, const uint64_t *frames, uint64_t ents)
{
	uint64_t mfn[MAX_FRAMES];
	unsigned int n;
	long rc;

	if (ents > MAX_ENTS)
		return -EINVAL;
	n = frames_of((unsigned int)ents);
	for (unsigned int i = 0; i < n; i++)
		mfn[i] = guest_frame(v->domain, frames[i]);
	pv_mm_lock(v->domain);
	rc = get_frames(v->domain, mfn, n);
	if (!rc) {
		put_frames(v->domain, v->pv.gdt_mfn, frames_of(v->pv.gdt_ents));
		memcpy(v->pv.gdt_mfn, mfn, n * sizeof(uint64_t));
		v->pv.gdt_ents = (unsigned int)ents;
		v->pv.gdt_gen = next_generation();
	}
	pv_mm_unlock();
	return rc;
}

static bool has_frame(const uint64_t *mfns, unsigned int ents, uint64_t mfn)
{
	for (unsigned int i = 0; i < frames_of(ents); i++)
		if (mfns[i] == mfn)
			return true;
	return false;
}

/* Every vCPU of d reloads its descriptors at its next entry; the mask of
 * those but `self` whose GDT or LDT holds frame mfn (they must not run
 * on with the old descriptor). Under pv_mm_lock. */
static uint64_t descriptors_changed(struct domain *d, const struct vcpu *self, uint64_t mfn)
{
	uint64_t mask = 0;

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *w = d->vcpus[i];

		__atomic_store_n(&w->pv.gdt_gen, next_generation(), __ATOMIC_SEQ_CST);
		if (w != self && (has_frame(w->pv.gdt_mfn, w->pv.gdt_ents, mfn) ||
				  has_frame(w->pv.ldt_mfn, w->pv.ldt_ents, mfn)))
			mask |= 1ULL << w->id;
	}
	return mask;
}

/* update_descriptor(maddr, desc): one 8-byte descriptor in a frame of the
 * guest's own that is a descriptor page or an ordinary page, never a page
 * table; checked as set_gdt checks. */
static long update_descriptor(struct vcpu *v, uint64_t maddr, uint64_t desc)
{
	uint64_t kick = 0;
	struct spt_machine *m = pv_mm_machine();
	uint64_t mfn = guest_frame(v->domain, maddr >> PAGE_SHIFT), pfn;
	const struct spt_frame *f;
	uint16_t owner;
	long rc = -EINVAL;

	if ((maddr & 7) || !pv_check_descriptor(&desc) || mfn == SPT_INVALID_MFN)
		return -EINVAL;
	maddr = (mfn << PAGE_SHIFT) | (maddr & (PAGE_SIZE - 1));
	pv_mm_lock(v->domain);
	if (spt_m2p(m, mfn, &owner, &pfn) || owner != v->domain->id)
		goto out;
	f = &m->frames[mfn];
	if (f->type_count && f->type != SPT_TYPE_SEG && f->type != SPT_TYPE_WRITABLE)
		goto out;		/* a page table, or the hypervisor's */
	__atomic_store_n((uint64_t *)phys_to_virt(maddr), desc, __ATOMIC_RELAXED);
	if (f->type_count && f->type == SPT_TYPE_SEG)
		kick = descriptors_changed(v->domain, v, mfn);
	rc = 0;
out:
	pv_mm_unlock();
	if (kick)
		pv_kick_vcpus(v->domain, kick);
	return rc;
}

bool pv_gdt_current(const struct vcpu *v, const struct percpu *p)
{
	return p->pv_gdt_gen == __atomic_load_n(&v->pv.gdt_gen, __ATOMIC_SEQ_CST);
}

/* The guest's LDT entries into this CPU's copy, each checked again. */
static void ldt_copy(const struct vcpu *v, struct percpu *p)
{
	uint64_t *l = ldt_tables[p->cpu_id];

	for (unsigned int i = 0; i < v->pv.ldt_ents; i++) {
		const uint64_t *f = phys_to_virt(v->pv.ldt_mfn[i / ENTS_PER_FRAME] << PAGE_SHIFT);
		uint64_t e = __atomic_load_n(&f[i % ENTS_PER_FRAME], __ATOMIC_RELAXED);

		l[i] = pv_check_descriptor(&e) ? e : 0;
	}
}

void pv_ldt_activate(const struct vcpu *v, struct percpu *p)
{
	uint64_t base = (uint64_t)ldt_tables[p->cpu_id];
	uint64_t limit = (uint64_t)v->pv.ldt_ents * 8 - 1;

	if (!v->pv.ldt_ents) {
		__asm__ volatile("lldt %w0" : : "r"(0) : "memory");
		return;
	}
	p->gdt[GDT_LDT / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			      (LDT_TYPE << 40) | (((base >> 24) & 0xff) << 56);
	p->gdt[GDT_LDT / 8 + 1] = base >> 32;
	__asm__ volatile("lldt %w0" : : "r"(GDT_LDT) : "memory");
}

void pv_gdt_load(struct vcpu *v, struct percpu *p)
{
	unsigned int n = v->pv.gdt_ents;

	if (p->pv_gdt_gen == v->pv.gdt_gen)
		return;
	ldt_copy(v, p);
	for (unsigned int i = 0; i < n; i++) {
		const uint64_t *f = phys_to_virt(v->pv.gdt_mfn[i / ENTS_PER_FRAME] << PAGE_SHIFT);
		uint64_t e = __atomic_load_n(&f[i % ENTS_PER_FRAME], __ATOMIC_RELAXED);

		p->gdt[i] = pv_check_descriptor(&e) ? e : 0;
	}
	if (p->pv_gdt_ents > n)
		memset(&p->gdt[n], 0, (p->pv_gdt_ents - n) * 8);
	p->pv_gdt_ents = n;
	p->pv_gdt_gen = v->pv.gdt_gen;
}

/* A code segment of the guest's own: a GDT entry below the reserved
 * page, present, code, DPL 3 (pv_check_descriptor raised it). */
static bool guest_code_desc(uint64_t desc)
{
	uint32_t b = (uint32_t)(desc >> 32);

	return (b & DESC_P) && (b & DESC_S) && (b & DESC_CODE) && (b & DESC_DPL) == DESC_DPL;
}

bool pv_guest_cs_ok(const struct vcpu *v, uint16_t sel)
{
	unsigned int i = sel >> 3;
	const uint64_t *t;

	if ((sel | 3) == FLAT_RING3_CS64 || (sel | 3) == FLAT_RING3_CS32)
		return true;
	if ((sel & 4) || !i || i >= v->pv.gdt_ents)
		return false;		/* no LDT; null; not one of its entries */
	t = phys_to_virt(v->pv.gdt_mfn[i / ENTS_PER_FRAME] << PAGE_SHIFT);
	return guest_code_desc(__atomic_load_n(&t[i % ENTS_PER_FRAME], __ATOMIC_RELAXED));
}

bool pv_cpu_cs_ok(const struct percpu *p, uint16_t sel)
{
	unsigned int i = sel >> 3;

	if (sel == FLAT_RING3_CS64 || sel == FLAT_RING3_CS32)
		return true;
	if ((sel & 7) != 3 || !i || i >= p->pv_gdt_ents)
		return false;
	return guest_code_desc(p->gdt[i]);
}

/* The descriptor a GS load from ring 3 would use, if it would succeed:
 * present, a data or readable code segment, DPL >= RPL. */
static bool gs_descriptor(const struct vcpu *v, uint16_t sel, uint64_t *desc)
{
	unsigned int i = sel >> 3;
	const uint64_t *t;
	uint32_t b;

	if (sel & 4) {
		if (i >= v->pv.ldt_ents)
			return false;
		t = phys_to_virt(v->pv.ldt_mfn[i / ENTS_PER_FRAME] << PAGE_SHIFT);
		goto found;
	}
	if ((sel | 3) == FLAT_RING3_DS32 || (sel | 3) == FLAT_RING3_CS64 ||
	    (sel | 3) == FLAT_RING3_CS32) {
		*desc = 0;		/* flat: base 0 */
		return true;
	}
	if (i >= v->pv.gdt_ents)
		return false;
	t = phys_to_virt(v->pv.gdt_mfn[i / ENTS_PER_FRAME] << PAGE_SHIFT);
found:
	*desc = __atomic_load_n(&t[i % ENTS_PER_FRAME], __ATOMIC_RELAXED);
	b = (uint32_t)(*desc >> 32);
	return (b & DESC_P) && (b & DESC_S) && (!(b & DESC_CODE) || (b & DESC_READABLE)) &&
	       ((b & DESC_DPL) >> 13) >= (sel & 3u);
}

/* SEGBASE_GS_USER_SEL: guest user mode's GS as loading `sel` would make
 * it; the base is the descriptor's (32 bits). A selector that would not
 * load is a null one, base 0, and still 0 is returned, as in Xen (Linux
 * BUG()s on an error here; a caller checks by reading GS back). The
 * selector itself is kept, not loaded into the register (docs/pv.md). */
long pv_gs_user_sel(struct vcpu *v, uint16_t sel)
{
	uint64_t desc;

	if (sel > 3)
		sel |= 3;
	if (sel <= 3 || !gs_descriptor(v, sel, &desc)) {
		sel = 0;
		desc = 0;
	}
	v->pv.gs_sel_user = sel;
	v->pv.gs_base_user = ((desc >> 16) & 0xffffff) | (((desc >> 56) & 0xff) << 24);
	return 0;
}

/* An LDT wholly in the guest's part of the address space: canonical,
 * never one of Umbra's slots (its first and last byte: 64 KiB cannot
 * straddle a 512 GiB slot), never wrapping. */
static bool ldt_range_ok(uint64_t base, uint64_t ents)
{
	uint64_t last = base + ents * 8 - 1;

	if (!ents)
		return true;
	return last > base && mmu_va_is_canonical(base) && mmu_va_is_canonical(last) &&
	       pv_guest_va_ok(base) && pv_guest_va_ok(last);
}

/* The frame behind an LDT page, as set_gdt would name it. */
static uint64_t ldt_frame(struct vcpu *v, uint64_t va)
{
	uint64_t gpa, ma;

	if (pv_translate(v, va, false, &gpa))
		return SPT_INVALID_MFN;
	if (pv_translated(v->domain))
		return guest_frame(v->domain, gpa >> PAGE_SHIFT);
	ma = domain_gpa_to_maddr(v->domain, gpa & ~(uint64_t)(PAGE_SIZE - 1));
	return ma ? ma >> PAGE_SHIFT : SPT_INVALID_MFN;
}

long pv_set_ldt(struct vcpu *v, uint64_t base, uint64_t ents)
{
	uint64_t mfn[LDT_MAX_FRAMES];
	unsigned int n;
	long rc;

	if (!ents)
		base = 0;
	if ((base & (PAGE_SIZE - 1)) || ents > LDT_MAX_ENTS || !ldt_range_ok(base, ents))
		return -EINVAL;
	n = frames_of((unsigned int)ents);
	for (unsigned int i = 0; i < n; i++) {
		mfn[i] = ldt_frame(v, base + (uint64_t)i * PAGE_SIZE);
		if (mfn[i] == SPT_INVALID_MFN)
			return -EINVAL;
	}
	rc = get_frames(v->domain, mfn, n);
	if (rc)
		return rc;
	put_frames(v->domain, v->pv.ldt_mfn, frames_of(v->pv.ldt_ents));
	memcpy(v->pv.ldt_mfn, mfn, n * sizeof(uint64_t));
	v->pv.ldt_base = base;
	v->pv.ldt_ents = (unsigned int)ents;
	v->pv.gdt_gen = next_generation();
	return 0;
}

void pv_desc_release(struct vcpu *v)
{
	if (!v->domain->pv || (!v->pv.gdt_ents && !v->pv.ldt_ents))
		return;
	pv_mm_lock(v->domain);
	put_frames(v->domain, v->pv.gdt_mfn, frames_of(v->pv.gdt_ents));
	put_frames(v->domain, v->pv.ldt_mfn, frames_of(v->pv.ldt_ents));
	pv_mm_unlock();
	v->pv.gdt_ents = 0;
	v->pv.ldt_ents = 0;
	v->pv.ldt_base = 0;
	v->pv.gdt_gen = next_generation();
}

bool pv_desc_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args, long *rc)
{
	/* Translated (paging=shadow) domains too: they name guest frames
	 * (guest_frame()), and though the shadow engine does not keep their
	 * descriptor pages read-only, what they write there is checked again
	 * on its way into the CPU's GDT (pv_gdt_load). */
	switch (nr) {
	case __HYPERVISOR_set_gdt:
		*rc = set_gdt(v, args[0], args[1]);
		return true;
	case __HYPERVISOR_update_descriptor:
		*rc = update_descriptor(v, args[0], args[1]);
		return true;
	default:
		return false;
	}
}
