/*
 * A PV guest's page-table hypercalls on shared page tables: mmu_update,
 * mmuext_op and update_va_mapping, Xen's layouts and semantics, carried
 * out by shared-pt (validation, types, the shadow L4).
 *
 * While shared-pt works the CPU runs on Umbra's own tables: a shadow page
 * the call frees (an unpinned L4 after a new base pointer) is then not
 * the live CR3, and the guest's root is loaded afresh at its next entry,
 * which also flushes whatever the call asked to flush on this pCPU. A
 * flush of every vCPU (MMUEXT_TLB_FLUSH_ALL/MULTI, INVLPG_ALL/MULTI,
 * UVMF_ALL or a vCPU mask) reaches the domain's other vCPUs through
 * pv_flush_domain(); as in Xen, mmu_update itself flushes nothing on
 * other vCPUs (a frame changing type is flushed everywhere by shared-pt's
 * flush_tlbs).
 */
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hypercall.h>
#include "mmu/walk.h"
#include "pv_desc.h"
#include "pv_mm.h"
#include "pv_traps.h"

#define BATCH		16	/* requests copied at a time */
#define REQ_MAX		24	/* the larger request: struct mmuext_op */

/* run_batch copies BATCH requests of either kind into one buffer. */
_Static_assert(sizeof(struct mmu_update) <= REQ_MAX && sizeof(struct mmuext_op) <= REQ_MAX,
	       "a request fits run_batch's buffer");
#define PER_CALL	256	/* requests before the call continues */
#define PREEMPTED	0x80000000u	/* in count: done so far is in *pdone */

static void enter_mm(struct vcpu *v)
{
	write_cr3(paging_root());
	pv_mm_lock(v->domain);
}

/* The vCPU's roots after the call (new base pointers). */
static void leave_mm(struct vcpu *v)
{
	struct spt_vcpu *sv = &v->domain->pv->spt_vcpus[v->id];

	if (pv_translated(v->domain)) {	/* pv_shadow.c keeps its roots */
		pv_mm_unlock();
		return;
	}
	if (sv->base_mfn != SPT_INVALID_MFN) {
		v->pv.guest_cr3 = sv->base_mfn << PAGE_SHIFT;
		v->pv.cr3 = spt_vcpu_root(sv, false) << PAGE_SHIFT;
	}
	v->pv.guest_user_cr3 = 0;
	v->pv.user_cr3 = 0;
	if (sv->user_base_mfn != SPT_INVALID_MFN) {
		v->pv.guest_user_cr3 = sv->user_base_mfn << PAGE_SHIFT;
		v->pv.user_cr3 = spt_vcpu_root(sv, true) << PAGE_SHIFT;
	}
	pv_mm_unlock();
}

/* Only the caller's own tables: DOMID_SELF or its own id. */
static bool own_domain(const struct vcpu *v, uint64_t domid)
{
	return (uint16_t)domid == DOMID_SELF || (uint16_t)domid == v->domain->id;
}

/* The shape both batch calls share: args[0] array, args[1] count (with
 * PREEMPTED), args[2] pdone, args[3] domid. */
struct batch {
	size_t size;			/* of one request */
	int (*run)(struct vcpu *v, const void *req, unsigned int n, unsigned int *done);
	/* How many of the n requests may go to run (NULL: all); the one
	 * after them is refused with -EINVAL. Outside the mm lock. */
	unsigned int (*check)(struct vcpu *v, const void *req, unsigned int n);
};

/* The done count as Xen keeps it: read back when the call continues,
 * written when it ends or continues, whatever the outcome; a count it
 * cannot read or write is passed over (the requests are done all the
 * same, and the call's result is theirs). */
static void done_out(struct vcpu *v, uint64_t pdone, uint32_t done)
{
	if (pdone)
		copy_to_guest(v, pdone, &done, sizeof(done));
}

/* The first of n requests at arr that can be read: Xen reads them one
 * at a time, so those before an unreadable one are done, then -EFAULT. */
static unsigned int read_requests(struct vcpu *v, uint64_t arr, uint8_t *req, unsigned int n,
				  size_t size)
{
	unsigned int i;

	if (!copy_from_guest(v, req, arr, n * size))
		return n;
	for (i = 0; i < n; i++)
		if (copy_from_guest(v, req + i * size, arr + i * size, size))
			break;
	return i;
}

static long run_batch(struct vcpu *v, uint64_t *args, const struct batch *b)
{
	uint8_t req[BATCH * REQ_MAX];
	uint32_t count = (uint32_t)args[1], done = 0, total = 0;
	long rc = 0;

	/* An array in the hypervisor's part: refused before anything, the
	 * done count untouched (Xen's guest_handle_okay). */
	if (!guest_handle_okay(v, args[0]))
		return -EFAULT;
	if (!own_domain(v, args[3]))
		return -EPERM;
	if (count & PREEMPTED) {
		count &= ~PREEMPTED;
		if (args[2] && copy_from_guest(v, &done, args[2], sizeof(done)))
			done = 0;
	}
	while (count && !rc) {
		unsigned int n = count < BATCH ? count : BATCH, ok = 0, got, checked;

		if (total >= PER_CALL) {
			done_out(v, args[2], done);
			args[1] = count | PREEMPTED;
			return HYPERCALL_CONTINUE;
		}
		got = read_requests(v, args[0], req, n, b->size);
		checked = b->check ? b->check(v, req, got) : got;
		if (checked) {
			enter_mm(v);
			rc = b->run(v, req, checked, &ok);
			leave_mm(v);
		}
		done += ok;
		total += ok;
		args[0] += ok * b->size;
		count -= ok;
		if (!rc && ok < got)
			rc = -EINVAL;
		if (!rc && got < n)
			rc = -EFAULT;
	}
	done_out(v, args[2], done);
	return rc;
}

static int run_mmu_update(struct vcpu *v, const void *req, unsigned int n, unsigned int *done)
{
	int results[BATCH];
	struct spt_flush flush = { 0 };

	return spt_mmu_update(&v->domain->pv->spt, req, n, results, done, &flush);
}

/* Xen answers a pin whose frame holds another type (mapped writable, a
 * table of another level) with -EINVAL; shared-pt says -EBUSY. */
static bool is_pin(const struct mmuext_op *op)
{
	return op->cmd <= MMUEXT_PIN_L4_TABLE;	/* PIN_L1_TABLE is 0 */
}

static int run_mmuext_spt(struct vcpu *v, const void *req, unsigned int n, unsigned int *done)
{
	const struct mmuext_op *op = req;
	int results[BATCH];
	struct spt_flush flush = { 0 };
	int rc = spt_mmuext_op(&v->domain->pv->spt_vcpus[v->id], req, n, results, done, &flush);

	if (rc == -EBUSY && *done < n && is_pin(&op[*done]))
		rc = -EINVAL;
	if ((flush.flags & (SPT_FLUSH_ALL | SPT_FLUSH_VA_ALL)) && v->domain->nr_vcpus > 1)
		pv_flush_domain(v->domain);
	return rc;
}

/* MMUEXT_SET_LDT is the descriptor-table code's (pv_set_ldt): the batch
 * goes to shared-pt (or pv_shadow.c) in runs between them. */
static int run_mmuext_ldt(struct vcpu *v, const void *req, unsigned int n, unsigned int *done,
			  int (*run)(struct vcpu *, const void *, unsigned int, unsigned int *))
{
	const struct mmuext_op *op = req;
	unsigned int i = 0, k, ok;
	int rc;

	*done = 0;
	while (i < n) {
		if (op[i].cmd == MMUEXT_SET_LDT) {
			rc = (int)pv_set_ldt(v, op[i].arg1.linear_addr, op[i].arg2.nr_ents);
			if (rc)
				return rc;
			*done = ++i;
			continue;
		}
		for (k = i; k < n && op[k].cmd != MMUEXT_SET_LDT; k++)
			;
		ok = 0;
		rc = run(v, &op[i], k - i, &ok);
		*done = i + ok;
		if (rc || ok < k - i)
			return rc;
		i = k;
	}
	return 0;
}

/* MMUEXT_TLB_FLUSH_MULTI and INVLPG_MULTI flush every vCPU (a superset
 * of the bitmap), but Xen reads the bitmap (one word: at most 64 vCPUs)
 * and refuses one it cannot read with -EINVAL: the ops before it. */
static unsigned int check_mmuext(struct vcpu *v, const void *req, unsigned int n)
{
	const struct mmuext_op *op = req;
	uint64_t mask;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (op[i].cmd != MMUEXT_TLB_FLUSH_MULTI && op[i].cmd != MMUEXT_INVLPG_MULTI)
			continue;
		if (copy_from_guest(v, &mask, op[i].arg2.vcpumask, sizeof(mask)))
			break;
	}
	return i;
}

static int run_mmuext(struct vcpu *v, const void *req, unsigned int n, unsigned int *done)
{
	return run_mmuext_ldt(v, req, n, done, run_mmuext_spt);
}

static int run_mmuext_shadow(struct vcpu *v, const void *req, unsigned int n, unsigned int *done)
{
	return run_mmuext_ldt(v, req, n, done, pv_shadow_mmuext);
}

long pv_do_mmu_update(struct vcpu *v, uint64_t *args)
{
	static const struct batch b = { sizeof(struct mmu_update), run_mmu_update, NULL };
	static const struct batch sb = { sizeof(struct mmu_update), pv_shadow_mmu_update, NULL };

	return run_batch(v, args, pv_translated(v->domain) ? &sb : &b);
}

long pv_do_mmuext_op(struct vcpu *v, uint64_t *args)
{
	static const struct batch b = { sizeof(struct mmuext_op), run_mmuext, check_mmuext };
	static const struct batch sb = { sizeof(struct mmuext_op), run_mmuext_shadow,
					 check_mmuext };

	return run_batch(v, args, pv_translated(v->domain) ? &sb : &b);
}

/* The machine address of the L1 entry that maps va in the guest tables
 * at root (an L4's machine address), or 0: every table on the way the
 * domain's own, no superpage. */
uint64_t pv_l1_entry_at(struct domain *d, uint64_t root, uint64_t va)
{
	uint64_t table = root & PTE_ADDR_MASK, gpa;

	if (!table)
		return 0;

	for (int level = 4; level >= 2; level--) {
		const uint64_t *t;
		uint64_t e;

		if (pv_maddr_to_gpa(d, table, &gpa))
			return 0;
		t = phys_to_virt(table);
		e = __atomic_load_n(&t[pt_index(va, level)], __ATOMIC_RELAXED);
		if (!(e & PTE_P) || (level == 2 && (e & PTE_PS)))
			return 0;
		table = e & PTE_ADDR_MASK;
	}
	if (pv_maddr_to_gpa(d, table, &gpa))
		return 0;
	return table + pt_index(va, 1) * sizeof(uint64_t);
}

uint64_t pv_l1_entry_of(struct vcpu *v, uint64_t va)
{
	return pv_l1_entry_at(v->domain, v->pv.guest_cr3, va);
}

/* update_va_mapping's flags beyond the flush type: UVMF_LOCAL (0),
 * UVMF_ALL, or a pointer to a bitmap of vCPUs (Xen's UVMF_MULTI). *others:
 * vCPUs other than the caller are to be flushed. -EFAULT for a bitmap
 * that cannot be read. */
static int flush_others(struct vcpu *v, uint64_t flags, bool *others)
{
	uint64_t which = flags & ~(uint64_t)UVMF_FLUSHTYPE_MASK, mask;

	*others = false;
	if (which == UVMF_LOCAL)
		return 0;
	if (which == UVMF_ALL) {
		*others = v->domain->nr_vcpus > 1;
		return 0;
	}
	if (copy_from_guest(v, &mask, which, sizeof(mask)))
		return -EFAULT;
	*others = (mask & ~(1ULL << v->id)) != 0;
	return 0;
}

/* update_va_mapping(va, val, flags): the L1 entry for va := val, checked
 * as mmu_update would. va must lie in the guest's part of the address
 * space and have an L1 table. */
long pv_do_update_va_mapping(struct vcpu *v, uint64_t *args)
{
	struct spt_flush flush = { 0 };
	uint64_t va = args[0], entry;
	bool others;
	int rc;

	if (!mmu_va_is_canonical(va) || !pv_guest_va_ok(va))
		return -EINVAL;
	rc = flush_others(v, args[2], &others);
	if (rc)
		return rc;
	enter_mm(v);
	if (pv_translated(v->domain)) {
		rc = (int)pv_shadow_update_va_mapping(v, va, args[1]);
	} else {
		entry = pv_l1_entry_of(v, va);
		rc = entry ? spt_pt_update(&v->domain->pv->spt, entry, args[1], false, &flush)
			   : -EINVAL;
	}
	leave_mm(v);
	if (!rc && others && (args[2] & UVMF_FLUSHTYPE_MASK))
		pv_flush_domain(v->domain);
	return rc;
}
