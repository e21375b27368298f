/* paging=shadow: hidden page faults, stores to guest page tables (MOV,
 * XCHG, locked OR/AND/XOR/CMPXCHG/BTS/BTR/BTC, see asm/emulate_store.h), INVLPG,
 * and the hypervisor's own writes into tracked page-table frames. */
#include <asm/emulate_store.h>
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/layout.h>
#include <asm/svm/svm.h>
#include <asm/traps.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/string.h>
#include "mmu/pte.h"
#include "mmu/shadow.h"

/* Write len bytes at gpa the way the guest's store would have: through
 * the shadow engine when the frame is a shadowed page table. */
static int store_gpa(struct domain *d, uint64_t gpa, uint64_t val, unsigned int len)
{
	uint64_t f = spin_lock_irqsave(&d->paging_lock);
	int err;

	if (shadow_gfn_is_tracked(d->shadow, gpa >> 12))
		err = shadow_pt_write(d->shadow, gpa, val, len);
	else
		err = copy_to_gpa_raw(d, gpa, &val, len);
	spin_unlock_irqrestore(&d->paging_lock, f);
	return err;
}

static void emulate_store_at(struct vcpu *v, const struct shadow_fault *f)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct emulated_store st;
	struct insn insn;
	struct insn_regs r;
	uint64_t old = 0, rflags = vmcb->rflags;
	/* The operand cannot cross its aligned 8 bytes (checked below), so
	 * reading to the end of them stays inside the page. */
	int ilen = svm_decode_at_rip(v, &insn);

	svm_regs_get(v, &r);
	if (ilen < 0 || copy_from_gpa(v->domain, &old, f->gpa, 8 - (f->gpa & 7)) ||
	    emulate_store(&insn, &r, &rflags, old, &st) || (f->gpa & 7) + st.len > 8) {
		domain_crash(v->domain, "unsupported instruction (opcode %s%02x) writing "
			     "page table at guest-physical %#llx, rip %#llx",
			     ilen >= 0 && insn.map == INSN_MAP_0F ? "0f " : "",
			     ilen < 0 ? 0 : insn.opcode, (unsigned long long)f->gpa,
			     (unsigned long long)vmcb->rip);
		return;
	}
	if (st.write && store_gpa(v->domain, f->gpa, st.value, st.len)) {
		domain_crash(v->domain, "page-table write at %#llx failed",
			     (unsigned long long)f->gpa);
		return;
	}
	svm_regs_put(v, &r);
	vmcb->rflags = rflags;
	vmcb->rip += (unsigned int)ilen;
}

/*
 * The event EXITINTINFO names, typed as EVENTINJ must carry it. QEMU
 * reports every event it was delivering as an exception, an NMI and an
 * interrupt included, and VMRUN refuses an exception of vector 2 or
 * above 31 (VMEXIT_INVALID).
 */
static uint64_t event_in_delivery(const struct vmcb *vmcb)
{
	uint64_t ev = vmcb->exit_int_info;
	unsigned int vector = ev & EVENT_VECTOR_MASK;

	if ((ev & EVENT_TYPE_MASK) != EVENT_TYPE_EXCEPTION)
		return ev;
	if (vector == TRAP_NMI)
		return (ev & ~EVENT_TYPE_MASK) | EVENT_TYPE_NMI;
	if (vector >= FIRST_INTERRUPT_VECTOR)
		return (ev & ~(EVENT_TYPE_MASK | EVENT_ERR_VALID)) | EVENT_TYPE_INTR;
	return ev;
}

/* The interrupt in delivery is the one V_IRQ still offers: QEMU clears
 * V_IRQ only once a delivery completes (hardware clears it when the
 * interrupt is taken), and the next entry offers it again, so injecting
 * it as well would deliver it twice. */
static bool still_offered(const struct vcpu *v, uint64_t ev)
{
	return (ev & EVENT_TYPE_MASK) == EVENT_TYPE_INTR &&
	       (int)(ev & EVENT_VECTOR_MASK) == v->hvm.virq_left;
}

/*
 * The hidden fault hit while the CPU was delivering an event (pushing its
 * frame, reading the IDT): EXITINTINFO holds that event.
 *  - Fixed: deliver it again, except a software interrupt (INT n, and
 *    INT3/INTO, which TCG reports the same way): RIP still points at the
 *    instruction, which simply runs again; injecting it as well would
 *    deliver it twice. Likewise a virtual interrupt V_IRQ still offers.
 *  - The guest's own #PF: during an exception's delivery that is a double
 *    fault, as on hardware; during an interrupt's, the #PF is delivered
 *    (a virtual interrupt stays pending; INT n runs again).
 *  - A store to emulate: the store is the CPU's own frame push, not the
 *    instruction at RIP; Umbra does not emulate event delivery.
 */
static void fault_during_delivery(struct vcpu *v, const struct shadow_fault *f, uint64_t va)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint64_t ev = event_in_delivery(vmcb), type = ev & EVENT_TYPE_MASK;

	switch (f->action) {
	case SHADOW_FIXED:
		if (type != EVENT_TYPE_SOFT_INT && !still_offered(v, ev))
			v->hvm.pending_event = ev;
		break;
	case SHADOW_INJECT:
		vmcb->cr2 = va;
		if (type == EVENT_TYPE_EXCEPTION)
			hvm_inject_exception(v, TRAP_DF, 0);
		else
			hvm_inject_exception(v, TRAP_PF, (int)f->error_code);
		break;
	default:
		domain_crash(v->domain, "event delivery wrote a shadowed page table at "
			     "%#llx (event %#llx)", (unsigned long long)va,
			     (unsigned long long)vmcb->exit_int_info);
	}
}

void svm_exit_shadow_pf(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vmcb *vmcb = v->hvm.vmcb;
	uint32_t ec = (uint32_t)vmcb->exit_info1;
	uint64_t va = vmcb->exit_info2, lock;
	struct shadow_fault f;
	int err;

	v->stats.shadow_faults++;
	lock = spin_lock_irqsave(&d->paging_lock);
	err = shadow_page_fault(v->hvm.shadow, va,
				shadow_access_from_pf(ec, vmcb->rflags & X86_EFLAGS_AC), &f);
	spin_unlock_irqrestore(&d->paging_lock, lock);
	if (err == -ENOMEM) {
		domain_crash(d, "shadow fault at %#llx: shadow pool of %llu pages exhausted, "
			     "nothing left to recycle", (unsigned long long)va,
			     (unsigned long long)d->shadow_pool_pages);
		return;
	}
	if (err) {
		domain_crash(d, "shadow fault at %#llx (error %#x) failed: %d",
			     (unsigned long long)va, ec, err);
		return;
	}
	if ((vmcb->exit_int_info & EVENT_VALID) && f.action != SHADOW_P2M_FAULT) {
		fault_during_delivery(v, &f, va);
		return;
	}
	switch (f.action) {
	case SHADOW_FIXED:
		break;
	case SHADOW_INJECT:
		vmcb->cr2 = va;
		hvm_inject_exception(v, TRAP_PF, (int)f.error_code);
		break;
	case SHADOW_EMULATE_PT_WRITE:
	case SHADOW_EMULATE:
		emulate_store_at(v, &f);
		break;
	case SHADOW_P2M_FAULT:
		if ((ec & MMU_PF_W) && svm_grant_ro_write(v, f.gpa))
			break;
		/* As under nested paging: no device there. A guest page
		 * table there, or code fetched from there, is not completed. */
		svm_absent_access(v, f.gpa, ec & MMU_PF_W, !(ec & MMU_PF_ID) && !f.table);
		break;
	}
}

void svm_exit_invlpg(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct insn insn;
	struct insn_regs r;
	int len = svm_decode_at_rip(v, &insn);
	uint64_t lock;

	if (len < 0 || !insn.has_mem) {
		domain_crash(d, "undecodable INVLPG at rip %#llx",
			     (unsigned long long)v->hvm.vmcb->rip);
		return;
	}
	if (v->hvm.shadow_active) {
		svm_regs_get(v, &r);
		lock = spin_lock_irqsave(&d->paging_lock);
		shadow_invlpg(v->hvm.shadow, insn_linear_addr(&insn, &r));
		spin_unlock_irqrestore(&d->paging_lock, lock);
	}
	v->hvm.vmcb->rip += (unsigned int)len;
}

/* Within one frame that is not a shadowed page table: a plain write,
 * under the lock so the frame cannot become one half-way. False if it is
 * one. */
static bool write_untracked_frame(struct domain *d, uint64_t gpa, const uint8_t *src,
				  uint64_t len, int *err)
{
	uint64_t f = spin_lock_irqsave(&d->paging_lock);
	bool plain = !shadow_gfn_is_tracked(d->shadow, gpa >> PAGE_SHIFT);

	if (plain)
		*err = copy_to_gpa_raw(d, gpa, src, len);
	spin_unlock_irqrestore(&d->paging_lock, f);
	return plain;
}

/* A shadowed page-table frame is written through the engine in aligned
 * pieces of up to 8 bytes so no shadow goes stale. */
static int write_tracked_frame(struct domain *d, uint64_t gpa, const uint8_t *src,
			       uint64_t len)
{
	while (len) {
		unsigned int n = 8 - (gpa & 7);
		uint64_t val = 0;

		if (n > len)
			n = (unsigned int)len;
		if (src)
			memcpy(&val, src, n);
		if (store_gpa(d, gpa, val, n))
			return -EFAULT;
		gpa += n;
		len -= n;
		if (src)
			src += n;
	}
	return 0;
}

/* The domain's write_gpa hook: the hypervisor's own writes into guest
 * memory (hypercall results, the hypercall page, the boot image), frame
 * by frame. src NULL: zeros. */
int svm_shadow_write_gpa(struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	const uint8_t *p = src;

	while (len) {
		uint64_t n = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
		int err = 0;

		if (n > len)
			n = len;
		if (!write_untracked_frame(d, gpa, p, n, &err))
			err = write_tracked_frame(d, gpa, p, n);
		if (err)
			return -EFAULT;
		gpa += n;
		len -= n;
		if (p)
			p += n;
	}
	return 0;
}
